package conflict_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/usecase/conflict"
)

// card is a stand-in aggregate with three text fields.
type card struct {
	version int64
	by      string
	f       cardFields
}

func (c *card) Version() int64    { return c.version }
func (c *card) UpdatedBy() string { return c.by }

type cardFields struct{ A, B, C string }

var cardFieldNames = []string{"a", "b", "c"}

func (f cardFields) Get(name string) string {
	return map[string]string{"a": f.A, "b": f.B, "c": f.C}[name]
}

func (f cardFields) WithField(name string, src cardFields) cardFields {
	switch name {
	case "a":
		f.A = src.A
	case "b":
		f.B = src.B
	case "c":
		f.C = src.C
	}
	return f
}

// board is an in-memory store of every version of one card, with a
// compare-and-swap save; others() lets a test make other reps save first.
type board struct {
	history   []cardFields // version n is history[n-1]
	savedBy   []string
	saves     int
	rule      func(cardFields) error // checked on every save, as domain rules are
	others    func(b *board, attempt int)
	forgetOld bool // Version answers not found, as for a forged version
}

// newBoard is a board whose card starts as f, and then has maria's saves
// of theirs, in order.
func newBoard(f cardFields, theirs ...cardFields) *board {
	b := &board{history: []cardFields{f}, savedBy: []string{"seed"}}
	for _, f := range theirs {
		b.by("maria", f)
	}
	return b
}

func (b *board) current() *card {
	n := len(b.history)
	return &card{version: int64(n), by: b.savedBy[n-1], f: b.history[n-1]}
}

func (b *board) Get(context.Context, int64) (*card, error) { return b.current(), nil }

func (b *board) Version(_ context.Context, _ int64, v int64) (*card, error) {
	if b.forgetOld || v < 1 || int(v) > len(b.history) {
		return nil, domain.ErrNotFound
	}
	return &card{version: v, by: b.savedBy[v-1], f: b.history[v-1]}, nil
}

func (b *board) Versions(ctx context.Context, id, from, to int64) ([]*card, error) {
	out := []*card{}
	for v := from; v <= to; v++ {
		if c, err := b.Version(ctx, id, v); err == nil {
			out = append(out, c)
		}
	}
	return out, nil
}

// try is the start of every compare-and-swap write: it counts the try,
// lets others save first, and refuses a version that is no longer current.
func (b *board) try(version int64) error {
	b.saves++
	if b.others != nil {
		b.others(b, b.saves)
	}
	if cur := b.current(); cur.version != version {
		return &domain.OptimisticLockError{Kind: "card", ID: 1, Expected: version, Actual: cur.version}
	}
	return nil
}

// check applies b.rule, if any, to f as it would be stored.
func (b *board) check(f cardFields) error {
	if b.rule == nil {
		return nil
	}
	return b.rule(f)
}

func (b *board) save(by string) func(context.Context, int64, cardFields) (*card, error) {
	return func(_ context.Context, version int64, f cardFields) (*card, error) {
		if err := b.try(version); err != nil {
			return nil, err
		}
		if err := b.check(f); err != nil {
			return nil, err
		}
		if f == b.current().f {
			return b.current(), nil // nothing changed: nothing written
		}
		b.by(by, f)
		return b.current(), nil
	}
}

// by saves f as rep by, directly.
func (b *board) by(by string, f cardFields) {
	b.history = append(b.history, f)
	b.savedBy = append(b.savedBy, by)
}

// othersKeepSaving makes someone save field c before every one of the
// rep's tries.
func (b *board) othersKeepSaving() {
	b.others = func(b *board, attempt int) {
		f := b.current().f
		f.C = "c" + string(rune('0'+attempt))
		b.by("maria", f)
	}
}

// cardConflict is the conflict error of a card write.
type cardConflict = conflict.Error[*card, cardFields]

func (b *board) saver(rep string) conflict.Saver[*card, cardFields] {
	return conflict.Saver[*card, cardFields]{
		ID: 1, Reader: b, Fields: func(c *card) cardFields { return c.f },
		Compare: func(base *cardFields, history []cardFields, yours cardFields) domain.ThreeWay[cardFields] {
			return domain.CompareHistory(cardFieldNames, base, history, yours)
		},
		Save: b.save(rep),
	}
}

// johnSaves is John's merging save of yours, from version 1.
func (b *board) johnSaves(t *testing.T, yours cardFields) (*card, *conflict.Merge, error) {
	return conflict.SaveMerging(t.Context(), b.saver("john"), 1, yours)
}

func TestSaveMerging(t *testing.T) {
	t.Parallel()
	start := cardFields{A: "a0", B: "b0", C: "c0"}

	t.Run("a fresh save is saved as it is, with no merge", func(t *testing.T) {
		t.Parallel()
		b := newBoard(start)
		got, merge, err := b.johnSaves(t, cardFields{A: "a1", B: "b0", C: "c0"})
		require.NoError(t, err)
		assert.Nil(t, merge)
		assert.Equal(t, int64(2), got.version)
		assert.Equal(t, 1, b.saves)
	})
	t.Run("disjoint fields merge onto the newer version", func(t *testing.T) {
		t.Parallel()
		b := newBoard(start, cardFields{A: "a0", B: "maria's b", C: "c0"})

		got, merge, err := b.johnSaves(t, cardFields{A: "john's a", B: "b0", C: "c0"})

		require.NoError(t, err)
		assert.Equal(t, cardFields{A: "john's a", B: "maria's b", C: "c0"}, got.f, "both changes kept")
		assert.Equal(t, int64(3), got.version)
		assert.Equal(t, &conflict.Merge{From: 1, Onto: 2, By: "maria", Kept: []string{"b"}, Applied: []string{"a"}}, merge)
		assert.Equal(t, 2, b.saves, "one stale try, one merged save")
	})
	t.Run("the same field changed differently is a conflict and nothing is saved", func(t *testing.T) {
		t.Parallel()
		b := newBoard(start, cardFields{A: "maria's a", B: "b0", C: "c0"})

		_, merge, err := b.johnSaves(t, cardFields{A: "john's a", B: "john's b", C: "c0"})

		var c *cardConflict
		require.ErrorAs(t, err, &c)
		assert.Nil(t, merge)
		assert.Equal(t, []string{"a"}, c.Compare.Conflicts)
		assert.Equal(t, []string{"b"}, c.Compare.Yours)
		assert.Equal(t, cardFields{A: "john's a", B: "john's b", C: "c0"}, c.Compare.Proposed)
		assert.Equal(t, &domain.OptimisticLockError{Kind: "card", ID: 1, Expected: 1, Actual: 2}, c.Lock)
		assert.Equal(t, "a0", c.Base.f.A)
		assert.Equal(t, "maria's a", c.Current.f.A)
		assert.True(t, domain.IsOptimisticLock(err))
		assert.Len(t, b.history, 2, "nothing saved")
	})
	t.Run("a field changed and changed back since is a conflict, not a silent overwrite", func(t *testing.T) {
		t.Parallel()
		// A→B→A: maria saves a1 from version 1, anna saves a0 again from
		// version 2, and john, still on version 1, types a2.
		b := newBoard(start, cardFields{A: "a1", B: "b0", C: "c0"})
		b.by("anna", start)

		_, merge, err := b.johnSaves(t, cardFields{A: "a2", B: "b0", C: "c0"})

		var c *cardConflict
		require.ErrorAs(t, err, &c, "anna's save of a0 was acknowledged and john never saw it")
		assert.Nil(t, merge)
		assert.Equal(t, []string{"a"}, c.Compare.Conflicts)
		assert.Equal(t, &domain.OptimisticLockError{Kind: "card", ID: 1, Expected: 1, Actual: 3}, c.Lock)
		assert.Len(t, b.history, 3, "nothing saved")
	})
	t.Run("a field changed and changed back since merges when you left it alone", func(t *testing.T) {
		t.Parallel()
		b := newBoard(start, cardFields{A: "a1", B: "b0", C: "c0"})
		b.by("anna", start)

		got, merge, err := b.johnSaves(t, cardFields{A: "a0", B: "john's b", C: "c0"})

		require.NoError(t, err)
		assert.Equal(t, cardFields{A: "a0", B: "john's b", C: "c0"}, got.f)
		assert.Equal(t, &conflict.Merge{From: 1, Onto: 3, By: "anna", Kept: []string{"a"}, Applied: []string{"b"}}, merge)
	})
	t.Run("the same change on both sides merges", func(t *testing.T) {
		t.Parallel()
		b := newBoard(start, cardFields{A: "same", B: "b0", C: "c0"})

		got, merge, err := b.johnSaves(t, cardFields{A: "same", B: "b0", C: "john's c"})

		require.NoError(t, err)
		assert.Equal(t, cardFields{A: "same", B: "b0", C: "john's c"}, got.f)
		assert.Equal(t, []string{"a"}, merge.Kept)
		assert.Equal(t, []string{"c"}, merge.Applied)
	})
	t.Run("identical changes only write nothing", func(t *testing.T) {
		t.Parallel()
		b := newBoard(start, cardFields{A: "same", B: "b0", C: "c0"})

		got, merge, err := b.johnSaves(t, cardFields{A: "same", B: "b0", C: "c0"})

		require.NoError(t, err)
		assert.Equal(t, int64(2), got.version, "no new version")
		assert.Empty(t, merge.Applied)
	})
	t.Run("a merged result that breaks a rule is refused", func(t *testing.T) {
		t.Parallel()
		b := newBoard(start, cardFields{A: "a0", B: "set", C: "c0"})
		rule := &domain.RuleError{Field: "a", Message: "a and b cannot both be set"}
		b.rule = func(f cardFields) error {
			if f.A == "set" && f.B == "set" {
				return rule
			}
			return nil
		}

		_, _, err := b.johnSaves(t, cardFields{A: "set", B: "b0", C: "c0"})

		assert.ErrorIs(t, err, rule)
		assert.Len(t, b.history, 2, "nothing saved")
	})
	t.Run("retries are bounded when others keep saving", func(t *testing.T) {
		t.Parallel()
		b := newBoard(start)
		b.othersKeepSaving()

		_, _, err := b.johnSaves(t, cardFields{A: "john's a", B: "b0", C: "c0"})

		var c *cardConflict
		require.ErrorAs(t, err, &c)
		assert.Equal(t, conflict.MaxSaveAttempts, b.saves)
		assert.Empty(t, c.Compare.Conflicts, "no field conflicts: the rep can simply save again")
		assert.Equal(t, "john's a", c.Compare.Proposed.A)
	})
	t.Run("an unknown starting version makes every difference a conflict", func(t *testing.T) {
		t.Parallel()
		b := newBoard(start, cardFields{A: "a0", B: "maria's b", C: "c0"})
		b.forgetOld = true

		_, _, err := b.johnSaves(t, cardFields{A: "john's a", B: "b0", C: "c0"})

		var c *cardConflict
		require.ErrorAs(t, err, &c)
		assert.ElementsMatch(t, []string{"a", "b"}, c.Compare.Conflicts)
		assert.Nil(t, c.Base)
	})
	t.Run("other errors pass through", func(t *testing.T) {
		t.Parallel()
		b := newBoard(start)
		s := b.saver("john")
		s.Save = func(context.Context, int64, cardFields) (*card, error) { return nil, domain.ErrUnavailable }
		_, _, err := conflict.SaveMerging(t.Context(), s, 1, start)
		assert.True(t, errors.Is(err, domain.ErrUnavailable))
	})
}

// move is the compare-and-swap move of the card's state, field a, to to
// on behalf of rep by: as a state machine does, it refuses a card already
// there, and b.rule is checked on the card as stored.
func (b *board) move(by, to string) func(context.Context, int64) (*card, error) {
	return func(_ context.Context, version int64) (*card, error) {
		if err := b.try(version); err != nil {
			return nil, err
		}
		f := b.current().f
		if f.A == to {
			return nil, &domain.RuleError{Field: "a", Message: "The card is already " + to + "."}
		}
		f.A = to
		if err := b.check(f); err != nil {
			return nil, err
		}
		b.by(by, f)
		return b.current(), nil
	}
}

// mover is rep's move of the card to to, which depends on field a only.
func (b *board) mover(rep, to string) conflict.Mover[*card, cardFields] {
	return conflict.Mover[*card, cardFields]{
		ID: 1, Reader: b,
		Same: func(a, b *card) bool { return a.f.A == b.f.A },
		Changed: func(versions []*card) []string {
			fields := make([]cardFields, len(versions))
			for i, c := range versions {
				fields[i] = c.f
			}
			return domain.ChangedAlong(cardFieldNames, fields)
		},
		Move:   b.move(rep, to),
		Field:  "a",
		Wanted: "Done",
	}
}

// johnMoves is John's merging move of the card to done, from version 1.
func (b *board) johnMoves(t *testing.T) (*card, *conflict.Merge, error) {
	return conflict.MoveMerging(t.Context(), b.mover("john", "done"), 1)
}

func TestMoveMerging(t *testing.T) {
	t.Parallel()
	start := cardFields{A: "todo", B: "b0", C: "c0"}

	t.Run("a fresh move is made as it is, with no merge", func(t *testing.T) {
		t.Parallel()
		b := newBoard(start)

		got, merge, err := b.johnMoves(t)

		require.NoError(t, err)
		assert.Nil(t, merge)
		assert.Equal(t, int64(2), got.version)
		assert.Equal(t, cardFields{A: "done", B: "b0", C: "c0"}, got.f)
		assert.Equal(t, "john", got.by)
		assert.Equal(t, 1, b.saves)
	})
	t.Run("a move is made on a newer version whose state is unchanged", func(t *testing.T) {
		t.Parallel()
		b := newBoard(start, cardFields{A: "todo", B: "maria's b", C: "maria's c"})

		got, merge, err := b.johnMoves(t)

		require.NoError(t, err)
		assert.Equal(t, cardFields{A: "done", B: "maria's b", C: "maria's c"}, got.f, "maria's save kept")
		assert.Equal(t, int64(3), got.version)
		assert.Equal(t, &conflict.Merge{From: 1, Onto: 2, By: "maria", Kept: []string{"b", "c"}, Applied: []string{"a"}}, merge)
		assert.Equal(t, 2, b.saves, "one stale try, one merged move")
	})
	t.Run("a move is made on a newer version that saved nothing new", func(t *testing.T) {
		t.Parallel()
		b := newBoard(start, start)

		got, merge, err := b.johnMoves(t)

		require.NoError(t, err)
		assert.Equal(t, "done", got.f.A)
		require.NotNil(t, merge)
		assert.Empty(t, merge.Kept)
		assert.Equal(t, []string{"a"}, merge.Applied)
	})
	t.Run("a state changed meanwhile is a conflict and nothing is saved", func(t *testing.T) {
		t.Parallel()
		b := newBoard(start, cardFields{A: "doing", B: "b0", C: "c0"})

		got, merge, err := b.johnMoves(t)

		assert.Nil(t, got)
		assert.Nil(t, merge)
		var c *cardConflict
		require.ErrorAs(t, err, &c)
		assert.Equal(t, "Done", c.Wanted, "the state asked for, as reps read it")
		assert.Nil(t, c.Yours, "a move types no fields")
		assert.Empty(t, c.Compare.Conflicts)
		assert.Equal(t, &domain.OptimisticLockError{Kind: "card", ID: 1, Expected: 1, Actual: 2}, c.Lock)
		require.True(t, c.HasBase())
		assert.Equal(t, "todo", c.Base.f.A)
		assert.Equal(t, "doing", c.Current.f.A)
		assert.True(t, domain.IsOptimisticLock(err))
		assert.Len(t, b.history, 2, "nothing saved")
		assert.Equal(t, 1, b.saves, "no second try")
	})
	t.Run("a state moved and moved back since is a conflict", func(t *testing.T) {
		t.Parallel()
		// todo → lost → todo, then john's stale move from version 1.
		b := newBoard(start, cardFields{A: "lost", B: "b0", C: "c0"}, start)

		got, merge, err := b.johnMoves(t)

		assert.Nil(t, got)
		assert.Nil(t, merge)
		var c *cardConflict
		require.ErrorAs(t, err, &c, "someone moved it after john looked, even if it stands where he saw it")
		assert.Equal(t, int64(3), c.Current.version)
		assert.Len(t, b.history, 3, "nothing saved")
	})
	t.Run("kept lists what any version since changed", func(t *testing.T) {
		t.Parallel()
		b := newBoard(start, cardFields{A: "todo", B: "b1", C: "c0"}, cardFields{A: "todo", B: "b0", C: "c1"})

		_, merge, err := b.johnMoves(t)

		require.NoError(t, err)
		assert.Equal(t, []string{"b", "c"}, merge.Kept)
	})
	t.Run("an unknown starting version is a conflict even when the state looks the same", func(t *testing.T) {
		t.Parallel()
		b := newBoard(start, cardFields{A: "todo", B: "maria's b", C: "c0"})
		b.forgetOld = true

		_, merge, err := b.johnMoves(t)

		assert.Nil(t, merge)
		var c *cardConflict
		require.ErrorAs(t, err, &c)
		assert.False(t, c.HasBase())
		assert.Nil(t, c.Base)
		assert.Equal(t, "Done", c.Wanted)
		assert.Equal(t, int64(2), c.Current.version)
		assert.Len(t, b.history, 2, "nothing saved")
	})
	t.Run("retries are bounded when others keep saving", func(t *testing.T) {
		t.Parallel()
		b := newBoard(start)
		b.othersKeepSaving()

		_, merge, err := b.johnMoves(t)

		assert.Nil(t, merge)
		var c *cardConflict
		require.ErrorAs(t, err, &c)
		assert.Equal(t, conflict.MaxSaveAttempts, b.saves)
		assert.Equal(t, "Done", c.Wanted)
		assert.Equal(t, "todo", c.Current.f.A, "never moved")
		assert.Equal(t, int64(1), c.Lock.Expected, "the version the rep started from")
		assert.Equal(t, c.Current.version, c.Lock.Actual)
		assert.True(t, c.HasBase())
	})
	t.Run("other errors pass through", func(t *testing.T) {
		t.Parallel()
		rule := &domain.RuleError{Field: "a", Message: "A locked card stays where it is."}
		tests := []struct {
			name  string
			setup func(b *board, m *conflict.Mover[*card, cardFields])
			want  error
		}{
			{"a failing store", func(_ *board, m *conflict.Mover[*card, cardFields]) {
				m.Move = func(context.Context, int64) (*card, error) {
					return nil, fmt.Errorf("update card: %w", domain.ErrUnavailable)
				}
			}, domain.ErrUnavailable},
			{"a rule the newer version breaks", func(b *board, _ *conflict.Mover[*card, cardFields]) {
				b.by("maria", cardFields{A: "todo", B: "locked", C: "c0"})
				b.rule = func(f cardFields) error {
					if f.B == "locked" {
						return rule
					}
					return nil
				}
			}, rule},
			{"the card gone meanwhile", func(_ *board, m *conflict.Mover[*card, cardFields]) {
				m.Move = func(context.Context, int64) (*card, error) {
					return nil, &domain.NotFoundError{Kind: "card", ID: 1}
				}
			}, domain.ErrNotFound},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				b := newBoard(start)
				m := b.mover("john", "done")
				tt.setup(b, &m)
				saved := len(b.history)

				got, merge, err := conflict.MoveMerging(t.Context(), m, 1)

				assert.Nil(t, got)
				assert.Nil(t, merge)
				assert.ErrorIs(t, err, tt.want)
				var c *cardConflict
				assert.False(t, errors.As(err, &c), "no conflict")
				assert.Len(t, b.history, saved, "nothing saved")
			})
		}
	})
}
