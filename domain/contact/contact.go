// Package contact holds the Contact aggregate: a person the sales team
// deals with, usually created by converting a lead, and its field rules.
package contact

import (
	"time"

	"crm/domain"
)

// Kind names the aggregate in optimistic-lock errors and activity.
const Kind = "contact"

// Names of the events a contact records.
const (
	EventCreated = "ContactCreated"
	EventUpdated = "ContactUpdated"
)

var _ domain.AggregateRoot = (*Contact)(nil)

// Contact is a person a rep sells to. Its fields are unexported so every
// change goes through a method that keeps the contact valid and records
// what changed.
type Contact struct {
	domain.Events
	id        int64
	version   int64
	fields    Fields
	createdAt time.Time
	updatedAt time.Time
	updatedBy string
}

// New validates f and returns a contact created by rep by. It has no id or
// version until a repository stores it.
func New(f Fields, by string) (*Contact, error) {
	f = f.Normalize()
	if err := f.Validate(); err != nil {
		return nil, err
	}
	c := &Contact{fields: f, updatedBy: by}
	c.Record(domain.Event{Name: EventCreated, Actor: by, Changes: diff(Fields{}, f)})
	return c, nil
}

// Snapshot is a contact's complete state as stored. Only repositories
// build contacts from one (see Rehydrate).
type Snapshot struct {
	ID        int64
	Version   int64
	Fields    Fields
	CreatedAt time.Time
	UpdatedAt time.Time
	UpdatedBy string
}

// Rehydrate rebuilds a contact from storage without validating it again:
// the database's CHECK constraints hold the same limits.
func Rehydrate(s Snapshot) *Contact {
	return &Contact{
		id: s.ID, version: s.Version, fields: s.Fields,
		createdAt: s.CreatedAt, updatedAt: s.UpdatedAt, updatedBy: s.UpdatedBy,
	}
}

// Snapshot returns the contact's complete state, for repositories.
func (c *Contact) Snapshot() Snapshot {
	return Snapshot{
		ID: c.id, Version: c.version, Fields: c.fields,
		CreatedAt: c.createdAt, UpdatedAt: c.updatedAt, UpdatedBy: c.updatedBy,
	}
}

// ID returns the contact's id, 0 before it is stored.
func (c *Contact) ID() int64 { return c.id }

// Version returns the version the contact was loaded at; each save adds one.
func (c *Contact) Version() int64 { return c.version }

// Fields returns the editable fields.
func (c *Contact) Fields() Fields { return c.fields }

// CreatedAt returns when the contact was first stored.
func (c *Contact) CreatedAt() time.Time { return c.createdAt }

// UpdatedAt returns when the contact was last saved.
func (c *Contact) UpdatedAt() time.Time { return c.updatedAt }

// UpdatedBy returns who saved the contact last.
func (c *Contact) UpdatedBy() string { return c.updatedBy }

// Edit replaces the editable fields on behalf of rep by and records a
// ContactUpdated event with each changed field, old → new. It reports which
// fields changed; when none did the contact is left as it was and nothing
// is recorded, so a save writes nothing.
func (c *Contact) Edit(f Fields, by string) ([]string, error) {
	f = f.Normalize()
	if err := f.Validate(); err != nil {
		return nil, err
	}
	changed := c.fields.Changed(f)
	if len(changed) == 0 {
		return nil, nil
	}
	c.Record(domain.Event{Name: EventUpdated, Actor: by, Changes: diff(c.fields, f)})
	c.fields = f
	c.updatedBy = by
	return changed, nil
}

// diff lists the fields that differ between from and to, old → new.
func diff(from, to Fields) []domain.Change {
	var out []domain.Change
	for _, name := range from.Changed(to) {
		out = append(out, domain.Change{Field: name, Old: from.Get(name), New: to.Get(name)})
	}
	return out
}
