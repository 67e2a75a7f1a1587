package api

import (
	"net/http"
	"time"

	"crm/domain/contact"
	"crm/usecase/contacts"
)

// contactJSON is the representation of a contact.
type contactJSON struct {
	ID        int64     `json:"id"`
	Version   int64     `json:"version"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Phone     string    `json:"phone"`
	Company   string    `json:"company"`
	Notes     string    `json:"notes"`
	OwnerID   *int64    `json:"owner_id"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

func newContactJSON(c *contact.Contact) contactJSON {
	f := c.Fields()
	return contactJSON{
		ID: c.ID(), Version: c.Version(),
		Name: f.Name, Email: f.Email, Phone: f.Phone, Company: f.Company, Notes: f.Notes, OwnerID: ownerJSON(f.Owner),
		CreatedAt: c.CreatedAt().UTC(), UpdatedAt: c.UpdatedAt().UTC(), UpdatedBy: c.UpdatedBy(),
	}
}

// readContactPatch reads the members of a contact a body may set; see
// resource.patch.
func readContactPatch(o *jsonObject) func(contact.Fields) (contact.Fields, error) {
	name, email := o.text(contact.FieldName), o.text(contact.FieldEmail)
	phone, company, notes := o.text(contact.FieldPhone), o.text(contact.FieldCompany), o.text(contact.FieldNotes)
	owner := o.owner()
	return func(f contact.Fields) (contact.Fields, error) {
		set(&f.Owner, owner)
		set(&f.Name, name)
		set(&f.Email, email)
		set(&f.Phone, phone)
		set(&f.Company, company)
		set(&f.Notes, notes)
		return f, nil
	}
}

func (s *server) listContacts(w http.ResponseWriter, r *http.Request) error {
	page, search, err := readSearchedList(r)
	if err != nil {
		return err
	}
	owner, err := readOwnerFilter(r)
	if err != nil {
		return err
	}
	p, err := s.contacts.List(r.Context(), contacts.ListQuery{Search: search, Owner: owner, Paging: page})
	if err != nil {
		return err
	}
	return s.contactRes.list(w, p)
}

func (s *server) createContact(w http.ResponseWriter, r *http.Request) error {
	return s.contactRes.createWith(w, r, s.contacts.Create)
}

func (s *server) patchContact(w http.ResponseWriter, r *http.Request) error {
	return s.contactRes.patchWith(w, r, s.contacts.Update)
}
