package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"crm/domain"
	"crm/domain/task"
	"crm/domain/user"
	"crm/usecase/record"
	"crm/usecase/tasks"
)

// TaskService is what the API needs from the task use cases.
type TaskService interface {
	// Create stores a task about link for rep by (theirs when f has no
	// assignee); invalid fields, an unknown assignee or a missing record
	// are a *domain.ValidationError.
	Create(ctx context.Context, by user.User, f task.Fields, link task.Link) (*task.Task, error)
	// Get returns the task or an error wrapping domain.ErrNotFound.
	Get(ctx context.Context, id int64) (*task.Task, error)
	// List returns one page of tasks.
	List(ctx context.Context, q tasks.ListQuery) (record.Page[*task.Task], error)
	// Update saves f onto t, as just read, at its version; a lost
	// compare-and-swap is a *conflict.Error.
	Update(ctx context.Context, by string, t *task.Task, f task.Fields) (*task.Task, error)
	// Delete moves the task to the Trash if it is still at version.
	Delete(ctx context.Context, by string, id, version int64) (*task.Task, error)
}

// taskJSON is the representation of a task. Due is null for a task with
// no due time, the link members null for a task about no record.
type taskJSON struct {
	ID           int64         `json:"id"`
	Version      int64         `json:"version"`
	Title        string        `json:"title"`
	Due          *time.Time    `json:"due"`
	Done         bool          `json:"done"`
	AssigneeID   int64         `json:"assignee_id"`
	AssigneeName string        `json:"assignee_name"`
	Priority     task.Priority `json:"priority"`
	LinkKind     *string       `json:"link_kind"`
	LinkID       *int64        `json:"link_id"`
	CreatedAt    time.Time     `json:"created_at"`
	UpdatedAt    time.Time     `json:"updated_at"`
	UpdatedBy    string        `json:"updated_by"`
}

func newTaskJSON(t *task.Task) taskJSON {
	f, l := t.Fields(), t.Link()
	j := taskJSON{
		ID: t.ID(), Version: t.Version(), Title: f.Title, Done: f.Done,
		AssigneeID: f.Assignee.ID, AssigneeName: f.Assignee.Name, Priority: f.Priority,
		CreatedAt: t.CreatedAt().UTC(), UpdatedAt: t.UpdatedAt().UTC(), UpdatedBy: t.UpdatedBy(),
	}
	if !f.Due.IsZero() {
		due := f.Due.UTC()
		j.Due = &due
	}
	if !l.None() {
		j.LinkKind, j.LinkID = &l.Kind, &l.ID
	}
	return j
}

// readTaskPatch reads the members of a task a body may set; see
// resource.patch. A due of null clears it, as RFC 7396 removes a member.
func readTaskPatch(o *jsonObject) func(task.Fields) (task.Fields, error) {
	title, priority := o.text(task.FieldTitle), o.text(task.FieldPriority)
	due, done := o.due(), o.boolean(task.FieldDone)
	assignee, hasAssignee := o.integer("assignee_id", "2")
	return func(f task.Fields) (task.Fields, error) {
		set(&f.Title, title)
		set(&f.Due, due)
		set(&f.Done, done)
		if hasAssignee {
			f.Assignee = task.Assignee{ID: assignee}
		}
		if priority != nil {
			f.Priority = task.Priority(*priority)
		}
		return f, nil
	}
}

// due returns the due member: nil when absent, the zero time for null
// (no due time), or the instant an RFC 3339 string names.
func (o *jsonObject) due() *time.Time {
	raw, present := o.members[task.FieldDue]
	if !present {
		return nil
	}
	o.used[task.FieldDue] = true
	if string(raw) == "null" {
		return new(time.Time)
	}
	var s string
	if raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		o.problem(task.FieldDue, "Must be a date and time as an RFC 3339 string, such as \"2026-11-10T09:30:00Z\", or null; got "+jsonKind(raw)+".")
		return nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		o.problem(task.FieldDue, "Must be a date and time in RFC 3339, such as \"2026-11-10T09:30:00Z\" or \"2026-11-10T10:30:00+01:00\", or null.")
		return nil
	}
	return &t
}

// taskReadOnly explains the members only a task has that a body may not
// set.
var taskReadOnly = map[string]string{
	"assignee_name": "Read-only: it is the name of the rep assignee_id names.",
	"link_kind":     "A task keeps the record it was created about.",
	"link_id":       "A task keeps the record it was created about.",
}

// taskSettled reports whether f asks nothing of t: every field already
// holds what f gives it. f names its assignee by id alone.
func taskSettled(t *task.Task, f task.Fields) bool {
	now := t.Fields()
	f = f.Normalize()
	if f.Assignee.ID == now.Assignee.ID {
		f.Assignee.Name = now.Assignee.Name
	}
	return len(now.Changed(f)) == 0
}

func (s *server) listTasks(w http.ResponseWriter, r *http.Request) error {
	page, err := readListPage(r)
	if err != nil {
		return err
	}
	raw, rep := r.URL.Query(), me(r.Context())
	q, err := tasks.Filter{Assignee: raw.Get(tasks.FilterAssignee), Status: raw.Get(tasks.FilterStatus), Due: raw.Get(tasks.FilterDue),
		Priority: raw.Get(tasks.FilterPriority), LinkKind: raw.Get(tasks.FilterLinkKind), LinkID: raw.Get(tasks.FilterLinkID)}.
		Query(rep.ID, time.Now(), rep.TimeZone.Location())
	var invalid *domain.ValidationError
	if errors.As(err, &invalid) {
		return queryParamError(invalid.Fields[0].Field, err)
	}
	q.Paging = page
	p, err := s.tasks.List(r.Context(), q)
	if err != nil {
		return err
	}
	return s.taskRes.list(w, p)
}

func (s *server) createTask(w http.ResponseWriter, r *http.Request) error {
	return s.taskRes.create(w, r, func(o *jsonObject) func(*http.Request) (*task.Task, error) {
		apply := readTaskPatch(o)
		kind := o.text("link_kind")
		id, hasID := o.integer("link_id", "42")
		return func(r *http.Request) (*task.Task, error) {
			f, _ := apply(task.Fields{}) // a task's members need no parsing that could fail
			var l task.Link
			if kind != nil || hasID {
				l.ID = id
				set(&l.Kind, kind)
			}
			return s.tasks.Create(r.Context(), me(r.Context()), f, l)
		}
	})
}

func (s *server) patchTask(w http.ResponseWriter, r *http.Request) error {
	return s.taskRes.patchWith(w, r, s.tasks.Update)
}

func (s *server) deleteTask(w http.ResponseWriter, r *http.Request) error {
	return s.taskRes.deleteWith(w, r, s.tasks.Delete)
}
