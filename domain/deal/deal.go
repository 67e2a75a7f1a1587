// Package deal holds the Deal aggregate: an opportunity to sell to a
// contact, its amount as Money and the stage table that says how it may
// end (won, or lost and perhaps reopened).
package deal

import (
	"errors"
	"fmt"
	"time"

	"crm/domain"
)

// Kind names the aggregate in optimistic-lock errors and activity.
const Kind = "deal"

// Names of the events a deal records.
const (
	EventCreated      = "DealCreated"
	EventUpdated      = "DealUpdated"
	EventStageChanged = "DealStageChanged"
)

var _ domain.AggregateRoot = (*Deal)(nil)

// Deal is an opportunity to sell to a contact. Its fields are unexported so
// every change goes through a method that keeps the deal valid and records
// what changed.
type Deal struct {
	domain.Events
	id        int64
	version   int64
	fields    Fields
	stage     Stage
	contactID int64
	leadID    int64 // 0 when the deal was not converted from a lead
	createdAt time.Time
	updatedAt time.Time
	updatedBy string
}

// New validates f and returns an OPEN deal with contact contactID, created
// by rep by; leadID is the lead it was converted from, 0 for none. It has
// no id or version until a repository stores it, which also checks that
// the contact and lead exist.
func New(f Fields, contactID, leadID int64, by string) (*Deal, error) {
	f = f.Normalize()
	var v domain.ValidationError
	if contactID < 1 {
		v.Add(FieldContact, "Choose the contact the deal is with.")
	}
	if leadID < 0 {
		v.Add(FieldLead, "The lead does not exist.")
	}
	var invalid *domain.ValidationError
	if err := f.Validate(); errors.As(err, &invalid) {
		v.Fields = append(invalid.Fields, v.Fields...)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	d := &Deal{fields: f, stage: StageOpen, contactID: contactID, leadID: leadID, updatedBy: by}
	refs := map[string]int64{FieldContact: contactID}
	if leadID > 0 {
		refs[FieldLead] = leadID
	}
	d.Record(domain.Event{Name: EventCreated, Actor: by, Changes: diff(Fields{}, f), Refs: refs})
	return d, nil
}

// Snapshot is a deal's complete state as stored. Only repositories build
// deals from one (see Rehydrate); everyone else reads deals through methods.
type Snapshot struct {
	ID        int64
	Version   int64
	Fields    Fields
	Stage     Stage
	ContactID int64
	LeadID    int64 // 0 for none
	CreatedAt time.Time
	UpdatedAt time.Time
	UpdatedBy string
}

// Rehydrate rebuilds a deal from storage without validating it again: the
// database's CHECK constraints hold the same limits.
func Rehydrate(s Snapshot) *Deal {
	return &Deal{
		id: s.ID, version: s.Version, fields: s.Fields, stage: s.Stage,
		contactID: s.ContactID, leadID: s.LeadID,
		createdAt: s.CreatedAt, updatedAt: s.UpdatedAt, updatedBy: s.UpdatedBy,
	}
}

// Snapshot returns the deal's complete state, for repositories.
func (d *Deal) Snapshot() Snapshot {
	return Snapshot{
		ID: d.id, Version: d.version, Fields: d.fields, Stage: d.stage,
		ContactID: d.contactID, LeadID: d.leadID,
		CreatedAt: d.createdAt, UpdatedAt: d.updatedAt, UpdatedBy: d.updatedBy,
	}
}

// ID returns the deal's id, 0 before it is stored.
func (d *Deal) ID() int64 { return d.id }

// Version returns the version the deal was loaded at; each save adds one.
func (d *Deal) Version() int64 { return d.version }

// Fields returns the editable fields.
func (d *Deal) Fields() Fields { return d.fields }

// Stage returns where the deal stands.
func (d *Deal) Stage() Stage { return d.stage }

// ContactID returns the contact the deal is with.
func (d *Deal) ContactID() int64 { return d.contactID }

// LeadID returns the lead the deal was converted from, 0 for none.
func (d *Deal) LeadID() int64 { return d.leadID }

// CreatedAt returns when the deal was first stored.
func (d *Deal) CreatedAt() time.Time { return d.createdAt }

// UpdatedAt returns when the deal was last saved.
func (d *Deal) UpdatedAt() time.Time { return d.updatedAt }

// UpdatedBy returns who saved the deal last.
func (d *Deal) UpdatedBy() string { return d.updatedBy }

// NextStages lists the moves the stage table allows from here.
func (d *Deal) NextStages() []Stage { return d.stage.Next() }

// Edit replaces the editable fields on behalf of rep by. It reports which
// fields changed; when none did the deal is left as it was and nothing is
// recorded.
func (d *Deal) Edit(f Fields, by string) ([]string, error) {
	f = f.Normalize()
	if err := f.Validate(); err != nil {
		return nil, err
	}
	changed := d.fields.Changed(f)
	if len(changed) == 0 {
		return nil, nil
	}
	d.Record(domain.Event{Name: EventUpdated, Actor: by, Changes: diff(d.fields, f)})
	d.fields = f
	d.updatedBy = by
	return changed, nil
}

// MoveTo moves the deal to stage to on behalf of rep by, if the stage
// table allows it.
func (d *Deal) MoveTo(to Stage, by string) error {
	if to == d.stage {
		return &domain.RuleError{Field: FieldStage, Message: fmt.Sprintf("The deal is already %s.", d.stage)}
	}
	if !d.stage.CanMoveTo(to) {
		msg := fmt.Sprintf("Cannot move from %s to %s.", d.stage, to)
		if d.stage == StageWon {
			msg += " A won deal stays won."
		}
		return &domain.RuleError{Field: FieldStage, Message: msg}
	}
	d.Record(domain.Event{Name: EventStageChanged, Actor: by, Changes: []domain.Change{
		{Field: FieldStage, Old: string(d.stage), New: string(to)}}})
	d.stage = to
	d.updatedBy = by
	return nil
}

// diff lists the fields that differ between from and to, old → new.
func diff(from, to Fields) []domain.Change {
	var out []domain.Change
	for _, name := range from.Changed(to) {
		out = append(out, domain.Change{Field: name, Old: from.Get(name), New: to.Get(name)})
	}
	return out
}
