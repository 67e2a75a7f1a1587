// Package contact holds the Contact aggregate: a person the sales team
// deals with, usually created by converting a lead, and its field rules.
package contact

import (
	"errors"
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
	domain.Root
	fields Fields
}

// New validates f and returns a contact created by rep by. It has no id or
// EmailTaken is the refusal of a contact whose email another live contact
// has: one contact per address, so conversions and reps find the same one.
func EmailTaken() error {
	return &domain.RuleError{Field: FieldEmail, Message: emailTaken}
}

const emailTaken = "Another contact has this email; open that one instead."

// IsEmailTaken reports whether err is EmailTaken's refusal.
func IsEmailTaken(err error) bool {
	var rule *domain.RuleError
	return errors.As(err, &rule) && rule.Field == FieldEmail && rule.Message == emailTaken
}

// version until a repository stores it.
func New(f Fields, by string) (*Contact, error) {
	f = f.Normalize()
	if err := f.Validate(); err != nil {
		return nil, err
	}
	c := &Contact{fields: f}
	c.Record(domain.Event{Name: EventCreated, Actor: by, Changes: domain.Diff(Fields{}, f)})
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
	return &Contact{Root: domain.Restore(domain.Meta{ID: s.ID, Version: s.Version,
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, UpdatedBy: s.UpdatedBy}), fields: s.Fields}
}

// Snapshot returns the contact's complete state, for repositories.
func (c *Contact) Snapshot() Snapshot {
	m := c.Meta()
	return Snapshot{ID: m.ID, Version: m.Version, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, UpdatedBy: m.UpdatedBy,
		Fields: c.fields}
}

// Fields returns the editable fields.
func (c *Contact) Fields() Fields { return c.fields }

// Edit replaces the editable fields on behalf of rep by and records a
// ContactUpdated event with each changed field, old → new. It reports which
// fields changed; when none did the contact is left as it was and nothing
// is recorded, so a save writes nothing.
func (c *Contact) Edit(f Fields, by string) ([]string, error) {
	return domain.Edit(&c.Root, &c.fields, f, EventUpdated, by, nil)
}
