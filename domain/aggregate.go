package domain

import "time"

// AggregateRoot is the contract of every aggregate: an identity, the version
// its optimistic lock compares, and the domain events its changes recorded
// since it was loaded. Repositories save the aggregate and its events in one
// transaction, then clear the events.
type AggregateRoot interface {
	ID() int64
	Version() int64
	// Deleted reports whether the aggregate is deleted: kept, with its
	// versions, until purged, but taking no change until restored.
	Deleted() bool
	DomainEvents() []Event
	ClearEvents()
}

// Event is something that happened to an aggregate, recorded by the
// aggregate itself when a method changed it. The repository stamps the
// aggregate's id and the version the change produced when it stores it.
type Event struct {
	Name    string   // e.g. "LeadUpdated"
	Actor   string   // who made the change
	Changes []Change // field by field, for events that change fields
	// Refs names other aggregates the event involves, e.g. the contact and
	// deal a conversion created, as kind → id.
	Refs map[string]int64
}

// Change is one field's move from Old to New, as reps read values.
type Change struct {
	Field string `json:"field"`
	Old   string `json:"old"`
	New   string `json:"new"`
}

// Meta is what a store keeps about every aggregate besides its own state:
// its identity, the version its compare-and-swap checks, and who saved it
// when.
type Meta struct {
	ID        int64
	Version   int64
	CreatedAt time.Time
	UpdatedAt time.Time
	UpdatedBy string
	// DeletedAt is when the aggregate was deleted, zero while it is not.
	// Deleting keeps it (and its versions) until purged, so it can be
	// restored, and a save that meets it can say who deleted it.
	DeletedAt time.Time
}

// Root is embedded by every aggregate root. It holds the aggregate's Meta
// and the events its changes recorded, and so implements AggregateRoot and
// the accessors every aggregate shares. Recording an event names its actor
// as the one who last updated the aggregate: every change is recorded, so
// no method has to remember to set it.
type Root struct {
	pending []Event
	meta    Meta
	deleted bool
}

// Names of the events every aggregate records when deleted and restored.
const (
	EventDeleted  = "Deleted"
	EventRestored = "Restored"
)

// Restore returns the Root of an aggregate rebuilt from storage; only
// repositories rebuild aggregates.
func Restore(m Meta) Root { return Root{meta: m, deleted: !m.DeletedAt.IsZero()} }

// ID returns the aggregate's id, 0 before it is stored.
func (r *Root) ID() int64 { return r.meta.ID }

// Version returns the version the aggregate was loaded at; each save adds one.
func (r *Root) Version() int64 { return r.meta.Version }

// CreatedAt returns when the aggregate was first stored.
func (r *Root) CreatedAt() time.Time { return r.meta.CreatedAt }

// UpdatedAt returns when the aggregate was last saved.
func (r *Root) UpdatedAt() time.Time { return r.meta.UpdatedAt }

// DeletedAt returns when the aggregate was deleted, zero while it is not.
func (r *Root) DeletedAt() time.Time { return r.meta.DeletedAt }

// UpdatedBy returns who changed the aggregate last.
func (r *Root) UpdatedBy() string { return r.meta.UpdatedBy }

// Meta returns the aggregate's Meta, for snapshots.
func (r *Root) Meta() Meta { return r.meta }

// Stamp records what a store assigned when it saved the aggregate: its id,
// version and times. Only repositories call it, as only they call the
// aggregates' Rehydrate.
func (r *Root) Stamp(m Meta) { r.meta, r.deleted = m, !m.DeletedAt.IsZero() }

// Deleted reports whether the aggregate is deleted (or being deleted by a
// change not stored yet).
func (r *Root) Deleted() bool { return r.deleted }

// Live returns a *DeletedError when the aggregate is deleted, nil
// otherwise: a deleted aggregate takes no edit and no move until restored.
func (r *Root) Live() error {
	if !r.deleted {
		return nil
	}
	return &DeletedError{ID: r.meta.ID, By: r.meta.UpdatedBy, At: r.meta.DeletedAt}
}

// Delete deletes the aggregate on behalf of rep by. It is kept, with its
// versions, and can be restored.
func (r *Root) Delete(by string) error {
	if err := r.Live(); err != nil {
		return err
	}
	r.deleted = true
	r.Record(Event{Name: EventDeleted, Actor: by})
	return nil
}

// Undelete restores a deleted aggregate on behalf of rep by, as it was
// when deleted.
func (r *Root) Undelete(by string) error {
	if !r.deleted {
		return &RuleError{Message: "It is not deleted."}
	}
	r.deleted = false
	r.meta.DeletedAt = time.Time{}
	r.Record(Event{Name: EventRestored, Actor: by})
	return nil
}

// Record appends ev to the events not yet stored and makes its actor the
// one who last updated the aggregate.
func (r *Root) Record(ev Event) {
	r.pending = append(r.pending, ev)
	r.meta.UpdatedBy = ev.Actor
}

// DomainEvents returns the events recorded since the aggregate was loaded
// or last saved.
func (r *Root) DomainEvents() []Event { return r.pending }

// ClearEvents forgets the recorded events, once they are stored.
func (r *Root) ClearEvents() { r.pending = nil }

// EditableFields is what Edit needs of an aggregate's field set.
type EditableFields[F any] interface {
	Comparable[F]
	Normalize() F
	Validate() error
}

// Edit is the edit every aggregate makes of its fields on behalf of rep by:
// a deleted aggregate refuses it (a *DeletedError), f is normalized and
// validated, rule (nil for none) checks it against the
// rest of the aggregate, and when any field changed, r records event with
// each change, old → new, and *fields becomes f. It
// reports which fields changed; when none did nothing changes and nothing
// is recorded, so a save writes nothing.
func Edit[F EditableFields[F]](r *Root, fields *F, f F, event, by string, rule func(F) error) ([]string, error) {
	if err := r.Live(); err != nil {
		return nil, err
	}
	f = f.Normalize()
	if err := f.Validate(); err != nil {
		return nil, err
	}
	changed := (*fields).Changed(f)
	if len(changed) == 0 {
		return nil, nil
	}
	if rule != nil {
		if err := rule(f); err != nil {
			return nil, err
		}
	}
	r.Record(Event{Name: event, Actor: by, Changes: Diff(*fields, f)})
	*fields = f
	return changed, nil
}

// RecordedEvent is an event as stored: which aggregate, the version the
// change produced, and when it committed.
type RecordedEvent struct {
	Event
	// ID is the event's place in the activity log: a later event has a
	// higher one. A history is paged by it.
	ID          int64
	Kind        string
	AggregateID int64
	Version     int64
	At          time.Time
}

// Saved announces that a save of an aggregate committed, to whoever is
// looking at it: which version it made, who saved, what it was and which
// fields it changed (names only; the page has the values).
type Saved struct {
	Kind    string   `json:"kind"`
	ID      int64    `json:"id"`
	Version int64    `json:"version"`
	Actor   string   `json:"actor"`
	Event   string   `json:"event"`
	Fields  []string `json:"fields"`
	// At is when the saving instance sent the notice, just before its
	// commit, so a receiver can tell how late notices arrive.
	At time.Time `json:"at"`
	// To is the user the save gave the record to (its owner changed to
	// them), 0 when it gave it to nobody new; Title names the record for
	// them ("Acme"). See RepNotice.
	To    int64  `json:"to,omitempty"`
	Title string `json:"title,omitempty"`
}
