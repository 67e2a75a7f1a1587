// Package task holds the Task aggregate: something a rep is to do, by when,
// for whom, and about which lead, contact or deal. Two reps ticking one task
// done at once is one completion: both save the same value, which the
// three-way comparison takes as no conflict.
package task

import (
	"errors"
	"time"

	"crm/domain"
)

// Kind names the aggregate in optimistic-lock errors, activity and its
// pages' addresses (/tasks/{id}).
const Kind = "task"

// Names of the events a task records.
const (
	EventCreated = "TaskCreated"
	EventUpdated = "TaskUpdated"
)

// The kinds of record a task may be about.
const (
	LinkLead    = "lead"
	LinkContact = "contact"
	LinkDeal    = "deal"
)

// LinkKinds lists the kinds of record a task may be about.
var LinkKinds = []string{LinkLead, LinkContact, LinkDeal}

var _ domain.AggregateRoot = (*Task)(nil)

// Link is the record a task is about: a lead, contact or deal by id. The
// zero Link is none. A task keeps its link when the record is deleted, or
// even purged: the pages then say the record is gone.
type Link struct {
	Kind string
	ID   int64
}

// None reports whether l links to nothing.
func (l Link) None() bool { return l == Link{} }

// Valid reports whether l is none or names a kind of record a task may be
// about with an id.
func (l Link) Valid() bool {
	if l.None() {
		return true
	}
	switch l.Kind {
	case LinkLead, LinkContact, LinkDeal:
		return l.ID > 0
	}
	return false
}

// Task is something a rep is to do. Its fields are unexported so every
// change goes through a method that keeps it valid and records what
// changed.
type Task struct {
	domain.Root
	fields Fields
	link   Link
}

// New validates f and returns a task about link (the zero Link for none),
// created by rep by. It has no id or version until a repository stores it,
// which is also what checks that the linked record exists.
func New(f Fields, link Link, by string) (*Task, error) {
	f = f.Normalize()
	var v domain.ValidationError
	var invalid *domain.ValidationError
	if errors.As(f.Validate(), &invalid) {
		v.Fields = invalid.Fields
	}
	if !link.Valid() {
		v.Add(FieldLink, "Link the task to a lead, contact or deal, or to nothing.")
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	t := &Task{fields: f, link: link}
	ev := domain.Event{Name: EventCreated, Actor: by, Changes: domain.Diff(Fields{Priority: PriorityNormal}, f)}
	if !link.None() {
		ev.Refs = map[string]int64{link.Kind: link.ID}
	}
	t.Record(ev)
	return t, nil
}

// LinkMissing is the refusal of a task about a record that does not exist
// or is deleted. Each call returns a fresh error.
func LinkMissing() error {
	return &domain.ValidationError{Fields: []domain.FieldError{{Field: FieldLink, Message: "The record to link the task to does not exist."}}}
}

// AssigneeMissing is the refusal of a task for a rep who does not exist.
func AssigneeMissing() error {
	return &domain.ValidationError{Fields: []domain.FieldError{{Field: FieldAssignee, Message: "The rep to assign the task to does not exist."}}}
}

// Snapshot is a task's complete state as stored. Only repositories build
// tasks from one (see Rehydrate).
type Snapshot struct {
	ID        int64
	Version   int64
	Fields    Fields
	Link      Link
	CreatedAt time.Time
	UpdatedAt time.Time
	UpdatedBy string
}

// Rehydrate rebuilds a task from storage without validating it again: the
// database's CHECK constraints hold the same limits.
func Rehydrate(s Snapshot) *Task {
	return &Task{Root: domain.Restore(domain.Meta{ID: s.ID, Version: s.Version,
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, UpdatedBy: s.UpdatedBy}), fields: s.Fields, link: s.Link}
}

// Snapshot returns the task's complete state, for repositories.
func (t *Task) Snapshot() Snapshot {
	m := t.Meta()
	return Snapshot{ID: m.ID, Version: m.Version, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, UpdatedBy: m.UpdatedBy,
		Fields: t.fields, Link: t.link}
}

// Fields returns the editable fields.
func (t *Task) Fields() Fields { return t.fields }

// Link returns the record the task is about, the zero Link for none.
func (t *Task) Link() Link { return t.link }

// Done reports whether the task is done.
func (t *Task) Done() bool { return t.fields.Done }

// Edit replaces the editable fields on behalf of rep by and records a
// TaskUpdated event with each changed field, old → new. It reports which
// fields changed; when none did the task is left as it was and nothing is
// recorded, so ticking a task someone ticked already writes nothing.
func (t *Task) Edit(f Fields, by string) ([]string, error) {
	return domain.Edit(&t.Root, &t.fields, f, EventUpdated, by, nil)
}

// Overdue reports whether the task is open and was due before now.
func (t *Task) Overdue(now time.Time) bool {
	return !t.fields.Done && !t.fields.Due.IsZero() && t.fields.Due.Before(now)
}
