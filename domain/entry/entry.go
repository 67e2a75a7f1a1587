// Package entry holds the Entry aggregate: a note, or a call, an email or
// a meeting a rep logged on a lead, a contact or a deal, which the
// record's timeline shows, and who may change it.
package entry

import (
	"fmt"
	"slices"
	"time"

	"crm/domain"
	"crm/domain/contact"
	"crm/domain/deal"
	"crm/domain/lead"
	"crm/domain/user"
)

// Kind names the aggregate in optimistic-lock errors, activity and its
// pages' addresses (/entries/{id}).
const Kind = "entry"

// Names of the events an entry records.
const (
	EventCreated  = "EntryCreated"
	EventUpdated  = "EntryUpdated"
	EventHidden   = "EntryHidden"
	EventUnhidden = "EntryUnhidden"
)

// FieldHidden names the hidden state in the change its hide and unhide
// record, so the entry's history reads "Hidden: no → yes".
const FieldHidden = "hidden"

var _ domain.AggregateRoot = (*Entry)(nil)

// RecordKinds are the kinds of record entries are logged on.
var RecordKinds = []string{lead.Kind, contact.Kind, deal.Kind}

// Ref names the record an entry belongs to.
type Ref struct {
	Kind string
	ID   int64
}

// Author is the rep who logged an entry: their user id decides who may
// edit it, their name is what pages show.
type Author struct {
	ID   int64
	Name string
}

// AuthorOf returns u as the author of the entries they log.
func AuthorOf(u user.User) Author { return Author{ID: u.ID, Name: u.Name} }

// Entry is one note or logged activity. Its fields are unexported so every
// change goes through a method that keeps it valid and records what
// changed.
//
// Who may do what:
//   - anyone may log an entry on any record: it is an insert, so two reps
//     logging at once never conflict;
//   - only its author edits, deletes or restores it, and two edits of
//     theirs from two tabs meet as on any record (merge, or the
//     side-by-side conflict);
//   - an admin hides an entry (a rude or mistaken one) and unhides it; a
//     hidden entry's text is shown to nobody, its place in the timeline
//     says who hid it, and its author may no longer edit it.
type Entry struct {
	domain.Root
	fields     Fields
	record     Ref
	author     Author
	occurredAt time.Time
	hidden     bool
}

// New validates f and returns an entry logged by author on record, as
// having happened at occurredAt. It has no id or version until a
// repository stores it.
func New(f Fields, record Ref, author Author, occurredAt time.Time) (*Entry, error) {
	if author.ID < 1 {
		return nil, fmt.Errorf("new entry: author %q has no user id", author.Name)
	}
	f = f.Normalize()
	var v domain.ValidationError
	if !slices.Contains(RecordKinds, record.Kind) || record.ID < 1 {
		v.Add("record", fmt.Sprintf("An entry belongs to a lead, a contact or a deal; got %s #%d.", record.Kind, record.ID))
	}
	if occurredAt.IsZero() {
		v.Add("occurred_at", "Say when it happened.")
	}
	var invalid *domain.ValidationError
	if err := f.Validate(); err != nil {
		invalid, _ = err.(*domain.ValidationError)
		if invalid == nil {
			return nil, err
		}
		v.Fields = append(v.Fields, invalid.Fields...)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	e := &Entry{fields: f, record: record, author: author, occurredAt: occurredAt.UTC().Truncate(time.Microsecond)}
	e.Record(domain.Event{Name: EventCreated, Actor: author.Name, Changes: domain.Diff(Fields{}, f),
		Refs: map[string]int64{record.Kind: record.ID}})
	return e, nil
}

// Snapshot is an entry's complete state as stored. Only repositories build
// entries from one (see Rehydrate).
type Snapshot struct {
	ID         int64
	Version    int64
	Fields     Fields
	Record     Ref
	Author     Author
	OccurredAt time.Time
	Hidden     bool
	CreatedAt  time.Time
	UpdatedAt  time.Time
	UpdatedBy  string
}

// Rehydrate rebuilds an entry from storage without validating it again:
// the database's CHECK constraints hold the same limits.
func Rehydrate(s Snapshot) *Entry {
	return &Entry{Root: domain.Restore(domain.Meta{ID: s.ID, Version: s.Version,
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, UpdatedBy: s.UpdatedBy}),
		fields: s.Fields, record: s.Record, author: s.Author, occurredAt: s.OccurredAt, hidden: s.Hidden}
}

// Snapshot returns the entry's complete state, for repositories.
func (e *Entry) Snapshot() Snapshot {
	m := e.Meta()
	return Snapshot{ID: m.ID, Version: m.Version, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, UpdatedBy: m.UpdatedBy,
		Fields: e.fields, Record: e.record, Author: e.author, OccurredAt: e.occurredAt, Hidden: e.hidden}
}

// Fields returns the editable fields.
func (e *Entry) Fields() Fields { return e.fields }

// RecordRef returns the record the entry belongs to.
func (e *Entry) RecordRef() Ref { return e.record }

// Author returns the rep who logged the entry.
func (e *Entry) Author() Author { return e.author }

// OccurredAt returns when what the entry records happened.
func (e *Entry) OccurredAt() time.Time { return e.occurredAt }

// Hidden reports whether an admin hid the entry.
func (e *Entry) Hidden() bool { return e.hidden }

// Edit replaces the editable fields on behalf of rep by and records an
// EntryUpdated event with each changed field, old → new. It reports which
// fields changed; when none did the entry is left as it was and nothing is
// recorded. Whether by may make the change is Permits's to say.
func (e *Entry) Edit(f Fields, by string) ([]string, error) {
	return domain.Edit(&e.Root, &e.fields, f, EventUpdated, by, nil)
}

// Hide hides the entry on behalf of by, or unhides it (hidden false). It
// reports whether anything changed: hiding a hidden entry does not.
func (e *Entry) Hide(hidden bool, by string) (bool, error) {
	if err := e.Live(); err != nil {
		return false, err
	}
	if e.hidden == hidden {
		return false, nil
	}
	name := EventHidden
	if !hidden {
		name = EventUnhidden
	}
	e.Record(domain.Event{Name: name, Actor: by, Changes: []domain.Change{
		{Field: FieldHidden, Old: yesNo(e.hidden), New: yesNo(hidden)}}})
	e.hidden = hidden
	return true, nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// IsAuthor reports whether u logged the entry.
func (e *Entry) IsAuthor(u user.User) bool { return u.ID == e.author.ID }

// Editable reports whether u may edit, delete and restore the entry: its
// author, while it is not hidden.
func (e *Entry) Editable(u user.User) bool { return e.IsAuthor(u) && !e.hidden }

// VisibleTo reports whether u may read the entry's text: anyone while it
// is not hidden, only admins once it is.
func (e *Entry) VisibleTo(u user.User) bool { return !e.hidden || u.Admin() }

// Permits checks the changes the entry recorded since it was loaded against
// who made them, u, and returns a *domain.ForbiddenError saying who may
// when u may not: hiding and unhiding are an admin's; any other change is
// its author's, and not of a hidden entry. Checking what was recorded,
// rather than which method was called, covers every write the same way, a
// merged save and a restore with changes included.
func (e *Entry) Permits(u user.User) error {
	for _, ev := range e.DomainEvents() {
		switch ev.Name {
		case EventCreated:
			if !e.IsAuthor(u) {
				return &domain.ForbiddenError{Message: "An entry is logged by the rep who adds it."}
			}
		case EventHidden, EventUnhidden:
			if !u.Admin() {
				return &domain.ForbiddenError{Message: "Only an admin may hide or unhide an entry."}
			}
		default:
			if !e.IsAuthor(u) {
				return &domain.ForbiddenError{Message: fmt.Sprintf("Only %s, who logged this entry, may change it.", e.author.Name)}
			}
			if e.hidden {
				return &domain.ForbiddenError{Message: "An admin hid this entry: it takes no change until they unhide it."}
			}
		}
	}
	return nil
}
