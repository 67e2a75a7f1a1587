package domain

import (
	"fmt"
	"slices"
	"strings"
)

// Machine is a state machine: the one table of the moves an aggregate may
// make between its states (a lead's statuses, a deal's stages), from each
// state to those it may move to, in the order they are offered. Every move
// the table does not list is refused, with a message that says why.
type Machine[S ~string] struct {
	Kind   string // the aggregate, as messages name it: "lead"
	Field  string // the field the state is, as forms and errors name it: "status"
	States []S    // every state, in order, for tabs and messages
	Moves  map[S][]S
}

// Parse turns input into a state, refusing anything unknown with a
// *ValidationError on the machine's field.
func (m Machine[S]) Parse(s string) (S, error) {
	st := S(s)
	if !slices.Contains(m.States, st) {
		names := make([]string, len(m.States))
		for i, state := range m.States {
			names[i] = string(state)
		}
		return "", &ValidationError{Fields: []FieldError{{Field: m.Field,
			Message: fmt.Sprintf("%q is not a %s; use one of %s.", s, m.Field, strings.Join(names, ", "))}}}
	}
	return st, nil
}

// Next returns the states an aggregate in from may move to, in table order.
func (m Machine[S]) Next(from S) []S { return slices.Clone(m.Moves[from]) }

// Allows reports whether the table has the move from → to.
func (m Machine[S]) Allows(from, to S) bool { return slices.Contains(m.Moves[from], to) }

// Check returns why from → to is refused, as a *RuleError on the machine's
// field, or nil when the table allows it.
func (m Machine[S]) Check(from, to S) error {
	switch {
	case to == from:
		return &RuleError{Field: m.Field, Message: fmt.Sprintf("The %s is already %s.", m.Kind, from)}
	case m.Allows(from, to):
		return nil
	}
	msg := fmt.Sprintf("Cannot move from %s to %s.", from, to)
	if len(m.Moves[from]) == 0 {
		word := strings.ToLower(string(from))
		msg += fmt.Sprintf(" A %s %s stays %s.", word, m.Kind, word)
	}
	return &RuleError{Field: m.Field, Message: msg}
}

// Label is a state as reps read it: "CONTACTED" is "Contacted".
func Label[S ~string](s S) string {
	if s == "" {
		return ""
	}
	return string(s[:1]) + strings.ToLower(string(s[1:]))
}
