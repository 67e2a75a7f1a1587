package lead

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"crm/domain"
)

// Limits on what a lead may hold. The database has the same CHECKs.
const (
	MaxNameLen  = 200
	MaxTextLen  = 200 // company, source
	MaxEmailLen = domain.MaxEmailLen
	MaxPhoneLen = domain.MaxPhoneLen
	MaxNotesLen = 10_000
	MinScore    = 0
	MaxScore    = 100
)

// Field names, as used in forms, validation errors and change lists.
const (
	FieldName    = "name"
	FieldEmail   = "email"
	FieldCompany = "company"
	FieldPhone   = "phone"
	FieldSource  = "source"
	FieldScore   = "score"
	FieldNotes   = "notes"
	FieldStatus  = "status"
)

// EditableFields lists the fields a rep edits in the lead form, in form order.
var EditableFields = []string{FieldName, FieldEmail, FieldCompany, FieldPhone, FieldSource, FieldScore, FieldNotes}

// Fields are the parts of a lead a rep edits directly. Status is not among
// them: it changes only through the state machine.
type Fields struct {
	Name    string
	Email   string
	Company string
	Phone   string
	Source  string
	Score   int
	Notes   string
}

// Normalize trims surrounding white space from the one-line fields, so
// "  Ada " and "Ada" are the same name. Notes keep their layout.
func (f Fields) Normalize() Fields {
	f.Name = strings.TrimSpace(f.Name)
	f.Email = strings.TrimSpace(f.Email)
	f.Company = strings.TrimSpace(f.Company)
	f.Phone = strings.TrimSpace(f.Phone)
	f.Source = strings.TrimSpace(f.Source)
	return f
}

// Validate checks every field and reports all problems at once as a
// *domain.ValidationError. It expects normalized fields.
func (f Fields) Validate() error {
	var v domain.ValidationError
	switch n := utf8.RuneCountInString(f.Name); {
	case n == 0:
		v.Add(FieldName, "Name is required.")
	case n > MaxNameLen:
		v.Add(FieldName, fmt.Sprintf("Name is %d characters; the limit is %d.", n, MaxNameLen))
	}
	domain.CheckLine(&v, FieldName, "Name", f.Name)
	domain.CheckEmail(&v, FieldEmail, f.Email)
	domain.CheckText(&v, FieldCompany, "Company", f.Company, MaxTextLen)
	domain.CheckPhone(&v, FieldPhone, f.Phone)
	domain.CheckText(&v, FieldSource, "Source", f.Source, MaxTextLen)
	if f.Score < MinScore || f.Score > MaxScore {
		v.Add(FieldScore, fmt.Sprintf("Score must be between %d and %d; got %d.", MinScore, MaxScore, f.Score))
	}
	if n := utf8.RuneCountInString(f.Notes); n > MaxNotesLen {
		v.Add(FieldNotes, fmt.Sprintf("Notes are %d characters; the limit is %d.", n, MaxNotesLen))
	}
	if !utf8.ValidString(f.Notes) || strings.ContainsRune(f.Notes, 0) {
		v.Add(FieldNotes, "Notes contain characters that are not text.")
	}
	return v.Err()
}

// Changed lists the fields whose values differ between f and g, in form order.
func (f Fields) Changed(g Fields) []string {
	var out []string
	for _, name := range EditableFields {
		if f.Get(name) != g.Get(name) {
			out = append(out, name)
		}
	}
	return out
}

// Get returns a field's value as text, the form in which reps see it.
func (f Fields) Get(name string) string {
	switch name {
	case FieldName:
		return f.Name
	case FieldEmail:
		return f.Email
	case FieldCompany:
		return f.Company
	case FieldPhone:
		return f.Phone
	case FieldSource:
		return f.Source
	case FieldScore:
		return fmt.Sprint(f.Score)
	case FieldNotes:
		return f.Notes
	}
	return ""
}
