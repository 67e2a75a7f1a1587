package views

import (
	"context"
	"time"

	"crm/domain/task"
	"crm/domain/user"
	"crm/usecase/tasks"
)

// TaskFieldLabels names each task field as the form shows it.
var TaskFieldLabels = map[string]string{
	task.FieldTitle: "Title", task.FieldDue: "Due", task.FieldDone: "Done",
	task.FieldAssignee: "Assigned to", task.FieldPriority: "Priority", task.FieldLink: "About",
}

// TaskForm fills a form with f, to save at version. The due time is in
// the form's values as the domain reads it (UTC); its input shows it in
// the rep's time zone (dueInput).
func TaskForm(f task.Fields, version int64) Form {
	values := make(map[string]string, len(task.EditableFields))
	for _, name := range task.EditableFields {
		values[name] = f.Get(name)
	}
	return Form{Prefix: task.Kind, Values: values, Version: version}
}

// TaskView is a task's page's editor.
type TaskView = Editor[*task.Task]

// DueInputLayout is how a datetime-local input writes a time.
const DueInputLayout = "2006-01-02T15:04"

// now is the time the task pages are read at.
func now(context.Context) time.Time { return time.Now() }

// dueInput is a form's due value as its datetime-local input shows it,
// in loc: a value the domain wrote (UTC) is converted, anything else (what
// the rep typed, sent back with a message) is shown as it is.
func dueInput(v string, loc *time.Location) string {
	t, err := task.ParseDue(v)
	if err != nil || t.IsZero() {
		return v
	}
	return t.In(loc).Format(DueInputLayout)
}

// ShownDue is a due time as a rep reads it, in loc; "No due date" for none.
func ShownDue(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "No due date"
	}
	return t.In(loc).Format("Mon 2 Jan 2006, 15:04")
}

// QuickPick is a due time a create form's button fills in.
type QuickPick struct {
	Label string
	Value string // as the datetime-local input writes it
}

// QuickPicks are the create form's "Today", "Tomorrow", "In 3 days" and
// "Next week", at 9:00 in loc (today's at the next full hour, or 17:00
// when that is later).
func QuickPicks(now time.Time, loc *time.Location) []QuickPick {
	day := tasks.StartOfDay(now, loc)
	at := func(d time.Time, hour int) string {
		return time.Date(d.Year(), d.Month(), d.Day(), hour, 0, 0, 0, loc).Format(DueInputLayout)
	}
	today := max(now.In(loc).Hour()+1, 17)
	if today > 23 {
		today = 23
	}
	return []QuickPick{
		{"Today", at(day, today)},
		{"Tomorrow", at(day.AddDate(0, 0, 1), 9)},
		{"In 3 days", at(day.AddDate(0, 0, 3), 9)},
		{"Next week", at(day.AddDate(0, 0, 7), 9)},
	}
}

// TaskRow is a task as the lists show it, with the record it is about.
type TaskRow struct {
	Task *task.Task
	Link tasks.LinkName
}

// TaskRows pairs tasks with the names of their records.
func TaskRows(ts []*task.Task, names map[task.Link]tasks.LinkName) []TaskRow {
	out := make([]TaskRow, len(ts))
	for i, t := range ts {
		out[i] = TaskRow{Task: t, Link: names[t.Link()]}
	}
	return out
}

// TaskSectionView is the Tasks section of a lead's, contact's or deal's
// page: the record's tasks, open first, and the form that adds one.
type TaskSectionView struct {
	Link  task.Link
	Tasks []*task.Task
	// Unavailable says the tasks could not be read just now.
	Unavailable bool
	Now         time.Time
}

// TodayView is the rep's day: their open tasks around now.
type TodayView struct {
	Day tasks.Day
	Now time.Time
	// Names are the names of the tasks' records.
	Names  map[task.Link]tasks.LinkName
	Notice string
}

// TaskListView is the page of every task, filtered.
type TaskListView struct {
	Rows   []TaskRow
	Filter TaskFilter
	Reps   []user.User
	Next   string // the address of the next page, "" on the last
	Now    time.Time
	Notice string
}

// TaskFilter is the task list's filters as its form and address hold
// them.
type TaskFilter struct {
	Assignee string // "me", "all" or a user id
	Status   string // "open", "done" or ""
	Due      string // "overdue", "today", "week" or ""
	Priority string
	LinkKind string
}

type taskContextKey int

const (
	overdueKey taskContextKey = iota
	taskSectionKey
)

// WithOverdue returns ctx carrying count, a function giving the signed-in
// rep's overdue tasks, which the nav's "Today" shows: called only when a
// full page is rendered, so fragments cost no query.
func WithOverdue(ctx context.Context, count func() int) context.Context {
	return context.WithValue(ctx, overdueKey, count)
}

// overdueCount is the rep's overdue tasks for the nav, 0 without WithOverdue.
func overdueCount(ctx context.Context) int {
	if f, ok := ctx.Value(overdueKey).(func() int); ok {
		return f()
	}
	return 0
}

// WithTaskSection returns ctx carrying load, which reads the Tasks section
// of a record's page; the record pages render it with one line each.
func WithTaskSection(ctx context.Context, load func(task.Link) TaskSectionView) context.Context {
	return context.WithValue(ctx, taskSectionKey, load)
}

// taskSection is the Tasks section of record l, when ctx can load it.
func taskSection(ctx context.Context, l task.Link) (TaskSectionView, bool) {
	f, ok := ctx.Value(taskSectionKey).(func(task.Link) TaskSectionView)
	if !ok {
		return TaskSectionView{}, false
	}
	return f(l), true
}

// RepsOf is the reps a task may be assigned to: the active users of the
// request's directory (see WithDirectory), read once, when a page needs
// them.
func RepsOf(ctx context.Context) []user.User { return repsOf(ctx) }

func repsOf(ctx context.Context) []user.User {
	var active []user.User
	for _, u := range users(ctx) {
		if !u.Deactivated {
			active = append(active, u)
		}
	}
	return active
}

// assigneeOf is rep u as a task's assignee field reads.
func assigneeOf(u user.User) string {
	return task.AssigneeText(task.Assignee{ID: u.ID, Name: u.Name})
}

// linkText is how a task's record reads in a list: its name, or that it is
// deleted or gone.
func linkText(l task.Link, n tasks.LinkName) string {
	switch {
	case l.None():
		return ""
	case n.Gone:
		return "deleted " + l.Kind
	case n.Deleted:
		return n.Name + " (deleted " + l.Kind + ")"
	}
	return n.Name
}
