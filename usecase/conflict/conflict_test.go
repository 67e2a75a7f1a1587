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

// saved is a stand-in aggregate: the text it held at each version.
type saved struct {
	id      int64
	version int64
	text    string
}

// store is an in-memory Reader over a history of versions.
type store struct {
	versions   map[int64]string // version → text
	current    int64
	getErr     error
	versionErr error
}

func (s *store) Get(_ context.Context, id int64) (*saved, error) {
	if s.getErr != nil {
		return nil, s.getErr
	}
	return &saved{id: id, version: s.current, text: s.versions[s.current]}, nil
}

func (s *store) Versions(ctx context.Context, id, from, to int64) ([]*saved, error) {
	var out []*saved
	for v := from; v <= to; v++ {
		if got, err := s.Version(ctx, id, v); err == nil {
			out = append(out, got)
		}
	}
	return out, nil
}

func (s *store) Version(_ context.Context, id, version int64) (*saved, error) {
	if s.versionErr != nil {
		return nil, s.versionErr
	}
	text, ok := s.versions[version]
	if !ok {
		return nil, domain.ErrNotFound
	}
	return &saved{id: id, version: version, text: text}, nil
}

func stale(expected, actual int64) error {
	return fmt.Errorf("update thing 7: %w", &domain.OptimisticLockError{Kind: "thing", ID: 7, Expected: expected, Actual: actual})
}

func history() *store {
	return &store{versions: map[int64]string{1: "first", 2: "second", 3: "third"}, current: 3}
}

// explain is conflict.Explain for the stand-in aggregate, which has no
// fields: it returns the *conflict.Error it made, or the error it returned.
func explain(s *store, err error, complete func(*conflict.Error[*saved, string])) (*conflict.Error[*saved, string], error) {
	err = conflict.Explain(context.Background(), s, err, complete)
	var c *conflict.Error[*saved, string]
	if errors.As(err, &c) {
		return c, nil
	}
	return nil, err
}

func TestExplain_readsTheVersionNowAndTheOneTheRepStartedFrom(t *testing.T) {
	t.Parallel()

	v, err := explain(history(), stale(1, 2), nil)

	require.NoError(t, err)
	assert.Equal(t, &saved{id: 7, version: 3, text: "third"}, v.Current, "the version saved now, even past the one the save met")
	assert.Equal(t, &saved{id: 7, version: 1, text: "first"}, v.Base)
	assert.True(t, v.HasBase())
	assert.Equal(t, domain.OptimisticLockError{Kind: "thing", ID: 7, Expected: 1, Actual: 2}, *v.Lock)
	lock, ok := domain.AsOptimisticLock(v)
	require.True(t, ok, "the conflict is an error that unwraps to the lock")
	assert.Same(t, v.Lock, lock)
	assert.Equal(t, v.Lock.Error(), v.Error())
}

func TestExplain_completeAddsWhatTheWriteKnows(t *testing.T) {
	t.Parallel()

	v, err := explain(history(), stale(1, 2), func(c *conflict.Error[*saved, string]) { c.Wanted = "Contacted" })

	require.NoError(t, err)
	assert.Equal(t, "Contacted", v.Wanted)
	found, ok := conflict.VersionsOf[*saved](fmt.Errorf("move thing 7: %w", v))
	require.True(t, ok, "VersionsOf finds the conflict whatever its field type")
	assert.Same(t, &v.Versions, found)
}

func TestExplain_aVersionNeverSavedLeavesTheBaseUnknown(t *testing.T) {
	t.Parallel()

	v, err := explain(history(), stale(9, 3), nil)

	require.NoError(t, err)
	assert.Nil(t, v.Base)
	assert.False(t, v.HasBase())
	assert.Equal(t, "third", v.Current.text)
}

func TestExplain_otherErrorsPassThrough(t *testing.T) {
	t.Parallel()
	rule := &domain.RuleError{Message: "No."}
	for _, in := range []error{rule, domain.ErrNotFound, errors.New("boom")} {
		t.Run(in.Error(), func(t *testing.T) {
			t.Parallel()
			v, err := explain(history(), in, nil)
			assert.Nil(t, v)
			assert.Same(t, in, err)
		})
	}
}

func TestExplain_aFailedReadWins(t *testing.T) {
	t.Parallel()
	down := fmt.Errorf("select: %w", domain.ErrUnavailable)
	t.Run("reading the aggregate now", func(t *testing.T) {
		t.Parallel()
		s := history()
		s.getErr = domain.ErrNotFound

		v, err := explain(s, stale(1, 2), nil)

		assert.Nil(t, v)
		assert.ErrorIs(t, err, domain.ErrNotFound)
		assert.False(t, domain.IsOptimisticLock(err))
	})
	t.Run("reading the version the rep started from", func(t *testing.T) {
		t.Parallel()
		s := history()
		s.versionErr = down

		v, err := explain(s, stale(1, 2), nil)

		assert.Nil(t, v)
		assert.ErrorIs(t, err, domain.ErrUnavailable)
	})
}
