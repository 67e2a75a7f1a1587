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
	// Combined lists the multi-line text fields both changed in different
	// lines, saved with both edits (see domain.MergeLines).
	Combined []string
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
	// Compare is the aggregate's comparison of yours with base and every
	// version saved since (history, oldest first); see
	// domain.CompareHistory.
	Compare func(base *F, history []F, yours F) domain.ThreeWay[F]
	// Save is the compare-and-swap save of f at version, which re-checks
	// every domain rule on the aggregate as stored.
	Save func(ctx context.Context, version int64, f F) (A, error)
	// Same, when set, is what the save depends on besides the fields, as a
	// save that also moves depends on where the aggregate stands: the save
	// is merged onto a newer version only if Same holds between every two
	// versions since the rep's.
	Same func(a, b A) bool
}

// SaveMerging saves yours, typed by a rep who started from version. When
// someone saved since, it compares yours with the version the rep started
// from and every version saved since: if no field the rep changed was
// changed by anyone else in any of them, it saves the merged fields onto
// the newest version (whose rules are checked again by Save) and reports
// the merge; otherwise it returns an *Error with the comparison. Any other
// error passes through.
func SaveMerging[A Aggregate, F domain.FieldSet[F]](ctx context.Context, s Saver[A, F], version int64, yours F) (A, *Merge, error) {
	var (
		proposed = yours
		cmp      domain.ThreeWay[F]
		merge    *Merge
	)
	saved, lost, err := retry(ctx, s.Reader, s.ID, version,
		func(ctx context.Context, target int64) (A, error) { return s.Save(ctx, target, proposed) },
		func(base *A, history []A) bool {
			var baseFields *F
			if base != nil {
				f := s.Fields(*base)
				baseFields = &f
			}
			fields := make([]F, len(history))
			for i, a := range history {
				fields[i] = s.Fields(a)
			}
			cmp = s.Compare(baseFields, fields, yours)
			proposed = cmp.Proposed
			current := history[len(history)-1]
			merge = &Merge{From: version, Onto: current.Version(), By: current.UpdatedBy(), Kept: cmp.Theirs, Applied: cmp.Yours, Combined: cmp.Combined}
			return !cmp.HasConflicts() && (s.Same == nil || sameAlong(s.Same, base, history))
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
	// Same reports whether what the move depends on is the same in two
	// versions. When it is the same in the version the rep started from
	// and in every version since, the move can be made on the newest as
	// the rep made it on theirs.
	Same func(a, b A) bool
	// Changed lists the fields that any of versions (oldest first)
	// changed, for the report of a merge.
	Changed func(versions []A) []string
	// Move is the compare-and-swap move at version, which applies the state
	// machine and every rule to the aggregate as stored.
	Move func(ctx context.Context, version int64) (A, error)
	// Field names what the move changes, for the report of a merge.
	Field string
	// Wanted is the state asked for, as reps read it, for a conflict.
	Wanted string
}

// MoveMerging moves the aggregate for a rep who started from version. When
// someone saved since without changing what the move depends on in any
// version, the move is made on the newest (its rules checked again) and
// the merge reported. When it was moved meanwhile, even moved back, or the
// starting version is unknown, it returns an *Error: the rep must look
// again before choosing.
func MoveMerging[A Aggregate, F any](ctx context.Context, m Mover[A, F], version int64) (A, *Merge, error) {
	var merge *Merge
	moved, lost, err := retry(ctx, m.Reader, m.ID, version, m.Move, func(base *A, history []A) bool {
		if !sameAlong(m.Same, base, history) {
			return false
		}
		current := history[len(history)-1]
		merge = &Merge{From: version, Onto: current.Version(), By: current.UpdatedBy(),
			Kept: m.Changed(append([]A{*base}, history...)), Applied: []string{m.Field}}
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

// sameAlong reports whether same holds between base and the first version
// of history and between every two versions after: false when base is
// unknown, as nobody can tell then.
func sameAlong[A any](same func(a, b A) bool, base *A, history []A) bool {
	if base == nil {
		return false
	}
	prev := *base
	for _, a := range history {
		if !same(prev, a) {
			return false
		}
		prev = a
	}
	return true
}

// retry is the loop every merging write shares. It writes at version and,
// each time the compare-and-swap loses to a save made since, reads the
// aggregate as saved now and every version from the rep's to it, and asks
// rebase whether the write may be made again on top of the newest; rebase
// gets the version the rep started from (nil when it was never saved) and
// those saved since, oldest first, the newest last, and prepares that next
// try. When rebase says no, or after MaxSaveAttempts tries, it returns the
// Versions of the conflict. Errors other than a lost compare-and-swap end
// the loop as they are.
func retry[A Aggregate](ctx context.Context, r Reader[A], id, version int64,
	write func(ctx context.Context, target int64) (A, error),
	rebase func(base *A, history []A) bool,
) (A, *Versions[A], error) {
	var zero A
	target := version
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
		base, history, err := since(ctx, r, id, version, current)
		if err != nil {
			return zero, nil, err
		}
		// rebase runs first even on the last attempt: a conflict carries
		// the comparison it makes.
		if !rebase(base, history) || attempt >= MaxSaveAttempts {
			v := &Versions[A]{Current: current,
				Lock: &domain.OptimisticLockError{Kind: lock.Kind, ID: id, Expected: version, Actual: current.Version()}}
			v.setBase(base)
			return zero, v, nil
		}
		target = current.Version()
	}
}

// since reads the version a rep started from (nil when it was never saved)
// and every version saved after it up to current, oldest first, current
// last. A version the rep could not have seen (one from the future) leaves
// the base unknown and the history only current.
func since[A Aggregate](ctx context.Context, r Reader[A], id, version int64, current A) (*A, []A, error) {
	if version < 1 || version >= current.Version() {
		return nil, []A{current}, nil
	}
	versions, err := r.Versions(ctx, id, version, current.Version())
	if err != nil {
		return nil, nil, err
	}
	if len(versions) == 0 || versions[0].Version() != version {
		return nil, []A{current}, nil
	}
	var history []A
	for _, v := range versions[1:] {
		if v.Version() < current.Version() {
			history = append(history, v)
		}
	}
	return &versions[0], append(history, current), nil
}
