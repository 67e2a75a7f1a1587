package deal

import "crm/domain"

// Stage is where a deal stands in the pipeline: one of three open stages,
// or closed as won or lost.
type Stage string

// The stages a deal can be in, in pipeline order. WON is terminal.
const (
	StageQualification Stage = "QUALIFICATION"
	StageProposal      Stage = "PROPOSAL"
	StageNegotiation   Stage = "NEGOTIATION"
	StageWon           Stage = "WON"
	StageLost          Stage = "LOST"
)

// Stages lists every stage in pipeline order, the open ones first: the
// order of tabs, filters, board columns and the dashboard.
var Stages = []Stage{StageQualification, StageProposal, StageNegotiation, StageWon, StageLost}

// machine is the one table of allowed moves; everything not listed is
// refused. An open deal moves forward or back between the open stages, or
// closes as won or lost from any of them; a lost deal may be reopened, to
// Qualification only, as its picture has to be made again; a won deal
// stays won. The stage gates (Deal.MoveTo) come on top of the table.
var machine = domain.Machine[Stage]{Kind: Kind, Field: FieldStage, States: Stages, Moves: map[Stage][]Stage{
	StageQualification: {StageProposal, StageNegotiation, StageWon, StageLost},
	StageProposal:      {StageQualification, StageNegotiation, StageWon, StageLost},
	StageNegotiation:   {StageQualification, StageProposal, StageWon, StageLost},
	StageLost:          {StageQualification},
	StageWon:           nil,
}}

// probabilities are the chances of winning a deal at each stage, in
// percent: what a forecast weighs an open deal's amount by. A closed deal's
// chance is settled.
var probabilities = map[Stage]int{
	StageQualification: 10, StageProposal: 30, StageNegotiation: 60, StageWon: 100, StageLost: 0,
}

// ParseStage turns user input into a Stage, refusing anything unknown.
func ParseStage(s string) (Stage, error) { return machine.Parse(s) }

// Next returns the stages a deal in s may move to, in table order.
func (s Stage) Next() []Stage { return machine.Next(s) }

// CanMoveTo reports whether the table allows s → to. It does not check
// the stage gates; Deal.MoveTo does.
func (s Stage) CanMoveTo(to Stage) bool { return machine.Allows(s, to) }

// Label is the stage as a rep reads it ("Negotiation").
func (s Stage) Label() string { return domain.Label(s) }

// Open reports whether a deal in s is still being worked: neither won nor
// lost.
func (s Stage) Open() bool {
	return s == StageQualification || s == StageProposal || s == StageNegotiation
}

// Closed reports whether a deal in s is won or lost.
func (s Stage) Closed() bool { return s == StageWon || s == StageLost }

// Probability is the chance, in percent from 0 to 100, that a deal in s is
// won: 10 in Qualification, 30 in Proposal, 60 in Negotiation, 100 once
// won and 0 once lost. An unknown stage has none (0).
func (s Stage) Probability() int { return probabilities[s] }
