package record

import (
	"context"
	"errors"
	"fmt"

	"crm/domain"
	"crm/usecase/conflict"
)

// State is a state of a record kind's state machine, such as a lead's
// status or a deal's stage.
type State interface {
	~string
	// Label is the state as reps read it ("Contacted").
	Label() string
}

// Moves are the moves of a kind of record through its state machine:
// Move for reps, merging with the saves made since, and MoveAt for API
// clients, at exactly the version they named. A kind's service embeds it
// beside its Service.
type Moves[A Aggregate[F], F Fields[F], S State] struct {
	svc   *Service[A, F]
	field string // the field a move changes, e.g. "status"
	state func(A) S
	// move is the aggregate's own move, which applies the state machine
	// and every rule.
	move func(a A, to S, by string) error
	// carries are the fields the move writes besides the state (see
	// Carrying).
	carries []string
}

// Carrying returns the moves that also write fields, such as a deal's
// move to Negotiation bringing the expected close it needs: a merging
// Move then depends on those fields as on the state, so a save of one of
// them since the rep's version is a conflict rather than overwritten.
func (m Moves[A, F, S]) Carrying(fields ...string) Moves[A, F, S] {
	m.carries = fields
	return m
}

// same reports whether a move depends on the same things in a and b: the
// state and the fields it carries.
func (m Moves[A, F, S]) same(a, b A) bool {
	if m.state(a) != m.state(b) {
		return false
	}
	for _, f := range m.carries {
		if a.Fields().Get(f) != b.Fields().Get(f) {
			return false
		}
	}
	return true
}

// NewMoves returns the moves of svc's records, which stand in state and
// move with move, e.g. NewMoves(svc, lead.FieldStatus, (*lead.Lead).Status,
// (*lead.Lead).MoveTo).
func NewMoves[A Aggregate[F], F Fields[F], S State](svc *Service[A, F], field string,
	state func(A) S, move func(a A, to S, by string) error) Moves[A, F, S] {
	return Moves[A, F, S]{svc: svc, field: field, state: state, move: move}
}

// Move moves record id to state to for rep by, who started from version.
// A move depends only on where the record stands, so when someone saved
// since without moving it, the move is made on the newer version (every
// rule checked again) and the merge reported; when it was moved meanwhile
// it returns a *conflict.Error whose Wanted is to's label.
func (m Moves[A, F, S]) Move(ctx context.Context, by string, id, version int64, to S) (Saved[A], error) {
	var events []domain.Event
	a, merge, err := conflict.MoveMerging(ctx, conflict.Mover[A, F]{
		ID: id, Reader: m.svc.repo, Field: m.field, Wanted: to.Label(),
		Same: m.same,
		Changed: func(versions []A) []string {
			fields := make([]F, len(versions))
			for i, a := range versions {
				fields[i] = a.Fields()
			}
			return domain.ChangedAlong(m.svc.fields, fields)
		},
		Move: func(ctx context.Context, version int64) (A, error) {
			return m.svc.repo.Update(ctx, id, version, recording(&events, m.apply(to, by)))
		},
	}, version)
	var c *conflict.Error[A, F]
	if errors.As(err, &c) && m.state(c.Current) == to && c.Current.UpdatedBy() == by {
		// The rep's own move, sent twice (a double click): it is made.
		return Saved[A]{Record: c.Current}, nil
	}
	if err != nil {
		return Saved[A]{}, fmt.Errorf("move %s %d to %s: %w", m.svc.kind, id, to, deletedMeanwhile[A, F](err))
	}
	if merge != nil {
		merge.Applied = append(merge.Applied, m.carries...)
	}
	return saved(a, merge, events), nil
}

// SaveAndMove saves the fields f that rep by typed and moves record id to
// state to, in one write, for a rep who started from version: a move made
// from a form the rep was typing in keeps what they typed. It merges as
// Service.Save does, and only onto versions that were not moved since;
// otherwise it returns a *conflict.Error holding the comparison of the
// fields, whose Wanted is to's label.
func (m Moves[A, F, S]) SaveAndMove(ctx context.Context, by string, id, version int64, f F, to S) (Saved[A], error) {
	f = f.Normalize()
	var events []domain.Event
	a, merge, err := conflict.SaveMerging(ctx, conflict.Saver[A, F]{
		ID: id, Reader: m.svc.repo, Fields: A.Fields, Compare: m.svc.compare,
		Same: func(a, b A) bool { return m.state(a) == m.state(b) },
		Save: func(ctx context.Context, version int64, f F) (A, error) {
			return m.svc.repo.Update(ctx, id, version, recording(&events, func(a A) (bool, error) {
				if _, err := a.Edit(f, by); err != nil {
					return false, err
				}
				return true, m.move(a, to, by)
			}))
		},
	}, version, f)
	var c *conflict.Error[A, F]
	if errors.As(err, &c) {
		if m.state(c.Current) == to && c.Current.UpdatedBy() == by && len(c.Compare.Conflicts) == 0 && len(c.Compare.Yours) == 0 {
			// The rep's own save and move, sent twice: everything the rep
			// asked for is saved already.
			return Saved[A]{Record: c.Current}, nil
		}
		c.Wanted = to.Label()
	}
	if err != nil {
		return Saved[A]{}, fmt.Errorf("save and move %s %d to %s: %w", m.svc.kind, id, to, deletedMeanwhile[A, F](err))
	}
	if merge != nil {
		merge.Applied = append(merge.Applied, m.field)
	}
	return saved(a, merge, events), nil
}

// MoveAt moves a, the record as the caller read it, to state to for rep
// by at exactly its version; see Service.Update for why it never merges
// and does not read the record again.
func (m Moves[A, F, S]) MoveAt(ctx context.Context, by string, a A, to S) (A, error) {
	id := a.ID()
	moved, err := m.svc.repo.UpdateLoaded(ctx, a, m.apply(to, by))
	if err != nil {
		err = conflict.Explain(ctx, m.svc.repo, err, func(c *conflict.Error[A, F]) { c.Wanted = to.Label() })
		return moved, fmt.Errorf("move %s %d to %s: %w", m.svc.kind, id, to, err)
	}
	return moved, nil
}

// apply is the apply step of a move: it always changes the record.
func (m Moves[A, F, S]) apply(to S, by string) func(A) (bool, error) {
	return func(a A) (bool, error) { return true, m.move(a, to, by) }
}
