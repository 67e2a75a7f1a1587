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
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
	UpdatedBy string    `json:"updated_by"`
}

func newContactJSON(c *contact.Contact) contactJSON {
	f := c.Fields()
	return contactJSON{
		ID: c.ID(), Version: c.Version(),
		Name: f.Name, Email: f.Email, Phone: f.Phone, Company: f.Company,
		CreatedAt: c.CreatedAt().UTC(), UpdatedAt: c.UpdatedAt().UTC(), UpdatedBy: c.UpdatedBy(),
	}
}

// contactPatch is the editable members a body sets; nil leaves a field as it is.
type contactPatch struct {
	name, email, phone, company *string
}

func readContactPatch(o *jsonObject) contactPatch {
	return contactPatch{
		name: o.text(contact.FieldName), email: o.text(contact.FieldEmail),
		phone: o.text(contact.FieldPhone), company: o.text(contact.FieldCompany),
	}
}

// applyTo merges the patch onto f, as RFC 7396 merges a patch onto a document.
func (p contactPatch) applyTo(f contact.Fields) contact.Fields {
	set(&f.Name, p.name)
	set(&f.Email, p.email)
	set(&f.Phone, p.phone)
	set(&f.Company, p.company)
	return f
}

// contactReadOnly explains the members of a contact a body may not set.
var contactReadOnly = map[string]string{
	"id":         "Read-only.",
	"created_at": "Read-only.",
	"updated_at": "Read-only.",
	"updated_by": "Read-only.",
}

func (s *server) listContacts(w http.ResponseWriter, r *http.Request) error {
	page, err := readListPage(r)
	if err != nil {
		return err
	}
	search, err := readSearch(r)
	if err != nil {
		return err
	}
	p, err := s.contacts.List(r.Context(), contacts.ListQuery{Search: search, Paging: page})
	if err != nil {
		return err
	}
	return s.contactRes.list(w, p)
}

func (s *server) createContact(w http.ResponseWriter, r *http.Request) error {
	return s.contactRes.create(w, r, contactReadOnly, func(o *jsonObject) func(*http.Request) (*contact.Contact, error) {
		patch := readContactPatch(o)
		return func(r *http.Request) (*contact.Contact, error) {
			return s.contacts.Create(r.Context(), actor(r), patch.applyTo(contact.Fields{}))
		}
	})
}

func (s *server) patchContact(w http.ResponseWriter, r *http.Request) error {
	return s.contactRes.write(w, r, mergePatch(func(o *jsonObject) (map[string]string, operation[*contact.Contact]) {
		patch := readContactPatch(o)
		return contactReadOnly, func(r *http.Request, c *contact.Contact) (*contact.Contact, error) {
			return s.contacts.Update(r.Context(), actor(r), c.ID(), c.Version(), patch.applyTo(c.Fields()))
		}
	}))
}
