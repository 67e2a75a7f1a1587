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
	EventConverted     = "LeadConverted"
)

// Refs a LeadConverted event carries: the contact and the deal the lead
// became.
const (
	RefContact = "contact"
	RefDeal    = "deal"
)

var _ domain.AggregateRoot = (*Lead)(nil)

// Lead is a prospective customer a rep works on. Its fields are unexported so
// every change goes through a method that keeps the lead valid.
type Lead struct {
	domain.Root
	fields Fields
	status Status
}

// New validates f and returns a lead in status NEW created by rep by (its
// owner is f.Owner, whoever creates it). It has no id or version until a
// repository stores it.
func New(f Fields, by string) (*Lead, error) {
	f = f.Normalize()
	if err := f.Validate(); err != nil {
		return nil, err
	}
	l := &Lead{fields: f, status: StatusNew}
	l.Record(domain.Event{Name: EventCreated, Actor: by, Changes: domain.Diff(Fields{}, f)})
	return l, nil
}

// Snapshot is a lead's complete state as stored. Only repositories build
// leads from one (see Rehydrate); everyone else reads leads through methods.
type Snapshot struct {
	ID        int64
	Version   int64
	Fields    Fields
	Status    Status
	CreatedAt time.Time
	UpdatedAt time.Time
	UpdatedBy string
}

// Rehydrate rebuilds a lead from storage without validating it again: the
// database's CHECK constraints hold the same limits.
func Rehydrate(s Snapshot) *Lead {
	return &Lead{Root: domain.Restore(domain.Meta{ID: s.ID, Version: s.Version,
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, UpdatedBy: s.UpdatedBy}),
		fields: s.Fields, status: s.Status}
}

// Snapshot returns the lead's complete state, for repositories.
func (l *Lead) Snapshot() Snapshot {
	m := l.Meta()
	return Snapshot{ID: m.ID, Version: m.Version, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, UpdatedBy: m.UpdatedBy,
		Fields: l.fields, Status: l.status}
}

// Fields returns the editable fields.
func (l *Lead) Fields() Fields { return l.fields }

// Status returns where the lead stands in the funnel.
func (l *Lead) Status() Status { return l.status }

// NextStatuses lists the moves the state machine allows from here.
func (l *Lead) NextStatuses() []Status { return l.status.Next() }

// Edit replaces the editable fields on behalf of rep by. It reports which
// fields changed; when none did the lead is left as it was.
func (l *Lead) Edit(f Fields, by string) ([]string, error) {
	return domain.Edit(&l.Root, &l.fields, f, EventUpdated, by, l.keepsItsScore)
}

// keepsItsScore is the rule a converted lead's fields keep: the score that
// let it convert.
func (l *Lead) keepsItsScore(f Fields) error {
	if l.status == StatusConverted && f.Score < ConvertMinScore {
		return &domain.RuleError{Field: FieldScore, Message: fmt.Sprintf(
			"A converted lead keeps a score of at least %d; %d is too low.", ConvertMinScore, f.Score)}
	}
	return nil
}

// MoveTo moves the lead to status to on behalf of rep by, if the state
// machine allows it. CONVERTED is refused here: a lead becomes converted
// only through Convert, together with the contact and deal it turns into.
func (l *Lead) MoveTo(to Status, by string) error {
	if err := l.checkMove(to); err != nil {
		return err
	}
	if to == StatusConverted {
		return &domain.RuleError{Field: FieldStatus, Message: "A lead is converted from its Convert page, " +
			"which creates the contact and the deal in the same step."}
	}
	l.moveTo(to, domain.Event{Name: EventStatusChanged, Actor: by})
	return nil
}

// CanConvert reports why the lead cannot be converted now, or nil: it must
// be QUALIFIED with a score of at least ConvertMinScore.
func (l *Lead) CanConvert() error {
	if err := l.checkMove(StatusConverted); err != nil {
		return err
	}
	if l.fields.Score < ConvertMinScore {
		return &domain.RuleError{Field: FieldScore, Message: fmt.Sprintf(
			"Score %d is below the %d needed to convert.", l.fields.Score, ConvertMinScore)}
	}
	return nil
}

// Convert marks the lead CONVERTED on behalf of rep by, recording that it
// became contact contactID and deal dealID. Both must already exist in the
// same unit of work: a conversion is all or nothing.
func (l *Lead) Convert(contactID, dealID int64, by string) error {
	if err := l.CanConvert(); err != nil {
		return err
	}
	if contactID < 1 || dealID < 1 {
		return fmt.Errorf("convert lead %d: contact %d and deal %d must be stored first", l.ID(), contactID, dealID)
	}
	l.moveTo(StatusConverted, domain.Event{Name: EventConverted, Actor: by,
		Refs: map[string]int64{RefContact: contactID, RefDeal: dealID}})
	return nil
}

// checkMove applies the state machine to a move to status to, which a
// deleted lead does not make.
func (l *Lead) checkMove(to Status) error {
	if err := l.Live(); err != nil {
		return err
	}
	return machine.Check(l.status, to)
}

// moveTo sets the status and records ev with the status change.
func (l *Lead) moveTo(to Status, ev domain.Event) {
	ev.Changes = []domain.Change{{Field: FieldStatus, Old: string(l.status), New: string(to)}}
	l.Record(ev)
	l.status = to
}
