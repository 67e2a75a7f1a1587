package domain

import "time"

// AggregateRoot is the contract of every aggregate: an identity, the version
// its optimistic lock compares, and the domain events its changes recorded
// since it was loaded. Repositories save the aggregate and its events in one
// transaction, then clear the events.
type AggregateRoot interface {
	ID() int64
	Version() int64
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

// Events is embedded by aggregates to record events; it implements
// DomainEvents and ClearEvents.
type Events struct {
	pending []Event
}

// Record appends e to the events not yet stored.
func (e *Events) Record(ev Event) { e.pending = append(e.pending, ev) }

// DomainEvents returns the events recorded since the aggregate was loaded
// or last saved.
func (e *Events) DomainEvents() []Event { return e.pending }

// ClearEvents forgets the recorded events, once they are stored.
func (e *Events) ClearEvents() { e.pending = nil }

// RecordedEvent is an event as stored: which aggregate, the version the
// change produced, and when it committed.
type RecordedEvent struct {
	Event
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
}
