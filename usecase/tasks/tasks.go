// Package tasks holds the use cases reps perform on tasks: those every
// record shares (record.Service), creating one about a record, completing
// one with a click, the rep's day (/today) and the reminders' reads (what
// falls due in a window, who has how many overdue).
package tasks

import (
	"context"
	"errors"
	"fmt"
	"time"

	"crm/domain"
	"crm/domain/task"
	"crm/domain/user"
	"crm/usecase/record"
)

// Status selects tasks by whether they are done.
type Status string

// The statuses a list may select; "" is every task.
const (
	StatusOpen Status = "open"
	StatusDone Status = "done"
)

// ListQuery selects a page of tasks, newest first. Zero values select
// everything.
type ListQuery struct {
	Assignee int64 // the rep's user id; 0 for every rep's
	Status   Status
	Priority task.Priority
	LinkKind string // tasks about a lead, contact or deal
	LinkID   int64  // with LinkKind, tasks about that one record
	// DueFrom and DueBefore bound the due time, [DueFrom, DueBefore); a
	// bound selects only tasks with a due time.
	DueFrom, DueBefore time.Time
	record.Paging
}

// LinkName is what a page shows of a record a task is about.
type LinkName struct {
	Name string
	// Deleted says it is in the Trash, Gone that it was purged (or never
	// existed): the task keeps pointing at it either way.
	Deleted, Gone bool
}

// Due is an open task falling due, with the rep it is for: what a
// reminder needs.
type Due struct {
	Task     *task.Task
	Assignee int64
}

// Repository stores tasks. Every write is a compare-and-swap on the
// version, stored in one transaction with the task's domain events.
type Repository interface {
	record.Repository[*task.Task]
	// List returns one page of live tasks matching q, newest first.
	List(ctx context.Context, q ListQuery) (record.Page[*task.Task], error)
	// Open returns rep assignee's live open tasks by due time, those
	// without one last; at most limit.
	Open(ctx context.Context, assignee int64, limit int) ([]*task.Task, error)
	// About returns the live tasks about record l, open first, each by
	// due time; at most record.MaxPageSize.
	About(ctx context.Context, l task.Link) ([]*task.Task, error)
	// DueBetween returns the live open tasks due in [from, to), by due
	// time.
	DueBetween(ctx context.Context, from, to time.Time) ([]*task.Task, error)
	// Overdue counts rep assignee's live open tasks due before now.
	Overdue(ctx context.Context, assignee int64, now time.Time) (int, error)
	// OverdueByRep counts every rep's live open tasks due before now, by
	// user id; reps with none are left out.
	OverdueByRep(ctx context.Context, now time.Time) (map[int64]int, error)
	// LinkNames names the records links point at; a link to a record
	// that does not exist is Gone.
	LinkNames(ctx context.Context, links []task.Link) (map[task.Link]LinkName, error)
	// Completions returns the page p asks for of the events that ticked
	// done the live tasks about record l, newest first, paged by event id.
	Completions(ctx context.Context, l task.Link, p record.Paging) (record.Page[domain.RecordedEvent], error)
}

// Users finds the reps tasks are assigned to.
type Users interface {
	// Get returns user id, or an error matching domain.ErrNotFound.
	Get(ctx context.Context, id int64) (user.User, error)
}

// Service runs the task use cases.
type Service struct {
	*record.Service[*task.Task, task.Fields]
	repo  Repository
	users Users
}

// NewService returns a Service storing tasks in repo, assigning them to
// users.
func NewService(repo Repository, users Users) *Service {
	return &Service{Service: record.NewService[*task.Task](task.Kind, task.EditableFields, repo), repo: repo, users: users}
}

// named gives f's assignee the name of the user of that id, which is what
// the history and the pages show; an id of nobody is the rep's mistake.
func (s *Service) named(ctx context.Context, f task.Fields) (task.Fields, error) {
	if f.Assignee.ID < 1 {
		return f, nil // Validate says so, with the other problems
	}
	u, err := s.users.Get(ctx, f.Assignee.ID)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return f, task.AssigneeMissing()
	case err != nil:
		return f, fmt.Errorf("read assignee %d: %w", f.Assignee.ID, err)
	}
	f.Assignee.Name = u.Name
	return f, nil
}

// Create validates f and stores a new task about link (none when zero),
// created by rep by; with no assignee it is by's own. The linked record
// must exist and not be deleted.
func (s *Service) Create(ctx context.Context, by user.User, f task.Fields, link task.Link) (*task.Task, error) {
	if f.Assignee.ID == 0 {
		f.Assignee = task.Assignee{ID: by.ID}
	}
	f, err := s.named(ctx, f)
	if err != nil {
		return nil, err
	}
	t, err := task.New(f, link, by.Name)
	if err != nil {
		return nil, err
	}
	if !link.None() {
		names, err := s.repo.LinkNames(ctx, []task.Link{link})
		if err != nil {
			return nil, fmt.Errorf("create task: %w", err)
		}
		if n := names[link]; n.Gone || n.Deleted {
			return nil, task.LinkMissing()
		}
	}
	return s.Add(ctx, t)
}

// Save is record.Service.Save with the assignee's name read for its id.
func (s *Service) Save(ctx context.Context, by string, id, version int64, f task.Fields) (record.Saved[*task.Task], error) {
	f, err := s.named(ctx, f)
	if err != nil {
		return record.Saved[*task.Task]{}, err
	}
	return s.Service.Save(ctx, by, id, version, f)
}

// RestoreAndSave is record.Service.RestoreAndSave with the assignee's
// name read for its id.
func (s *Service) RestoreAndSave(ctx context.Context, by string, id, version int64, f task.Fields) (record.Saved[*task.Task], error) {
	f, err := s.named(ctx, f)
	if err != nil {
		return record.Saved[*task.Task]{}, err
	}
	return s.Service.RestoreAndSave(ctx, by, id, version, f)
}

// Update is record.Service.Update with the assignee's name read for its
// id.
func (s *Service) Update(ctx context.Context, by string, t *task.Task, f task.Fields) (*task.Task, error) {
	f, err := s.named(ctx, f)
	if err != nil {
		return nil, err
	}
	return s.Service.Update(ctx, by, t, f)
}

// Complete ticks task id done for rep by, who saw it at version: the task
// as saved at that version, done. It is a save like any other, so a tick
// from an old version merges with whatever was saved since, and two reps
// ticking one task at once make one completion: the second finds it done
// already, which is the same change, and writes nothing.
func (s *Service) Complete(ctx context.Context, by string, id, version int64) (record.Saved[*task.Task], error) {
	seen, err := s.repo.Version(ctx, id, version)
	if err != nil {
		return record.Saved[*task.Task]{}, fmt.Errorf("complete task %d: %w", id, err)
	}
	f := seen.Fields()
	f.Done = true
	return s.Service.Save(ctx, by, id, version, f)
}

// List returns a page of tasks matching q.
func (s *Service) List(ctx context.Context, q ListQuery) (record.Page[*task.Task], error) {
	p, err := s.repo.List(ctx, q)
	if err != nil {
		return p, fmt.Errorf("list tasks: %w", err)
	}
	return p, nil
}

// About returns the tasks about record l, open first.
func (s *Service) About(ctx context.Context, l task.Link) ([]*task.Task, error) {
	ts, err := s.repo.About(ctx, l)
	if err != nil {
		return nil, fmt.Errorf("tasks of %s %d: %w", l.Kind, l.ID, err)
	}
	return ts, nil
}

// Completion is a task about a record ticked done: the event that ticked
// it, and the task as it is now.
type Completion struct {
	Event domain.RecordedEvent
	Task  *task.Task
}

// Completions returns the page p asks for of the completions of the live
// tasks about record l, newest first, for the record's timeline. A task
// ticked done, reopened and ticked again was completed twice.
func (s *Service) Completions(ctx context.Context, l task.Link, p record.Paging) (record.Page[Completion], error) {
	events, err := s.repo.Completions(ctx, l, p)
	if err != nil {
		return record.Page[Completion]{}, fmt.Errorf("tasks done about %s %d: %w", l.Kind, l.ID, err)
	}
	out := record.Page[Completion]{Items: make([]Completion, 0, len(events.Items)), Next: events.Next}
	if len(events.Items) == 0 {
		return out, nil
	}
	about, err := s.repo.About(ctx, l)
	if err != nil {
		return record.Page[Completion]{}, fmt.Errorf("tasks done about %s %d: %w", l.Kind, l.ID, err)
	}
	byID := make(map[int64]*task.Task, len(about))
	for _, t := range about {
		byID[t.ID()] = t
	}
	for _, ev := range events.Items {
		// About holds at most a page of tasks; one beyond it is read alone.
		t, ok := byID[ev.AggregateID]
		if !ok {
			if t, err = s.repo.Get(ctx, ev.AggregateID); err != nil {
				return record.Page[Completion]{}, fmt.Errorf("task %d done about %s %d: %w", ev.AggregateID, l.Kind, l.ID, err)
			}
		}
		out.Items = append(out.Items, Completion{Event: ev, Task: t})
	}
	return out, nil
}

// LinkNames names the records links point at.
func (s *Service) LinkNames(ctx context.Context, links []task.Link) (map[task.Link]LinkName, error) {
	names, err := s.repo.LinkNames(ctx, links)
	if err != nil {
		return nil, fmt.Errorf("name tasks' records: %w", err)
	}
	return names, nil
}

// MaxDay bounds the tasks a rep's day shows.
const MaxDay = 500

// Day is a rep's open tasks as /today groups them, each group by due time.
type Day struct {
	Overdue  []*task.Task // due before now
	Today    []*task.Task // due from now to the end of the rep's day
	Upcoming []*task.Task // due later, or without a due time (last)
}

// Today returns rep's open tasks grouped around now, the day ending at
// midnight in loc, the rep's time zone.
func (s *Service) Today(ctx context.Context, rep int64, now time.Time, loc *time.Location) (Day, error) {
	ts, err := s.repo.Open(ctx, rep, MaxDay)
	if err != nil {
		return Day{}, fmt.Errorf("tasks of rep %d: %w", rep, err)
	}
	end := StartOfDay(now, loc).AddDate(0, 0, 1)
	var d Day
	for _, t := range ts {
		due := t.Fields().Due
		switch {
		case due.IsZero() || !due.Before(end):
			d.Upcoming = append(d.Upcoming, t)
		case due.Before(now):
			d.Overdue = append(d.Overdue, t)
		default:
			d.Today = append(d.Today, t)
		}
	}
	return d, nil
}

// StartOfDay is midnight of t's day in loc.
func StartOfDay(t time.Time, loc *time.Location) time.Time {
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, loc)
}

// Overdue counts rep's open tasks due before now: the nav's badge.
func (s *Service) Overdue(ctx context.Context, rep int64, now time.Time) (int, error) {
	n, err := s.repo.Overdue(ctx, rep, now)
	if err != nil {
		return 0, fmt.Errorf("count overdue tasks of rep %d: %w", rep, err)
	}
	return n, nil
}

// OverdueByRep counts every rep's open tasks due before now, by user id.
func (s *Service) OverdueByRep(ctx context.Context, now time.Time) (map[int64]int, error) {
	n, err := s.repo.OverdueByRep(ctx, now)
	if err != nil {
		return nil, fmt.Errorf("count overdue tasks: %w", err)
	}
	return n, nil
}

// DueBetween returns the open tasks due in [from, to), by due time, each
// with the rep it is for: what the reminders raise.
func (s *Service) DueBetween(ctx context.Context, from, to time.Time) ([]Due, error) {
	ts, err := s.repo.DueBetween(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("tasks due between %s and %s: %w", from.Format(time.RFC3339), to.Format(time.RFC3339), err)
	}
	out := make([]Due, len(ts))
	for i, t := range ts {
		out[i] = Due{Task: t, Assignee: t.Fields().Assignee.ID}
	}
	return out, nil
}
