package lead

import "crm/domain"

// Status is where a lead stands in the sales funnel.
type Status string

// The statuses a lead can have. CONVERTED is terminal.
const (
	StatusNew       Status = "NEW"
	StatusContacted Status = "CONTACTED"
	StatusQualified Status = "QUALIFIED"
	StatusConverted Status = "CONVERTED"
	StatusLost      Status = "LOST"
)

// Statuses lists every status in funnel order, for tabs and filters.
var Statuses = []Status{StatusNew, StatusContacted, StatusQualified, StatusConverted, StatusLost}

// ConvertMinScore is the lowest score at which a lead may be converted.
const ConvertMinScore = 80

// machine is the one table of allowed moves; everything not listed is
// refused.
var machine = domain.Machine[Status]{Kind: Kind, Field: FieldStatus, States: Statuses, Moves: map[Status][]Status{
	StatusNew:       {StatusContacted, StatusLost},
	StatusContacted: {StatusQualified, StatusLost},
	StatusQualified: {StatusConverted, StatusContacted, StatusLost},
	StatusLost:      {StatusNew},
	StatusConverted: nil,
}}

// ParseStatus turns user input into a Status, refusing anything unknown.
func ParseStatus(s string) (Status, error) { return machine.Parse(s) }

// Next returns the statuses a lead in s may move to, in table order.
func (s Status) Next() []Status { return machine.Next(s) }

// CanMoveTo reports whether the state machine allows s → to. It does not
// check the score rule; Lead.MoveTo does.
func (s Status) CanMoveTo(to Status) bool { return machine.Allows(s, to) }

// Label is the status as a rep reads it ("Contacted").
func (s Status) Label() string { return domain.Label(s) }
