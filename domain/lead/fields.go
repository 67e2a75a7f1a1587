package lead

import (
	"fmt"
	"unicode/utf8"

	"crm/domain"
)

// Limits on what a lead may hold. The database has the same CHECKs.
const (
	MaxNameLen  = 200
	MaxTextLen  = 200 // company, source
	MaxEmailLen = domain.MaxEmailLen
	MaxPhoneLen = domain.MaxPhoneLen
	MaxNotesLen = domain.MaxNotesLen
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
	FieldOwner   = domain.FieldOwner
)

// fields describes the fields a rep edits, in form order.
var fields = domain.Fields[Fields]{
	domain.Line(FieldName, func(f *Fields) *string { return &f.Name }),
	domain.Line(FieldEmail, func(f *Fields) *string { return &f.Email }),
	domain.Line(FieldCompany, func(f *Fields) *string { return &f.Company }),
	domain.Line(FieldPhone, func(f *Fields) *string { return &f.Phone }),
	domain.Line(FieldSource, func(f *Fields) *string { return &f.Source }),
	domain.Number(FieldScore, func(f *Fields) *int { return &f.Score }),
	domain.Text(FieldNotes, func(f *Fields) *string { return &f.Notes }),
	domain.Owner(FieldOwner, func(f *Fields) *int64 { return &f.Owner }),
}

// EditableFields lists the fields a rep edits in the lead form, in form order.
var EditableFields = fields.Names()

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
	// Owner is the user the lead belongs to, by id; 0 while nobody has it.
	Owner int64
}

// Normalize trims surrounding white space from the one-line fields, so
// "  Ada " and "Ada" are the same name. Notes keep their layout.
func (f Fields) Normalize() Fields { return fields.Normalize(f) }

// Validate checks every field and reports all problems at once as a
// *domain.ValidationError. It expects normalized fields.
func (f Fields) Validate() error {
	var v domain.ValidationError
	switch n := utf8.RuneCountInString(f.Name); {
	case !domain.Visible(f.Name):
		domain.CheckRequired(&v, FieldName, "Name", f.Name)
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
	domain.CheckNotes(&v, FieldNotes, "Notes", f.Notes)
	domain.CheckOwner(&v, FieldOwner, f.Owner)
	return v.Err()
}

// Changed lists the fields whose values differ between f and g, in form order.
func (f Fields) Changed(g Fields) []string { return domain.Changed(EditableFields, f, g) }

// Get returns a field's value as text, the form in which reps see it, or
// "" for a name that is not a lead field.
func (f Fields) Get(name string) string { return fields.Get(f, name) }

// WithField returns f with field name copied from src.
func (f Fields) WithField(name string, src Fields) Fields { return fields.With(f, name, src) }

// WithLines returns f with the multi-line text field name (the notes) set
// to text, and whether name is one: how two reps' edits of the notes,
// merged line by line, are saved (domain.LineMerger).
func (f Fields) WithLines(name, text string) (Fields, bool) { return fields.WithLines(f, name, text) }
