package deal

import "crm/domain"

// Stage is where a deal stands: still open, won or lost.
type Stage string

// The stages a deal can be in. WON is terminal.
const (
	StageOpen Stage = "OPEN"
	StageWon  Stage = "WON"
	StageLost Stage = "LOST"
)

// Stages lists every stage, for tabs and filters.
var Stages = []Stage{StageOpen, StageWon, StageLost}

// machine is the one table of allowed moves; everything not listed is
// refused. A lost deal may be reopened; a won deal stays won.
var machine = domain.Machine[Stage]{Kind: Kind, Field: FieldStage, States: Stages, Moves: map[Stage][]Stage{
	StageOpen: {StageWon, StageLost},
	StageLost: {StageOpen},
	StageWon:  nil,
}}

// ParseStage turns user input into a Stage, refusing anything unknown.
func ParseStage(s string) (Stage, error) { return machine.Parse(s) }

// Next returns the stages a deal in s may move to, in table order.
func (s Stage) Next() []Stage { return machine.Next(s) }

// CanMoveTo reports whether the table allows s → to.
func (s Stage) CanMoveTo(to Stage) bool { return machine.Allows(s, to) }

// Open reports whether a deal in s is still being worked: in the pipeline,
// neither won nor lost.
func (s Stage) Open() bool { return s != StageWon && s != StageLost }

// Label is the stage as a rep reads it ("Won").
func (s Stage) Label() string { return domain.Label(s) }
