package deal

import (
	"errors"
	"strings"

	"crm/domain"
)

// MaxTitleLen is the longest title a deal may have; the database has the
// same CHECK.
const MaxTitleLen = 200

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
)

// EditableFields lists the fields a rep edits in the deal form, in form order.
var EditableFields = []string{FieldTitle, FieldAmount}

// Fields are the parts of a deal a rep edits directly. The stage is not
// among them: it changes only through the stage table.
type Fields struct {
	Title  string
	Amount Money
}

// Normalize trims surrounding white space from the title.
func (f Fields) Normalize() Fields {
	f.Title = strings.TrimSpace(f.Title)
	return f
}

// Validate checks every field and reports all problems at once as a
// *domain.ValidationError. It expects normalized fields.
func (f Fields) Validate() error {
	var v domain.ValidationError
	if f.Title == "" {
		v.Add(FieldTitle, "Title is required.")
	} else {
		domain.CheckText(&v, FieldTitle, "Title", f.Title, MaxTitleLen)
	}
	var amount *domain.ValidationError
	if errors.As(f.Amount.Validate(), &amount) {
		v.Fields = append(v.Fields, amount.Fields...)
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

// Get returns a field's value as text, the form in which reps see and
// compare it. The amount reads "1250.00 EUR": the number as typed, then the
// currency, so changing either is a change of the amount.
func (f Fields) Get(name string) string {
	switch name {
	case FieldTitle:
		return f.Title
	case FieldAmount:
		if f.Amount == (Money{}) {
			return ""
		}
		return f.Amount.Decimal() + " " + f.Amount.Currency
	}
	return ""
}

// WithField returns f with field name copied from src.
func (f Fields) WithField(name string, src Fields) Fields {
	switch name {
	case FieldTitle:
		f.Title = src.Title
	case FieldAmount:
		f.Amount = src.Amount
	}
	return f
}
