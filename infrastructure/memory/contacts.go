package memory

import (
	"context"
	"strings"

	"crm/domain"
	"crm/domain/contact"
	"crm/usecase/contacts"
	"crm/usecase/record"
)

var _ contacts.Repository = (*Contacts)(nil)

// Contacts keeps contacts, with the list and lookup of contacts.Repository.
type Contacts struct {
	*Store[*contact.Contact, contact.Snapshot]
}

// List returns one page of the contacts matching q, newest first.
func (r *Contacts) List(_ context.Context, q contacts.ListQuery) (record.Page[*contact.Contact], error) {
	return page(r.all(), q.Paging, func(c *contact.Contact) bool {
		f := c.Fields()
		return matchesOrStarts(q.Search, f.Name, f.Email, f.Company) && q.Owner.Matches(f.Owner)
	}), nil
}

// FindByEmail returns the most recently created contact whose email is
// email ignoring case, or domain.ErrNotFound; an empty email finds none.
func (r *Contacts) FindByEmail(_ context.Context, email string) (*contact.Contact, error) {
	email = strings.TrimSpace(email)
	for _, c := range r.all() {
		if e := c.Fields().Email; e != "" && strings.EqualFold(e, email) {
			return c, nil
		}
	}
	return nil, domain.ErrNotFound
}
