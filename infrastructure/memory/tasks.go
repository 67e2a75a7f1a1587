package memory

import (
	"cmp"
	"context"
	"slices"
	"time"

	"crm/domain"
	"crm/domain/task"
	"crm/usecase/record"
	"crm/usecase/tasks"
)

var _ tasks.Repository = (*Tasks)(nil)

// Tasks keeps tasks, with the lists of tasks.Repository; db names the
// records tasks are about.
type Tasks struct {
	*Store[*task.Task, task.Snapshot]
	db *DB
}

// List returns one page of live tasks matching q, newest first.
func (r *Tasks) List(_ context.Context, q tasks.ListQuery) (record.Page[*task.Task], error) {
	return page(r.all(), q.Paging, func(t *task.Task) bool {
		f := t.Fields()
		due := f.Due
		switch {
		case q.Assignee != 0 && f.Assignee.ID != q.Assignee,
			q.Status == tasks.StatusOpen && f.Done, q.Status == tasks.StatusDone && !f.Done,
			q.Priority != "" && f.Priority != q.Priority,
			q.LinkKind != "" && t.Link().Kind != q.LinkKind,
			q.LinkID != 0 && t.Link().ID != q.LinkID,
			!q.DueFrom.IsZero() && (due.IsZero() || due.Before(q.DueFrom)),
			!q.DueBefore.IsZero() && (due.IsZero() || !due.Before(q.DueBefore)):
			return false
		}
		return true
	}), nil
}

// byDue orders tasks by due time, those without one last, then by id.
func byDue(a, b *task.Task) int {
	da, db := a.Fields().Due, b.Fields().Due
	if da.IsZero() != db.IsZero() {
		if da.IsZero() {
			return 1
		}
		return -1
	}
	return cmp.Or(da.Compare(db), cmp.Compare(a.ID(), b.ID()))
}

// open returns the live open tasks keep accepts, by due time.
func (r *Tasks) open(keep func(*task.Task) bool) []*task.Task {
	out := slices.DeleteFunc(r.all(), func(t *task.Task) bool { return t.Done() || !keep(t) })
	slices.SortFunc(out, byDue)
	return out
}

// Open returns rep assignee's open tasks by due time, at most limit.
func (r *Tasks) Open(_ context.Context, assignee int64, limit int) ([]*task.Task, error) {
	out := r.open(func(t *task.Task) bool { return t.Fields().Assignee.ID == assignee })
	return out[:min(limit, len(out))], nil
}

// Completions returns the page p asks for of the events that ticked done
// the live tasks about record l, newest first.
func (r *Tasks) Completions(_ context.Context, l task.Link, p record.Paging) (record.Page[domain.RecordedEvent], error) {
	about := map[int64]bool{}
	for _, t := range r.all() {
		if t.Link() == l {
			about[t.ID()] = true
		}
	}
	return r.events.matching(p, func(ev domain.RecordedEvent) bool {
		return ev.Kind == task.Kind && about[ev.AggregateID] &&
			slices.ContainsFunc(ev.Changes, func(c domain.Change) bool { return c.Field == task.FieldDone && c.New == task.DoneYes })
	}), nil
}

// About returns the live tasks about record l, open first, each by due
// time.
func (r *Tasks) About(_ context.Context, l task.Link) ([]*task.Task, error) {
	out := slices.DeleteFunc(r.all(), func(t *task.Task) bool { return t.Link() != l })
	slices.SortFunc(out, func(a, b *task.Task) int {
		if a.Done() != b.Done() {
			if a.Done() {
				return 1
			}
			return -1
		}
		return byDue(a, b)
	})
	return out[:min(record.MaxPageSize, len(out))], nil
}

// DueBetween returns the open tasks due in [from, to), by due time.
func (r *Tasks) DueBetween(_ context.Context, from, to time.Time) ([]*task.Task, error) {
	return r.open(func(t *task.Task) bool {
		due := t.Fields().Due
		return !due.IsZero() && !due.Before(from) && due.Before(to)
	}), nil
}

// Overdue counts rep assignee's open tasks due before now.
func (r *Tasks) Overdue(_ context.Context, assignee int64, now time.Time) (int, error) {
	return r.overdue(now)[assignee], nil
}

// OverdueByRep counts every rep's open tasks due before now.
func (r *Tasks) OverdueByRep(_ context.Context, now time.Time) (map[int64]int, error) {
	return r.overdue(now), nil
}

// overdue counts the open tasks due before now, by rep.
func (r *Tasks) overdue(now time.Time) map[int64]int {
	out := map[int64]int{}
	for _, t := range r.open(func(t *task.Task) bool { return t.Overdue(now) }) {
		out[t.Fields().Assignee.ID]++
	}
	return out
}

// LinkNames names the records links point at, as stored now, deleted
// ones too.
func (r *Tasks) LinkNames(_ context.Context, links []task.Link) (map[task.Link]tasks.LinkName, error) {
	out := make(map[task.Link]tasks.LinkName, len(links))
	for _, l := range links {
		if l.None() {
			continue
		}
		n := tasks.LinkName{Gone: true}
		switch l.Kind {
		case task.LinkLead:
			if a, ok := r.db.Leads.latest(l.ID); ok {
				n = tasks.LinkName{Name: a.Fields().Name, Deleted: a.Deleted()}
			}
		case task.LinkContact:
			if a, ok := r.db.Contacts.latest(l.ID); ok {
				n = tasks.LinkName{Name: a.Fields().Name, Deleted: a.Deleted()}
			}
		case task.LinkDeal:
			if a, ok := r.db.Deals.latest(l.ID); ok {
				n = tasks.LinkName{Name: a.Fields().Title, Deleted: a.Deleted()}
			}
		}
		out[l] = n
	}
	return out, nil
}
