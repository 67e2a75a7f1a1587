package conflict

import (
	"context"

	"crm/domain"
)

// MaxSaveAttempts bounds how often a merging write is tried. Every round of
// contention lets at least one saver through, so this many reps saving
// different fields of one aggregate at the same instant all land; beyond it
// the rep sees the comparison instead of waiting on an endless retry.
const MaxSaveAttempts = 10

// Merge tells a rep what happened to a write that started from an old
// version and was merged instead of refused: their change was applied on
// top of the version saved since, keeping the other changes.
type Merge struct {
	From int64  // the version the rep started from
	Onto int64  // the version their change was applied to
	By   string // who saved Onto
	// Kept lists the fields others changed, kept as they saved them;
	// Applied the rep's own changes. A field both changed to the same
	// value is in Kept.
	Kept    []string
	Applied []string
}

// Aggregate is what a merging write needs to know of an aggregate.
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

// SaveMerging saves yours, typed by a rep who started from version. When
// someone saved since, it compares the three versions: if no field was
// changed differently on both sides, it saves the merged fields onto the
// newer version (whose rules are checked again by Save) and reports the
// merge; otherwise it returns an *Error with the comparison. Any other
// error passes through.
func SaveMerging[A Aggregate, F domain.FieldSet[F]](ctx context.Context, s Saver[A, F], version int64, yours F) (A, *Merge, error) {
	var (
		proposed = yours
		cmp      domain.ThreeWay[F]
		merge    *Merge
	)
	saved, lost, err := retry(ctx, s.Reader, s.ID, version,
		func(ctx context.Context, target int64) (A, error) { return s.Save(ctx, target, proposed) },
		func(base *A, current A) bool {
			var baseFields *F
			if base != nil {
				f := s.Fields(*base)
				baseFields = &f
			}
			cmp = s.Compare(baseFields, s.Fields(current), yours)
			proposed = cmp.Proposed
			merge = &Merge{From: version, Onto: current.Version(), By: current.UpdatedBy(), Kept: cmp.Theirs, Applied: cmp.Yours}
			return !cmp.HasConflicts()
		})
	switch {
	case lost != nil:
		return saved, nil, &Error[A, F]{Versions: *lost, Yours: &yours, Compare: cmp}
	case err != nil:
		return saved, nil, err
	}
	return saved, merge, nil
}

// Mover describes one aggregate's merging move, or any write whose outcome
// depends on part of the aggregate only, as a move depends on where the
// aggregate stands in its state machine.
type Mover[A Aggregate, F any] struct {
	ID     int64
	Reader Reader[A]
	// Same reports whether what the move depends on is the same in current
	// as in base, the version the rep started from: then the move can be
	// made on current as the rep made it on base.
	Same func(base, current A) bool
	// Changed lists the fields that differ from base to current, for the
	// report of a merge.
	Changed func(base, current A) []string
	// Move is the compare-and-swap move at version, which applies the state
	// machine and every rule to the aggregate as stored.
	Move func(ctx context.Context, version int64) (A, error)
	// Field names what the move changes, for the report of a merge.
	Field string
	// Wanted is the state asked for, as reps read it, for a conflict.
	Wanted string
}

// MoveMerging moves the aggregate for a rep who started from version. When
// someone saved since without changing what the move depends on, the move
// is made on the newer version (its rules checked again) and the merge
// reported. When it was moved meanwhile, or the starting version is
// unknown, it returns an *Error: the rep must look again before choosing.
func MoveMerging[A Aggregate, F any](ctx context.Context, m Mover[A, F], version int64) (A, *Merge, error) {
	var merge *Merge
	moved, lost, err := retry(ctx, m.Reader, m.ID, version, m.Move, func(base *A, current A) bool {
		if base == nil || !m.Same(*base, current) {
			return false
		}
		merge = &Merge{From: version, Onto: current.Version(), By: current.UpdatedBy(),
			Kept: m.Changed(*base, current), Applied: []string{m.Field}}
		return true
	})
	switch {
	case lost != nil:
		return moved, nil, &Error[A, F]{Versions: *lost, Wanted: m.Wanted}
	case err != nil:
		return moved, nil, err
	}
	return moved, merge, nil
}

// retry is the loop every merging write shares. It writes at version and,
// each time the compare-and-swap loses to a save made since, reads the
// aggregate as saved now (and, once, as it was at version) and asks rebase
// whether the write may be made again on top of it; rebase prepares that
// next try. When rebase says no, or after MaxSaveAttempts tries, it
// returns the Versions of the conflict. Errors other than a lost
// compare-and-swap end the loop as they are.
func retry[A Aggregate](ctx context.Context, r Reader[A], id, version int64,
	write func(ctx context.Context, target int64) (A, error),
	rebase func(base *A, current A) bool,
) (A, *Versions[A], error) {
	var (
		zero     A
		base     *A
		baseRead bool
		target   = version
	)
	for attempt := 1; ; attempt++ {
		saved, err := write(ctx, target)
		if err == nil {
			return saved, nil, nil
		}
		lock, stale := domain.AsOptimisticLock(err)
		if !stale {
			return zero, nil, err
		}
		current, err := r.Get(ctx, id)
		if err != nil {
			return zero, nil, err
		}
		if !baseRead {
			if base, err = readBase(ctx, r, id, version); err != nil {
				return zero, nil, err
			}
			baseRead = true
		}
		// rebase runs first even on the last attempt: a conflict carries
		// the comparison it makes.
		if !rebase(base, current) || attempt >= MaxSaveAttempts {
			v := &Versions[A]{Current: current,
				Lock: &domain.OptimisticLockError{Kind: lock.Kind, ID: id, Expected: version, Actual: current.Version()}}
			v.setBase(base)
			return zero, v, nil
		}
		target = current.Version()
	}
}
