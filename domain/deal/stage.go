package deal

import (
	"fmt"
	"slices"
	"strings"

	"crm/domain"
)

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

// transitions is the one table of allowed moves; everything not listed is
// refused. A lost deal may be reopened; a won deal stays won.
var transitions = map[Stage][]Stage{
	StageOpen: {StageWon, StageLost},
	StageLost: {StageOpen},
	StageWon:  nil,
}

// ParseStage turns user input into a Stage, refusing anything unknown.
func ParseStage(s string) (Stage, error) {
	st := Stage(s)
	if _, ok := transitions[st]; !ok {
		return "", &domain.ValidationError{Fields: []domain.FieldError{{
			Field: FieldStage, Message: fmt.Sprintf("%q is not a stage; use one of OPEN, WON, LOST.", s),
		}}}
	}
	return st, nil
}

// Next returns the stages a deal in s may move to, in table order.
func (s Stage) Next() []Stage { return slices.Clone(transitions[s]) }

// CanMoveTo reports whether the table allows s → to.
func (s Stage) CanMoveTo(to Stage) bool { return slices.Contains(transitions[s], to) }

// Label is the stage as a rep reads it ("Won").
func (s Stage) Label() string {
	if s == "" {
		return ""
	}
	return string(s[0]) + strings.ToLower(string(s[1:]))
}
