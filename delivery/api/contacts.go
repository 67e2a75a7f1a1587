package api

import (
	"net/http"
	"strconv"
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

func contactPath(id int64) string { return Prefix + "/contacts/" + strconv.FormatInt(id, 10) }

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
	p, err := s.contacts.List(r.Context(), contacts.ListQuery{Search: search, After: page.after, Limit: page.limit})
	if err != nil {
		return err
	}
	items := make([]contactJSON, len(p.Contacts))
	for i, c := range p.Contacts {
		items[i] = newContactJSON(c)
	}
	return writeJSON(w, http.StatusOK, list[contactJSON]{Items: items, Next: nextCursor(p.Next)})
}

func (s *server) getContact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	c, err := s.contacts.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return sendRead(w, r, contact.Kind, c.Version(), newContactJSON(c))
}

func (s *server) createContact(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r, mediaJSON)
	if err != nil {
		return err
	}
	patch := readContactPatch(o)
	if err := o.done(withHint(contactReadOnly, "version", "A new contact starts at version 1; leave version out.")); err != nil {
		return err
	}
	c, err := s.contacts.Create(r.Context(), actor(r), patch.applyTo(contact.Fields{}))
	if err != nil {
		return err
	}
	w.Header().Set("Location", contactPath(c.ID()))
	return writeResource(w, http.StatusCreated, c.Version(), newContactJSON(c))
}

func (s *server) patchContact(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cond, err := requireIfMatch(r)
	if err != nil {
		return err
	}
	o, err := readObject(w, r, mediaMergePatch, mediaJSON)
	if err != nil {
		return err
	}
	patch := readContactPatch(o)
	if err := cond.readBodyVersion(o, contactReadOnly); err != nil {
		return err
	}
	c, err := loadForWrite(r, cond, contact.Kind, id, s.contacts.Get, newContactJSON)
	if err != nil {
		return err
	}
	saved, err := s.contacts.Update(r.Context(), actor(r), id, c.Version(), patch.applyTo(c.Fields()))
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, saved.Version(), newContactJSON(saved))
}
