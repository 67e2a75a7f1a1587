// Package deal holds the Deal aggregate: an opportunity to sell to a
// contact, its amount as Money and the stage table that says how it may
// end (won, or lost and perhaps reopened).
package deal

import (
	"errors"
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
	domain.Root
	fields    Fields
	stage     Stage
	closedOn  domain.Date // the day it was won or lost; zero while open
	contactID int64
	leadID    int64 // 0 when the deal was not converted from a lead
}

// New validates f and returns a deal in Qualification with contact contactID, created
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
	d := &Deal{fields: f, stage: StageQualification, contactID: contactID, leadID: leadID}
	refs := map[string]int64{FieldContact: contactID}
	if leadID > 0 {
		refs[FieldLead] = leadID
	}
	d.Record(domain.Event{Name: EventCreated, Actor: by, Changes: domain.Diff(Fields{}, f), Refs: refs})
	return d, nil
}

// The refusals of a store whose references do not hold when it stores a
// deal: the store decides, as only it can tell that a contact deleted a
// moment before is gone. Each call returns a fresh error, so no caller can
// change another's.

// ContactMissing is the refusal of a deal whose contact does not exist.
func ContactMissing() error {
	return &domain.ValidationError{Fields: []domain.FieldError{{Field: FieldContact, Message: "The contact does not exist."}}}
}

// LeadMissing is the refusal of a deal converted from a lead that does not
// exist.
func LeadMissing() error {
	return &domain.ValidationError{Fields: []domain.FieldError{{Field: FieldLead, Message: "The lead does not exist."}}}
}

// LeadTaken is the refusal of a second deal for one lead.
func LeadTaken() error {
	return &domain.RuleError{Field: FieldLead, Message: "This lead already has a deal."}
}

// Snapshot is a deal's complete state as stored. Only repositories build
// deals from one (see Rehydrate); everyone else reads deals through methods.
type Snapshot struct {
	ID        int64
	Version   int64
	Fields    Fields
	Stage     Stage
	ClosedOn  domain.Date // zero for none
	ContactID int64
	LeadID    int64 // 0 for none
	CreatedAt time.Time
	UpdatedAt time.Time
	UpdatedBy string
}

// Rehydrate rebuilds a deal from storage without validating it again: the
// database's CHECK constraints hold the same limits.
func Rehydrate(s Snapshot) *Deal {
	return &Deal{Root: domain.Restore(domain.Meta{ID: s.ID, Version: s.Version,
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, UpdatedBy: s.UpdatedBy}),
		fields: s.Fields, stage: s.Stage, closedOn: s.ClosedOn, contactID: s.ContactID, leadID: s.LeadID}
}

// Snapshot returns the deal's complete state, for repositories.
func (d *Deal) Snapshot() Snapshot {
	m := d.Meta()
	return Snapshot{ID: m.ID, Version: m.Version, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, UpdatedBy: m.UpdatedBy,
		Fields: d.fields, Stage: d.stage, ClosedOn: d.closedOn, ContactID: d.contactID, LeadID: d.leadID}
}

// Fields returns the editable fields.
func (d *Deal) Fields() Fields { return d.fields }

// Stage returns where the deal stands.
func (d *Deal) Stage() Stage { return d.stage }

// ClosedOn returns the day the deal was won or lost, zero while it is open.
func (d *Deal) ClosedOn() domain.Date { return d.closedOn }

// ContactID returns the contact the deal is with.
func (d *Deal) ContactID() int64 { return d.contactID }

// LeadID returns the lead the deal was converted from, 0 for none.
func (d *Deal) LeadID() int64 { return d.leadID }

// NextStages lists the moves the stage table allows from here.
func (d *Deal) NextStages() []Stage { return d.stage.Next() }

// Edit replaces the editable fields on behalf of rep by. It reports which
// fields changed; when none did the deal is left as it was and nothing is
// recorded.
func (d *Deal) Edit(f Fields, by string) ([]string, error) {
	return domain.Edit(&d.Root, &d.fields, f, EventUpdated, by, d.keepsItsExpectedClose)
}

// keepsItsExpectedClose is the rule a deal in Negotiation keeps: the
// expected close date it could not have entered without.
func (d *Deal) keepsItsExpectedClose(f Fields) error {
	if d.stage == StageNegotiation && f.ExpectedClose.IsZero() {
		return &domain.RuleError{Field: FieldExpectedClose, Message: "A deal in Negotiation keeps its expected close date."}
	}
	return nil
}

// Gate is what a move may need besides the stage table: the stage gates'
// dates. Every path that moves a deal (the page, the API, a board) passes
// what it was given, and MoveTo alone decides.
type Gate struct {
	// ExpectedClose, when not zero, becomes the deal's expected close in
	// the move's own write: how a move to Negotiation brings the date it
	// needs. Zero keeps the deal's.
	ExpectedClose domain.Date
	// ClosedOn is the day a move to Won or Lost closes the deal; moves to
	// an open stage ignore it. Winning needs it.
	ClosedOn domain.Date
}

// The refusals of the stage gates, which name the missing field.
const (
	msgNeedsExpectedClose = "Set the expected close date to move the deal to Negotiation."
	msgNeedsClosedOn      = "Set the closed-on date to mark the deal Won."
)

// MoveTo moves the deal to stage to on behalf of rep by, if the stage
// table allows it and the gates hold: a deal enters Negotiation only with
// an expected close date (its own or g's), and is won only on a day
// (g.ClosedOn). Closing records the day it closed; reopening clears it.
// The event lists every field the move changed.
func (d *Deal) MoveTo(to Stage, by string, g Gate) error {
	if err := d.Live(); err != nil {
		return err
	}
	if err := machine.Check(d.stage, to); err != nil {
		return err
	}
	expected := d.fields.ExpectedClose
	if !g.ExpectedClose.IsZero() {
		expected = g.ExpectedClose
	}
	var closedOn domain.Date // an open stage has none
	switch to {
	case StageNegotiation:
		if expected.IsZero() {
			return &domain.RuleError{Field: FieldExpectedClose, Message: msgNeedsExpectedClose}
		}
	case StageWon:
		if g.ClosedOn.IsZero() {
			return &domain.RuleError{Field: FieldClosedOn, Message: msgNeedsClosedOn}
		}
		closedOn = g.ClosedOn
	case StageLost:
		closedOn = g.ClosedOn
	}
	changes := []domain.Change{{Field: FieldStage, Old: string(d.stage), New: string(to)}}
	if expected != d.fields.ExpectedClose {
		changes = append(changes, domain.Change{Field: FieldExpectedClose, Old: d.fields.ExpectedClose.String(), New: expected.String()})
	}
	if closedOn != d.closedOn {
		changes = append(changes, domain.Change{Field: FieldClosedOn, Old: d.closedOn.String(), New: closedOn.String()})
	}
	d.Record(domain.Event{Name: EventStageChanged, Actor: by, Changes: changes})
	d.stage, d.fields.ExpectedClose, d.closedOn = to, expected, closedOn
	return nil
}
