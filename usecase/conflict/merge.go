package conflict

import (
	"context"
	"errors"

	"crm/domain"
)

// MaxSaveAttempts bounds how often a merging save is tried. Every round of
// contention lets at least one saver through, so this many reps saving
// different fields of one aggregate at the same instant all land; beyond it
// the rep sees the comparison instead of waiting on an endless retry.
const MaxSaveAttempts = 10

// Merge tells a rep what happened to a save that started from an old
// version and was merged instead of refused: their changes were applied on
// top of the version saved since, keeping the other changes.
type Merge struct {
	From int64  // the version the rep started from
	Onto int64  // the version their changes were applied to
	By   string // who saved Onto
	// Kept lists the fields others changed, kept as they saved them;
	// Applied the rep's own changes. A field both changed to the same
	// value is in Kept.
	Kept    []string
	Applied []string
}

// Aggregate is what a merging save needs to know of an aggregate.
type Aggregate interface {
	Version() int64
	UpdatedBy() string
}

// Saver describes one aggregate's merging save.
type Saver[A Aggregate, F domain.FieldSet[F]] struct {
	ID     int64
	Reader Reader[A]
	// Fields returns the aggregate's editable fields.
	Fields func(A) F
	// Compare is the aggregate's three-way comparison.
	Compare func(base *F, theirs, yours F) domain.ThreeWay[F]
	// Save is the compare-and-swap save of f at version, which re-checks
	// every domain rule on the aggregate as stored.
	Save func(ctx context.Context, version int64, f F) (A, error)
}

// Conflict is a merging save that could not merge: both sides changed a
// field, the starting version is unknown, or others kept saving past
// MaxSaveAttempts. Compare holds the comparison the rep resolves.
type Conflict[A any, F any] struct {
	Versions[A]
	Compare domain.ThreeWay[F]
}

// SaveMerging saves yours, typed by a rep who started from version. When
// someone saved since, it compares the three versions: if no field was
// changed differently on both sides, it saves the merged fields onto the
// newer version (whose rules are checked again by Save) and reports the
// merge; otherwise it returns a *Conflict. Any other error passes through.
func SaveMerging[A Aggregate, F domain.FieldSet[F]](ctx context.Context, s Saver[A, F], version int64, yours F) (A, *Merge, error) {
	var (
		zero     A
		base     *A // the version the rep started from, read once
		merge    *Merge
		target   = version
		proposed = yours
	)
	for attempt := 1; ; attempt++ {
		saved, err := s.Save(ctx, target, proposed)
		if err == nil {
			return saved, merge, nil
		}
		lock, stale := domain.AsOptimisticLock(err)
		if !stale {
			return zero, nil, err
		}
		current, err := s.Reader.Get(ctx, s.ID)
		if err != nil {
			return zero, nil, err
		}
		if base == nil {
			b, err := s.Reader.Version(ctx, s.ID, version)
			switch {
			case err == nil:
				base = &b
			case !errors.Is(err, domain.ErrNotFound):
				return zero, nil, err
			}
		}
		var baseFields *F
		if base != nil {
			f := s.Fields(*base)
			baseFields = &f
		}
		cmp := s.Compare(baseFields, s.Fields(current), yours)
		if cmp.HasConflicts() || attempt >= MaxSaveAttempts {
			c := &Conflict[A, F]{Compare: cmp, Versions: Versions[A]{Current: current,
				Lock: &domain.OptimisticLockError{Kind: lock.Kind, ID: s.ID, Expected: version, Actual: current.Version()}}}
			if base != nil {
				c.Base = *base
			}
			return zero, nil, c
		}
		target, proposed = current.Version(), cmp.Proposed
		merge = &Merge{From: version, Onto: target, By: current.UpdatedBy(), Kept: cmp.Theirs, Applied: cmp.Yours}
	}
}

// Mover describes one aggregate's merging move through its state machine
// (a lead's status, a deal's stage).
type Mover[A Aggregate, S comparable] struct {
	ID     int64
	Reader Reader[A]
	// State returns where the aggregate stands in its state machine.
	State func(A) S
	// Changed lists the fields that differ from base to current, for the
	// report of a merge.
	Changed func(base, current A) []string
	// Move is the compare-and-swap move at version, which applies the state
	// machine and every rule to the aggregate as stored.
	Move func(ctx context.Context, version int64) (A, error)
}

// MoveMerging moves the aggregate for a rep who started from version. A
// move depends only on where the aggregate stands, so when someone saved
// since without moving it, the move is made on the newer version (its
// rules checked again) and the merge reported. When it was moved meanwhile,
// or the starting version is unknown, it returns a *Versions: the rep must
// look again before choosing.
func MoveMerging[A Aggregate, S comparable](ctx context.Context, m Mover[A, S], version int64) (A, *Merge, error) {
	var (
		zero   A
		base   *A
		merge  *Merge
		target = version
	)
	for attempt := 1; ; attempt++ {
		moved, err := m.Move(ctx, target)
		if err == nil {
			return moved, merge, nil
		}
		lock, stale := domain.AsOptimisticLock(err)
		if !stale {
			return zero, nil, err
		}
		current, err := m.Reader.Get(ctx, m.ID)
		if err != nil {
			return zero, nil, err
		}
		if base == nil {
			b, err := m.Reader.Version(ctx, m.ID, version)
			switch {
			case err == nil:
				base = &b
			case !errors.Is(err, domain.ErrNotFound):
				return zero, nil, err
			}
		}
		if base == nil || m.State(*base) != m.State(current) || attempt >= MaxSaveAttempts {
			v := &Versions[A]{Current: current,
				Lock: &domain.OptimisticLockError{Kind: lock.Kind, ID: m.ID, Expected: version, Actual: current.Version()}}
			if base != nil {
				v.Base = *base
			}
			return zero, nil, v
		}
		target = current.Version()
		merge = &Merge{From: version, Onto: target, By: current.UpdatedBy(), Kept: m.Changed(*base, current)}
	}
}
