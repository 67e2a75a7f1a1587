package views

import (
	"fmt"

	"crm/domain/contact"
	"crm/domain/deal"
	"crm/domain/lead"
)

// Input id prefixes of the conversion form, which holds a contact's and a
// deal's inputs side by side.
const (
	convertContactPrefix = "convert-contact"
	convertDealPrefix    = "convert-deal"
)

// ConvertView is the conversion page: the lead, the contact and deal the
// rep confirms, and why the conversion was refused or conflicted, if it was.
type ConvertView struct {
	Lead *lead.Lead
	// Version is the lead version the form converts: the one the rep saw.
	Version int64
	// Existing is a contact with the lead's email that may be linked
	// instead of creating another; Link says that choice is selected.
	Existing *contact.Contact
	Link     bool
	Contact  Form
	Deal     Form
	// Blocked says why the lead cannot be converted at all; the page then
	// shows no form.
	Blocked string
	// Error is a rule that refused this conversion, shown above the form.
	Error    string
	Conflict *Conflict
}

// ConvertContactForm fills the contact part of the conversion form.
func ConvertContactForm(f contact.Fields) Form {
	form := ContactForm(f, 0)
	form.Prefix = convertContactPrefix
	delete(form.Values, contact.FieldOwner) // the lead's owner's, see OwnerSelect
	return form
}

// ConvertDealForm fills the deal part of the conversion form. An amount of
// zero is shown empty, for the rep to fill in.
func ConvertDealForm(f deal.Fields) Form {
	form := DealForm(f, 0)
	form.Prefix = convertDealPrefix
	delete(form.Values, deal.FieldOwner) // the lead's owner's, see OwnerSelect
	if f.Amount.Minor == 0 {
		form.Values[deal.FieldAmount] = ""
	}
	return form
}

func convertURL(l *lead.Lead) string { return fmt.Sprintf("/leads/%d/convert", l.ID()) }
