package views

import (
	"net/url"

	"crm/delivery/leadquery"
	"crm/domain/contact"
	"crm/domain/deal"
)

// ContactFieldLabels names each contact field as the form shows it.
var ContactFieldLabels = map[string]string{
	contact.FieldName: "Name", contact.FieldEmail: "Email",
	contact.FieldPhone: "Phone", contact.FieldCompany: "Company", contact.FieldNotes: "Notes", contact.FieldOwner: "Owner",
}

// ContactForm fills a form with f, to save at version.
func ContactForm(f contact.Fields, version int64) Form {
	values := make(map[string]string, len(contact.EditableFields))
	for _, name := range contact.EditableFields {
		values[name] = f.Get(name)
	}
	return Form{Prefix: contact.Kind, Values: values, Version: version}
}

// ContactView is the contact page's editor.
type ContactView = Editor[*contact.Contact]

// ContactDeals are the deals with one contact, newest first. The contact
// page shows them outside the editor: each deal is versioned on its own,
// so a contact save does not redraw them.
type ContactDeals struct {
	ContactID int64
	Deals     []*deal.Deal
	// Unavailable is set when the deals could not be read.
	Unavailable bool
}

// ContactListView is the contact list: the search and one page of contacts.
type ContactListView struct {
	Search   string
	Owner    string // the owner parameter (see leadquery.ParseOwner): "" for everyone's
	Contacts []*contact.Contact
	After    int64 // the cursor the page starts after, 0 for the first
	Next     int64
	Notice   string
}

// NoneAtAll says the CRM has no contact yet (not that none matches a
// search): the list then says how to add one.
func (v ContactListView) NoneAtAll() bool {
	return v.Search == "" && v.Owner == "" && v.After == 0 && len(v.Contacts) == 0
}

// ListURL is the list's URL for the page after cursor after, keeping the search.
func (v ContactListView) ListURL(after int64) string {
	q := url.Values{"q": {v.Search}}
	if v.Owner != "" {
		q.Set(leadquery.ParamOwner, v.Owner)
	}
	return listURL("/contacts", q, after)
}

func contactURL(c *contact.Contact) string { return RecordURL(contact.Kind, c.ID()) }
