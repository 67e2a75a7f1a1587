package views

import (
	"time"

	"crm/domain/task"
)

// readableFields turn the text of a field that is written for comparing
// rather than for reading (a task's due time, in UTC) into what a rep
// reads in their zone, in the history and the conflict banner.
var readableFields = map[string]func(v string, loc *time.Location) string{
	task.Kind + "." + task.FieldDue: func(v string, loc *time.Location) string {
		t, err := task.ParseDue(v)
		if err != nil || t.IsZero() {
			return v
		}
		return ShownDue(t, loc)
	},
}

// inputFields turn such a field's text into the value its input shows,
// which "Use theirs" and "Use mine" put back.
var inputFields = map[string]func(v string, loc *time.Location) string{
	task.Kind + "." + task.FieldDue: dueInput,
}

// readable is field's text v, of a record of kind, as a rep in loc reads
// it; most fields read as they are.
func readable(kind, field, v string, loc *time.Location) string {
	if f, ok := readableFields[kind+"."+field]; ok {
		return f(v, loc)
	}
	return v
}

// inputValue is field's text v, of a record of kind, as its input in loc
// shows it.
func inputValue(kind, field, v string, loc *time.Location) string {
	if f, ok := inputFields[kind+"."+field]; ok {
		return f(v, loc)
	}
	return v
}
