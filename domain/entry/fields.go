package entry

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"crm/domain"
)

// Limits on what an entry may hold. The database has the same CHECKs.
const (
	MaxBodyLen     = 10_000
	MaxDurationMin = 24 * 60
)

// Field names, as used in forms, validation errors and change lists.
const (
	FieldType     = "type"
	FieldBody     = "body"
	FieldOutcome  = "outcome"
	FieldDuration = "duration"
)

// Type is what an entry records: a note, or a call, an email or a
// meeting the rep logged.
type Type string

// The types of entries, in the order forms offer them.
const (
	TypeNote    Type = "note"
	TypeCall    Type = "call"
	TypeEmail   Type = "email"
	TypeMeeting Type = "meeting"
)

// Types lists the types, in the order forms offer them.
var Types = []Type{TypeNote, TypeCall, TypeEmail, TypeMeeting}

// Outcome is how a call or a meeting went. The list is short on purpose:
// a rep picks one in a second, and reports count them.
type Outcome string

// The outcomes. None is the only one a note or an email takes.
const (
	OutcomeNone      Outcome = ""
	OutcomeConnected Outcome = "connected"
	OutcomeVoicemail Outcome = "voicemail"
	OutcomeNoAnswer  Outcome = "no-answer"
	OutcomeHeld      Outcome = "held"
	OutcomeNoShow    Outcome = "no-show"
)

// Outcomes lists the outcomes each type takes, in the order forms offer
// them; a type without any takes only OutcomeNone.
var Outcomes = map[Type][]Outcome{
	TypeCall:    {OutcomeConnected, OutcomeVoicemail, OutcomeNoAnswer},
	TypeMeeting: {OutcomeHeld, OutcomeNoShow},
}

// AllOutcomes lists every outcome but none, in the order forms offer them.
var AllOutcomes = []Outcome{OutcomeConnected, OutcomeVoicemail, OutcomeNoAnswer, OutcomeHeld, OutcomeNoShow}

// timed reports whether entries of type t may say how long they took.
func (t Type) timed() bool { return t == TypeCall || t == TypeMeeting }

// fields describes the fields a rep edits, in form order. The type and the
// outcome read as the form's option values, the duration as minutes.
var fields = domain.Fields[Fields]{
	domain.Value(FieldType, func(f *Fields) *Type { return &f.Type }, func(t Type) string { return string(t) }),
	domain.Text(FieldBody, func(f *Fields) *string { return &f.Body }),
	domain.Value(FieldOutcome, func(f *Fields) *Outcome { return &f.Outcome }, func(o Outcome) string { return string(o) }),
	domain.Number(FieldDuration, func(f *Fields) *int { return &f.Duration }),
}

// EditableFields lists the fields a rep edits in an entry's form, in form
// order.
var EditableFields = fields.Names()

// Fields are the parts of an entry its author edits. When it happened and
// which record it belongs to are set when it is logged.
type Fields struct {
	Type Type
	// Body is plain text, kept as typed (line breaks included); two edits
	// of different lines merge (domain.MergeLines).
	Body    string
	Outcome Outcome
	// Duration is in minutes, 0 when not given.
	Duration int
}

// Normalize puts the body in normal form C; its layout is kept.
func (f Fields) Normalize() Fields { return fields.Normalize(f) }

// Validate checks every field and reports all problems at once as a
// *domain.ValidationError. It expects normalized fields.
func (f Fields) Validate() error {
	var v domain.ValidationError
	if !slices.Contains(Types, f.Type) {
		v.Add(FieldType, fmt.Sprintf("Choose what to log: %s.", typeList()))
	}
	if f.Type == TypeNote && !domain.Visible(f.Body) {
		domain.CheckRequired(&v, FieldBody, "A note", f.Body)
	}
	if n := utf8.RuneCountInString(f.Body); n > MaxBodyLen {
		v.Add(FieldBody, fmt.Sprintf("The text is %d characters; the limit is %d.", n, MaxBodyLen))
	}
	if !utf8.ValidString(f.Body) || strings.ContainsRune(f.Body, 0) {
		v.Add(FieldBody, "The text contains characters that are not text.")
	}
	if f.Outcome != OutcomeNone && !slices.Contains(Outcomes[f.Type], f.Outcome) {
		if allowed := Outcomes[f.Type]; len(allowed) > 0 {
			v.Add(FieldOutcome, fmt.Sprintf("A %s's outcome is one of: %s.", f.Type, outcomeList(allowed)))
		} else {
			v.Add(FieldOutcome, fmt.Sprintf("A %s has no outcome.", f.Type))
		}
	}
	switch {
	case f.Duration < 0 || f.Duration > MaxDurationMin:
		v.Add(FieldDuration, fmt.Sprintf("The duration is in minutes, from 0 to %d; got %d.", MaxDurationMin, f.Duration))
	case f.Duration > 0 && !f.Type.timed():
		v.Add(FieldDuration, "Only a call or a meeting has a duration.")
	}
	return v.Err()
}

func typeList() string {
	s := make([]string, len(Types))
	for i, t := range Types {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

func outcomeList(os []Outcome) string {
	s := make([]string, len(os))
	for i, o := range os {
		s[i] = string(o)
	}
	return strings.Join(s, ", ")
}

// Changed lists the fields whose values differ between f and g, in form order.
func (f Fields) Changed(g Fields) []string { return domain.Changed(EditableFields, f, g) }

// Get returns a field's value as text, the form in which reps see and
// compare it, or "" for a name that is not a field of an entry.
func (f Fields) Get(name string) string { return fields.Get(f, name) }

// WithField returns f with field name copied from src.
func (f Fields) WithField(name string, src Fields) Fields { return fields.With(f, name, src) }

// WithLines returns f with the multi-line text field name (the body) set
// to text, and whether name is one: how two edits of the body, merged
// line by line, are saved (domain.LineMerger).
func (f Fields) WithLines(name, text string) (Fields, bool) { return fields.WithLines(f, name, text) }
