package views

import (
	"fmt"
	"net/url"

	"crm/domain/contact"
	"crm/domain/deal"
)

// ContactFieldLabels names each contact field as the form shows it.
var ContactFieldLabels = map[string]string{
	contact.FieldName: "Name", contact.FieldEmail: "Email",
	contact.FieldPhone: "Phone", contact.FieldCompany: "Company",
}

// FormFromContact fills a form with a contact's saved values.
func FormFromContact(c *contact.Contact) Form { return ContactForm(c.Fields(), c.Version()) }

// ContactForm fills a form with f, to save at version.
func ContactForm(f contact.Fields, version int64) Form {
	values := make(map[string]string, len(contact.EditableFields))
	for _, name := range contact.EditableFields {
		values[name] = f.Get(name)
	}
	return Form{Prefix: contact.Kind, Values: values, Version: version}
}

// ContactView is the contact page's editable part: header, notices, the
// edit form and the history. Everything that carries a version lives in it,
// so one swap keeps the page at the current version.
type ContactView struct {
	Contact  *contact.Contact
	Form     Form
	Notice   string
	Conflict *Conflict
	History  HistoryView
	// Deals are shown on the full page only, outside the editor: each deal
	// is versioned on its own, so a contact save does not redraw them.
	Deals ContactDeals
}

// ContactDeals are the deals with one contact, newest first.
type ContactDeals struct {
	ContactID int64
	Deals     []*deal.Deal
	// Unavailable is set when the deals could not be read.
	Unavailable bool
}

// ContactListView is the contact list: the search and one page of contacts.
type ContactListView struct {
	Search   string
	Contacts []*contact.Contact
	Next     int64
	Notice   string
}

// ListURL is the list's URL for the page after cursor after, keeping the search.
func (v ContactListView) ListURL(after int64) string {
	q := url.Values{}
	if v.Search != "" {
		q.Set("q", v.Search)
	}
	if after > 0 {
		q.Set("after", fmt.Sprint(after))
	}
	if len(q) == 0 {
		return "/contacts"
	}
	return "/contacts?" + q.Encode()
}

// NewContactView is the create form.
type NewContactView struct {
	Form Form
}

func contactURL(c *contact.Contact) string { return fmt.Sprintf("/contacts/%d", c.ID()) }
