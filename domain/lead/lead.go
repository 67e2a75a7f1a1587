// Package lead holds the Lead aggregate: its fields and their limits, the
// status state machine and the rules that connect them.
package lead

import (
	"fmt"
	"time"

	"crm/domain"
)

// Kind names the aggregate in optimistic-lock errors and activity.
const Kind = "lead"

// Names of the events a lead records.
const (
	EventCreated       = "LeadCreated"
	EventUpdated       = "LeadUpdated"
	EventStatusChanged = "LeadStatusChanged"
)

var _ domain.AggregateRoot = (*Lead)(nil)

// Lead is a prospective customer a rep works on. Its fields are unexported so
// every change goes through a method that keeps the lead valid.
type Lead struct {
	domain.Events
	id        int64
	version   int64
	fields    Fields
	status    Status
	owner     string
	createdAt time.Time
	updatedAt time.Time
	updatedBy string
}

// New validates f and returns a lead in status NEW owned by owner. It has no
// id or version until a repository stores it.
func New(f Fields, owner string) (*Lead, error) {
	f = f.Normalize()
	if err := f.Validate(); err != nil {
		return nil, err
	}
	l := &Lead{fields: f, status: StatusNew, owner: owner, updatedBy: owner}
	l.Record(domain.Event{Name: EventCreated, Actor: owner, Changes: diff(Fields{}, f)})
	return l, nil
}

// Snapshot is a lead's complete state as stored. Only repositories build
// leads from one (see Rehydrate); everyone else reads leads through methods.
type Snapshot struct {
	ID        int64
	Version   int64
	Fields    Fields
	Status    Status
	Owner     string
	CreatedAt time.Time
	UpdatedAt time.Time
	UpdatedBy string
}

// Rehydrate rebuilds a lead from storage without validating it again: the
// database's CHECK constraints hold the same limits.
func Rehydrate(s Snapshot) *Lead {
	return &Lead{
		id: s.ID, version: s.Version, fields: s.Fields, status: s.Status, owner: s.Owner,
		createdAt: s.CreatedAt, updatedAt: s.UpdatedAt, updatedBy: s.UpdatedBy,
	}
}

// Snapshot returns the lead's complete state, for repositories.
func (l *Lead) Snapshot() Snapshot {
	return Snapshot{
		ID: l.id, Version: l.version, Fields: l.fields, Status: l.status, Owner: l.owner,
		CreatedAt: l.createdAt, UpdatedAt: l.updatedAt, UpdatedBy: l.updatedBy,
	}
}

// ID returns the lead's id, 0 before it is stored.
func (l *Lead) ID() int64 { return l.id }

// Version returns the version the lead was loaded at; each save adds one.
func (l *Lead) Version() int64 { return l.version }

// Fields returns the editable fields.
func (l *Lead) Fields() Fields { return l.fields }

// Status returns where the lead stands in the funnel.
func (l *Lead) Status() Status { return l.status }

// Owner returns the rep the lead belongs to.
func (l *Lead) Owner() string { return l.owner }

// CreatedAt returns when the lead was first stored.
func (l *Lead) CreatedAt() time.Time { return l.createdAt }

// UpdatedAt returns when the lead was last saved.
func (l *Lead) UpdatedAt() time.Time { return l.updatedAt }

// UpdatedBy returns who saved the lead last.
func (l *Lead) UpdatedBy() string { return l.updatedBy }

// NextStatuses lists the moves the state machine allows from here.
func (l *Lead) NextStatuses() []Status { return l.status.Next() }

// Edit replaces the editable fields on behalf of rep by. It reports which
// fields changed; when none did the lead is left as it was.
func (l *Lead) Edit(f Fields, by string) ([]string, error) {
	f = f.Normalize()
	if err := f.Validate(); err != nil {
		return nil, err
	}
	changed := l.fields.Changed(f)
	if len(changed) == 0 {
		return nil, nil
	}
	if l.status == StatusConverted && f.Score < ConvertMinScore {
		return nil, &domain.RuleError{Field: FieldScore, Message: fmt.Sprintf(
			"A converted lead keeps a score of at least %d; %d is too low.", ConvertMinScore, f.Score)}
	}
	l.Record(domain.Event{Name: EventUpdated, Actor: by, Changes: diff(l.fields, f)})
	l.fields = f
	l.updatedBy = by
	return changed, nil
}

// MoveTo moves the lead to status to on behalf of rep by, if the state
// machine and the conversion rule allow it.
func (l *Lead) MoveTo(to Status, by string) error {
	if to == l.status {
		return &domain.RuleError{Field: FieldStatus, Message: fmt.Sprintf("The lead is already %s.", l.status)}
	}
	if !l.status.CanMoveTo(to) {
		msg := fmt.Sprintf("Cannot move from %s to %s.", l.status, to)
		if l.status == StatusConverted {
			msg += " A converted lead stays converted."
		}
		return &domain.RuleError{Field: FieldStatus, Message: msg}
	}
	if to == StatusConverted && l.fields.Score < ConvertMinScore {
		return &domain.RuleError{Field: FieldScore, Message: fmt.Sprintf(
			"Score %d is below the %d needed to convert.", l.fields.Score, ConvertMinScore)}
	}
	l.Record(domain.Event{Name: EventStatusChanged, Actor: by, Changes: []domain.Change{
		{Field: FieldStatus, Old: string(l.status), New: string(to)}}})
	l.status = to
	l.updatedBy = by
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
