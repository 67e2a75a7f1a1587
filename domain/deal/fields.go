package deal

import (
	"errors"

	"crm/domain"
)

// MaxTitleLen is the longest title a deal may have; the database has the
// same CHECK.
const MaxTitleLen = 200

// MaxNotesLen is the longest notes a deal may hold; the database has the
// same CHECK.
const MaxNotesLen = domain.MaxNotesLen

// Field names, as used in forms, validation errors and change lists.
// FieldAmount names the amount with its currency as one field: reps read
// and compare them together. FieldCurrency names the currency input alone,
// for the messages about it.
const (
	FieldTitle    = "title"
	FieldAmount   = "amount"
	FieldCurrency = "currency"
	FieldStage    = "stage"
	FieldContact  = "contact"
	FieldLead     = "lead"
	FieldNotes    = "notes"
	FieldOwner    = domain.FieldOwner
	// FieldExpectedClose is the day the rep expects the deal to close, a
	// field reps edit; FieldClosedOn the day it was won or lost, which only
	// the move that closes it sets.
	FieldExpectedClose = "expected_close"
	FieldClosedOn      = "closed_on"
)

// fields describes the fields a rep edits, in form order. The amount reads
// "1250.00 EUR": the number as typed, then the currency, so changing either
// is a change of the amount.
var fields = domain.Fields[Fields]{
	domain.Line(FieldTitle, func(f *Fields) *string { return &f.Title }),
	domain.Value(FieldAmount, func(f *Fields) *Money { return &f.Amount }, func(m Money) string {
		if m == (Money{}) {
			return ""
		}
		return m.Decimal() + " " + m.Currency
	}),
	domain.Value(FieldExpectedClose, func(f *Fields) *domain.Date { return &f.ExpectedClose }, domain.Date.String),
	domain.Text(FieldNotes, func(f *Fields) *string { return &f.Notes }),
	domain.Owner(FieldOwner, func(f *Fields) *int64 { return &f.Owner }),
}

// EditableFields lists the fields a rep edits in the deal form, in form order.
var EditableFields = fields.Names()

// Fields are the parts of a deal a rep edits directly. The stage is not
// among them: it changes only through the stage table.
type Fields struct {
	Title  string
	Amount Money
	Notes  string
	// ExpectedClose is the day the rep expects the deal to close; zero
	// while nobody knows. A deal enters Negotiation only with one.
	ExpectedClose domain.Date
	// Owner is the user the deal belongs to, by id; 0 while nobody has it.
	Owner int64
}

// Normalize trims surrounding white space from the title; notes keep
// their layout.
func (f Fields) Normalize() Fields { return fields.Normalize(f) }

// Validate checks every field and reports all problems at once as a
// *domain.ValidationError. It expects normalized fields.
func (f Fields) Validate() error {
	var v domain.ValidationError
	if !domain.Visible(f.Title) {
		domain.CheckRequired(&v, FieldTitle, "Title", f.Title)
	} else {
		domain.CheckText(&v, FieldTitle, "Title", f.Title, MaxTitleLen)
	}
	var amount *domain.ValidationError
	if errors.As(f.Amount.Validate(), &amount) {
		v.Fields = append(v.Fields, amount.Fields...)
	}
	domain.CheckNotes(&v, FieldNotes, "Notes", f.Notes)
	domain.CheckOwner(&v, FieldOwner, f.Owner)
	return v.Err()
}

// Changed lists the fields whose values differ between f and g, in form order.
func (f Fields) Changed(g Fields) []string { return domain.Changed(EditableFields, f, g) }

// Get returns a field's value as text, the form in which reps see and
// compare it, or "" for a name that is not a deal field.
func (f Fields) Get(name string) string { return fields.Get(f, name) }

// WithField returns f with field name copied from src.
func (f Fields) WithField(name string, src Fields) Fields { return fields.With(f, name, src) }

// WithLines returns f with the multi-line text field name (the notes) set
// to text, and whether name is one: how two reps' edits of the notes,
// merged line by line, are saved (domain.LineMerger).
func (f Fields) WithLines(name, text string) (Fields, bool) { return fields.WithLines(f, name, text) }
