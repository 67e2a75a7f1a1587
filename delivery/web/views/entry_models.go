package views

import (
	"crm/usecase/tasks"
	"fmt"
	"strconv"

	"crm/domain"
	"crm/domain/entry"
	"crm/domain/user"
)

// EntryFieldLabels names each entry field as the forms show it.
var EntryFieldLabels = map[string]string{
	entry.FieldType: "Type", entry.FieldBody: "Text", entry.FieldOutcome: "Outcome",
	entry.FieldDuration: "Duration (minutes)", entry.FieldHidden: "Hidden",
}

// Input names of the log form that are not fields an entry's author edits.
const (
	FieldOccurredAt = "occurred_at"
	// OccurredAtLayout is how a datetime-local input posts its value.
	OccurredAtLayout = "2006-01-02T15:04"
)

// typeLabels and entryOutcomeLabels read types and outcomes as reps do.
var (
	typeLabels = map[entry.Type]string{entry.TypeNote: "Note", entry.TypeCall: "Call",
		entry.TypeEmail: "Email", entry.TypeMeeting: "Meeting"}
	entryOutcomeLabels = map[entry.Outcome]string{entry.OutcomeNone: "—", entry.OutcomeConnected: "Connected",
		entry.OutcomeVoicemail: "Left voicemail", entry.OutcomeNoAnswer: "No answer",
		entry.OutcomeHeld: "Held", entry.OutcomeNoShow: "No-show"}
)

// EntryForm fills an entry's edit form with f, to save at version.
func EntryForm(f entry.Fields, version int64) Form {
	values := make(map[string]string, len(entry.EditableFields))
	for _, name := range entry.EditableFields {
		values[name] = f.Get(name)
	}
	if f.Duration == 0 {
		values[entry.FieldDuration] = "" // no duration given: an empty box, not a zero
	}
	return Form{Prefix: entry.Kind, Values: values, Version: version}
}

// EntryView is an entry's page's editor.
type EntryView = Editor[*entry.Entry]

// LogForm is the "Log" form above a record's timeline.
type LogForm struct {
	Form
	// Logged says what the last log added, for the live region that
	// announces it (see Logged); "" when nothing was logged.
	Logged string
}

// BlankLog is the log form as first shown: a note, now (the input's empty
// value means now, in the rep's zone).
func BlankLog(kind string) LogForm {
	return LogForm{Form: Form{Prefix: kind + "-log", Values: map[string]string{entry.FieldType: string(entry.TypeNote)}}}
}

// LogID is the id of the log form on a page of kind.
func LogID(kind string) string { return kind + "-log" }

// TimelineItem is one item of a record's timeline: a saved change of its
// fields, or an entry.
type TimelineItem struct {
	Event *domain.RecordedEvent
	Entry *entry.Entry
	Done  *tasks.Completion
}

// EntryItemID is the id of entry id's item in a timeline.
func EntryItemID(id int64) string { return "entry-" + strconv.FormatInt(id, 10) }

// entrySummary is the head of an entry's item: "Call · Connected · 12 min".
func entrySummary(f entry.Fields) string {
	s := typeLabels[f.Type]
	if f.Outcome != entry.OutcomeNone {
		s += " · " + entryOutcomeLabels[f.Outcome]
	}
	if f.Duration > 0 {
		s += fmt.Sprintf(" · %d min", f.Duration)
	}
	return s
}

// LoggedMessage is what the live region says once e is logged.
func LoggedMessage(e *entry.Entry) string {
	return typeLabels[e.Fields().Type] + " logged: it is at the top of the timeline."
}

// canEdit and canHide say which controls u gets on entry e.
func canEdit(e *entry.Entry, u user.User) bool { return e.Editable(u) }
func canHide(u user.User) bool                 { return u.Admin() }
