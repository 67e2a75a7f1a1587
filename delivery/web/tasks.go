package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5"

	"crm/delivery/telemetry"
	"crm/delivery/web/views"
	"crm/domain"
	"crm/domain/task"
	"crm/domain/user"
	"crm/usecase/record"
	"crm/usecase/tasks"
	"crm/usecase/timeline"
)

// TaskService is what the pages need from the task use cases.
type TaskService interface {
	recordService[*task.Task, task.Fields]
	// Create stores a task about link for rep by (theirs when f has no
	// assignee); a missing or deleted record is a *domain.ValidationError.
	Create(ctx context.Context, by user.User, f task.Fields, link task.Link) (*task.Task, error)
	// Complete ticks task id done from version, merging as a save does.
	Complete(ctx context.Context, by string, id, version int64) (record.Saved[*task.Task], error)
	List(ctx context.Context, q tasks.ListQuery) (record.Page[*task.Task], error)
	About(ctx context.Context, l task.Link) ([]*task.Task, error)
	LinkNames(ctx context.Context, links []task.Link) (map[task.Link]tasks.LinkName, error)
	Today(ctx context.Context, rep int64, now time.Time, loc *time.Location) (tasks.Day, error)
	Overdue(ctx context.Context, rep int64, now time.Time) (int, error)
	timeline.CompletionReader
}

// newTaskPages describes the task's pages every kind of record has. A
// task added from a record's page goes back to that page's Tasks section.
func newTaskPages(s *server, svc TaskService) *recordPages[*task.Task, task.Fields] {
	return &recordPages[*task.Task, task.Fields]{
		s: s, kind: task.Kind, labels: views.TaskFieldLabels, fields: task.EditableFields, svc: svc,
		notices: map[string]string{"created": "Task added.", "deleted": "Task deleted: it is in the Trash, where it can be restored.",
			"restored": "Restored from the Trash.", "saved": "Saved."},
		inputs: task.EditableFields, decode: decodeTaskForm, form: views.TaskForm,
		page:   func(v views.TaskView) templ.Component { return views.TaskPage(v) },
		editor: func(v views.TaskView) templ.Component { return views.TaskEditor(v) },
		blank: func(*http.Request) views.Form {
			return views.Form{Prefix: task.Kind, Values: map[string]string{task.FieldPriority: string(task.PriorityNormal)}}
		},
		newFields: func(form views.Form) templ.Component { return views.NewTaskFields(form) },
		create: func(r *http.Request, f task.Fields, invalid error) (*task.Task, error) {
			link, err := linkOf(r)
			if invalid != nil || err != nil {
				all := &domain.ValidationError{}
				errors.As(invalid, &all)
				return nil, withDomainMessages(all, err)
			}
			return svc.Create(r.Context(), me(r), f, link)
		},
		created: func(t *task.Task) string {
			if l := t.Link(); !l.None() {
				return views.RecordURL(l.Kind, l.ID) + "#tasks"
			}
			return views.RecordURL(task.Kind, t.ID()) + "?notice=created"
		},
	}
}

// linkOf reads the record a new task is about from its form: none when
// the form names none.
func linkOf(r *http.Request) (task.Link, error) {
	kind, rawID := r.PostForm.Get("link_kind"), r.PostForm.Get("link_id")
	if kind == "" && rawID == "" {
		return task.Link{}, nil
	}
	id, err := strconv.ParseInt(rawID, 10, 64)
	l := task.Link{Kind: kind, ID: id}
	if err != nil || !l.Valid() {
		return task.Link{}, task.LinkMissing()
	}
	return l, nil
}

// decodeTaskForm reads a task form (see recordPages.decode). The due time
// comes from a datetime-local input in the rep's time zone (or as the
// domain writes it, which "Use theirs" puts back); done and the assignee
// are missing from the create forms, where they mean not done and the
// adding rep.
func decodeTaskForm(r *http.Request) (map[string]string, task.Fields, error) {
	values := formValues(r, task.EditableFields...)
	f := task.Fields{Title: values[task.FieldTitle], Priority: task.Priority(values[task.FieldPriority])}
	var problems []error
	if due, err := parseDueInput(values[task.FieldDue], views.Location(r.Context())); err != nil {
		problems = append(problems, err)
	} else {
		f.Due = due
		values[task.FieldDue] = task.DueText(due)
	}
	if _, ok := r.PostForm[task.FieldDone]; ok {
		done, err := task.ParseDone(values[task.FieldDone])
		f.Done = done
		problems = append(problems, err)
	}
	if _, ok := r.PostForm[task.FieldAssignee]; ok {
		a, err := task.ParseAssignee(values[task.FieldAssignee])
		f.Assignee = a
		problems = append(problems, err)
	}
	invalid := &domain.ValidationError{}
	for _, err := range problems {
		var v *domain.ValidationError
		if errors.As(err, &v) {
			invalid.Fields = append(invalid.Fields, v.Fields...)
		}
	}
	if len(invalid.Fields) == 0 {
		return values, f, nil
	}
	var own []string
	for _, fe := range invalid.Fields {
		own = append(own, fe.Field)
	}
	if f.Assignee.ID == 0 {
		f.Assignee.ID = me(r).ID // so the domain's check does not repeat the assignee's message
	}
	return values, f, withDomainMessages(invalid, f.Normalize().Validate(), own...)
}

// parseDueInput reads a due input: a datetime-local in loc, a date alone
// (9:00 that day), the domain's own text, or "" for no due time.
func parseDueInput(s string, loc *time.Location) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{views.DueInputLayout, views.DueInputLayout + ":05"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if t, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		return t.Add(9 * time.Hour), nil
	}
	return task.ParseDue(s)
}

// taskRoutes routes the tasks' pages: the rep's day, every task, a
// one-click completion and each task's own pages.
func (s *server) taskRoutes(r chi.Router) {
	r.Group(func(r chi.Router) {
		r.Get("/today", s.handle(s.showToday))
		r.Get("/tasks", s.handle(s.listTasks))
		r.Post("/tasks/{id}/complete", s.handle(s.completeTask))
		s.taskPages.routes(r)
	})
}

// withTasks puts in each request's context what every page shows of
// tasks: the nav's overdue count and the Tasks section of a record's
// page, both read only when a page renders them.
func (s *server) withTasks(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.tasks == nil {
			next.ServeHTTP(w, r)
			return
		}
		ctx := r.Context()
		rep := me(r)
		// Each read is bounded as one lead's write is: a page that renders
		// after a long request (a bulk change's report, or its 503 when the
		// database stopped) must not wait out that request's deadline.
		ctx = views.WithOverdue(ctx, func() int {
			ctx, cancel := context.WithTimeout(ctx, s.timeout)
			defer cancel()
			n, err := s.tasks.Overdue(ctx, rep.ID, time.Now())
			if err != nil {
				s.log.WarnContext(ctx, "overdue count unavailable", "err", err, "request_id", requestID(ctx))
			}
			return n
		})
		ctx = views.WithTaskSection(ctx, func(l task.Link) views.TaskSectionView {
			ctx, cancel := context.WithTimeout(ctx, s.timeout)
			defer cancel()
			ts, err := s.tasks.About(ctx, l)
			if err != nil {
				s.log.WarnContext(ctx, "tasks unavailable", "err", err, "request_id", requestID(ctx))
			}
			return views.TaskSectionView{Link: l, Tasks: ts, Unavailable: err != nil, Now: time.Now()}
		})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// completeTask ticks a task done at the version the rep saw, then goes
// back to the page the button was on.
func (s *server) completeTask(w http.ResponseWriter, r *http.Request) error {
	id, version, err := decodeWrite(r, task.Kind)
	if err != nil {
		return err
	}
	res, err := s.tasks.Complete(r.Context(), actor(r), id, version)
	telemetry.CountSave(s.saves, task.Kind, telemetry.Page, err, res.Merge != nil)
	if err != nil {
		return err
	}
	next := safeNext(r.PostForm.Get("next"))
	if next == "/" {
		next = views.RecordURL(task.Kind, id)
	}
	redirect(w, r, next)
	return nil
}

// showToday answers the rep's day.
func (s *server) showToday(w http.ResponseWriter, r *http.Request) error {
	now := time.Now()
	day, err := s.tasks.Today(r.Context(), me(r).ID, now, views.Location(r.Context()))
	if err != nil {
		return err
	}
	names, err := s.tasks.LinkNames(r.Context(), links(day.Overdue, day.Today, day.Upcoming))
	if err != nil {
		return err
	}
	page := views.TodayPage(views.TodayView{Day: day, Now: now, Names: names})
	s.render(w, r, http.StatusOK, page, page)
	return nil
}

// links are the records tasks are about.
func links(groups ...[]*task.Task) []task.Link {
	var out []task.Link
	for _, g := range groups {
		for _, t := range g {
			out = append(out, t.Link())
		}
	}
	return out
}

// listTasks answers the task list with its filters: assignee me (the
// default), all or a user id; status open (the default), done or any;
// due overdue, today, this week (Monday to Sunday in the rep's zone) or
// any; a priority; the kind of record.
func (s *server) listTasks(w http.ResponseWriter, r *http.Request) error {
	raw := r.URL.Query()
	f := views.TaskFilter{Assignee: raw.Get("assignee"), Status: raw.Get("status"), Due: raw.Get("due"),
		Priority: raw.Get("priority"), LinkKind: raw.Get("link_kind")}
	if _, ok := raw["assignee"]; !ok {
		f.Assignee = "me"
	}
	if _, ok := raw["status"]; !ok {
		f.Status = string(tasks.StatusOpen)
	}
	now, loc := time.Now(), views.Location(r.Context())
	q, err := taskQuery(f, me(r), now, loc)
	if err != nil {
		return err
	}
	if _, q.Paging, err = listQuery(r); err != nil {
		return err
	}
	page, err := s.tasks.List(r.Context(), q)
	if err != nil {
		return err
	}
	names, err := s.tasks.LinkNames(r.Context(), links(page.Items))
	if err != nil {
		return err
	}
	v := views.TaskListView{Rows: views.TaskRows(page.Items, names), Filter: f, Reps: views.RepsOf(r.Context()), Now: now,
		Notice: s.taskPages.notices[raw.Get("notice")]}
	if page.Next > 0 {
		next := url.Values{}
		for k, vs := range raw {
			next[k] = vs
		}
		next.Set("after", strconv.FormatInt(page.Next, 10))
		v.Next = "/tasks?" + next.Encode()
	}
	pageC := views.TaskListPage(v)
	s.render(w, r, http.StatusOK, pageC, pageC)
	return nil
}

// taskQuery turns the list's filters into a query; an unknown value is a
// 400.
func taskQuery(f views.TaskFilter, rep user.User, now time.Time, loc *time.Location) (tasks.ListQuery, error) {
	q, err := tasks.Filter{Assignee: f.Assignee, Status: f.Status, Due: f.Due, Priority: f.Priority, LinkKind: f.LinkKind}.
		Query(rep.ID, now, loc)
	var invalid *domain.ValidationError
	if errors.As(err, &invalid) {
		return q, &badRequest{msg: invalid.Fields[0].Message}
	}
	return q, err
}
