package task

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"crm/domain"
)

// MaxTitleLen is the longest title a task may have; the database has the
// same CHECK.
const MaxTitleLen = 200

// Field names, as used in forms, validation errors and change lists.
const (
	FieldTitle    = "title"
	FieldDue      = "due"
	FieldDone     = "done"
	FieldAssignee = "assignee"
	FieldPriority = "priority"
	FieldLink     = "link"
)

// The words in which the done field is read, compared and recorded: the
// edit form's choice posts them and the history shows them.
const (
	DoneYes = "yes"
	DoneNo  = "no"
)

// DueLayout is how a due time reads as text: the instant in UTC, to the
// minute. Reps see it in their own time zone; the text is what the
// history records and the comparison compares, the same for every rep.
const DueLayout = "2006-01-02T15:04Z"

// Priority says how much a task matters.
type Priority string

// The priorities, lowest first.
const (
	PriorityLow    Priority = "low"
	PriorityNormal Priority = "normal"
	PriorityHigh   Priority = "high"
)

// Priorities lists every priority, lowest first.
var Priorities = []Priority{PriorityLow, PriorityNormal, PriorityHigh}

// ParsePriority reads a priority as a form posts it.
func ParsePriority(s string) (Priority, error) {
	switch p := Priority(s); p {
	case PriorityLow, PriorityNormal, PriorityHigh:
		return p, nil
	}
	return "", &domain.ValidationError{Fields: []domain.FieldError{{Field: FieldPriority,
		Message: "Choose a priority: low, normal or high."}}}
}

// Assignee is the rep a task is for: their user id says whose list it is
// on, their name (which never changes) is what pages and the history show.
type Assignee struct {
	ID   int64
	Name string
}

// AssigneeText is an assignee as reps read and compare it, and as the edit
// form's choice posts it: "maria (#2)", the id telling apart two reps of
// one name.
func AssigneeText(a Assignee) string {
	if a.ID == 0 {
		return ""
	}
	return fmt.Sprintf("%s (#%d)", a.Name, a.ID)
}

// ParseAssignee reads the user id out of an assignee as AssigneeText
// writes it, or out of a bare id; the name is the user's to give, so it is
// left empty.
func ParseAssignee(s string) (Assignee, error) {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "(#"); i >= 0 && strings.HasSuffix(s, ")") {
		s = s[i+2 : len(s)-1]
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return Assignee{}, &domain.ValidationError{Fields: []domain.FieldError{{Field: FieldAssignee,
			Message: "Choose the rep the task is for."}}}
	}
	return Assignee{ID: id}, nil
}

// DueText is a due time as reps compare it (see DueLayout), "" for none.
func DueText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(DueLayout)
}

// ParseDue reads a due time as DueText writes it; "" is no due time.
func ParseDue(s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(DueLayout, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, &domain.ValidationError{Fields: []domain.FieldError{{Field: FieldDue,
			Message: "Give the due date and time, or leave it empty."}}}
	}
	return t, nil
}

// DoneText is the done field as reps read it: DoneYes or DoneNo.
func DoneText(done bool) string {
	if done {
		return DoneYes
	}
	return DoneNo
}

// ParseDone reads the done field as a form posts it.
func ParseDone(s string) (bool, error) {
	switch s {
	case DoneYes:
		return true, nil
	case DoneNo:
		return false, nil
	}
	return false, &domain.ValidationError{Fields: []domain.FieldError{{Field: FieldDone,
		Message: "Choose whether the task is done: yes or no."}}}
}

// fields describes the fields a rep edits, in form order.
var fields = domain.Fields[Fields]{
	domain.Line(FieldTitle, func(f *Fields) *string { return &f.Title }),
	domain.Value(FieldDue, func(f *Fields) *time.Time { return &f.Due }, DueText),
	domain.Value(FieldDone, func(f *Fields) *bool { return &f.Done }, DoneText),
	domain.Value(FieldAssignee, func(f *Fields) *Assignee { return &f.Assignee }, AssigneeText),
	domain.Value(FieldPriority, func(f *Fields) *Priority { return &f.Priority }, func(p Priority) string { return string(p) }),
}

// EditableFields lists the fields a rep edits in the task form, in form
// order. The link is not among them: a task keeps the record it was made
// for.
var EditableFields = fields.Names()

// Fields are the parts of a task a rep edits.
type Fields struct {
	Title string
	// Due is when the task is due, zero for no due time; kept to the
	// minute, as reps give it.
	Due      time.Time
	Done     bool
	Assignee Assignee
	Priority Priority
}

// Normalize trims the title, keeps the due time to the minute in UTC and
// makes a missing priority normal.
func (f Fields) Normalize() Fields {
	f = fields.Normalize(f)
	if !f.Due.IsZero() {
		f.Due = f.Due.UTC().Truncate(time.Minute)
	}
	if f.Priority == "" {
		f.Priority = PriorityNormal
	}
	return f
}

// Validate checks every field and reports all problems at once, in form
// order, as a *domain.ValidationError. It expects normalized fields.
func (f Fields) Validate() error {
	var v domain.ValidationError
	if !domain.Visible(f.Title) {
		domain.CheckRequired(&v, FieldTitle, "Title", f.Title)
	} else {
		domain.CheckText(&v, FieldTitle, "Title", f.Title, MaxTitleLen)
	}
	if !f.Due.IsZero() && (f.Due.Year() < 1900 || f.Due.Year() > 9999) {
		v.Add(FieldDue, "Give a due date between the years 1900 and 9999.")
	}
	if f.Assignee.ID < 1 {
		v.Add(FieldAssignee, "Choose the rep the task is for.")
	}
	if _, err := ParsePriority(string(f.Priority)); err != nil {
		v.Add(FieldPriority, "Choose a priority: low, normal or high.")
	}
	return v.Err()
}

// Changed lists the fields whose values differ between f and g, in form order.
func (f Fields) Changed(g Fields) []string { return domain.Changed(EditableFields, f, g) }

// Get returns a field's value as text, the form in which reps see and
// compare it, or "" for a name that is not a task field.
func (f Fields) Get(name string) string { return fields.Get(f, name) }

// WithField returns f with field name copied from src.
func (f Fields) WithField(name string, src Fields) Fields { return fields.With(f, name, src) }
