package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/lead"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
)

// race has n savers start from version 1 of a fresh lead at the same moment,
// saver i applying apply(i), and checks the compare-and-swap lets exactly one
// through while every other gets the optimistic-lock error at version 2.
func race(t *testing.T, repo *postgres.LeadRepository, f lead.Fields, n int, apply func(i int) func(*lead.Lead) (bool, error)) {
	t.Helper()
	id := create(t, repo, f).ID()
	start := make(chan struct{})
	errs := make([]error, n)
	saved := make([]*lead.Lead, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			saved[i], errs[i] = repo.Update(t.Context(), id, 1, apply(i))
		})
	}
	close(start)
	wg.Wait()

	winner := -1
	for i, err := range errs {
		if err == nil {
			require.Equal(t, -1, winner, "savers %d and %d both won", winner, i)
			winner = i
			continue
		}
		lockErr, ok := domain.AsOptimisticLock(err)
		require.True(t, ok, "saver %d: want an optimistic-lock error, got %v", i, err)
		assert.Equal(t, domain.OptimisticLockError{Kind: lead.Kind, ID: id, Expected: 1, Actual: 2}, *lockErr)
	}
	require.NotEqual(t, -1, winner, "nobody won")
	got, err := repo.Get(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Version())
	assert.Equal(t, saved[winner].Snapshot(), got.Snapshot(), "the winner's save is what is stored")
}

func TestLeadRepository_ConcurrentSavesFromOneVersionLetExactlyOneWin(t *testing.T) {
	t.Parallel()
	repo := newRepo(t)
	for range 100 {
		race(t, repo, ada(), 10, func(i int) func(*lead.Lead) (bool, error) {
			return setScore(i, "rep")
		})
	}
}

func TestLeadRepository_ConcurrentStatusMovesFromOneVersionLetExactlyOneWin(t *testing.T) {
	t.Parallel()
	repo := newRepo(t)
	moves := []lead.Status{lead.StatusContacted, lead.StatusLost}
	for range 100 {
		race(t, repo, ada(), 10, func(i int) func(*lead.Lead) (bool, error) {
			return moveTo(moves[i%len(moves)])
		})
	}
}

// The tests below make another save land between Update's read and its
// compare-and-swap, from inside apply, to pin down how the miss is reported.

func TestLeadRepository_SaveThatLandsAfterTheReadWins(t *testing.T) {
	t.Parallel()
	repo := newRepo(t)
	id := create(t, repo, ada()).ID()

	_, err := repo.Update(t.Context(), id, 1, func(l *lead.Lead) (bool, error) {
		_, err := repo.Update(t.Context(), id, 1, setScore(90, "ana"))
		require.NoError(t, err)
		return setScore(10, "bruno")(l)
	})

	lockErr, ok := domain.AsOptimisticLock(err)
	require.True(t, ok, "want an optimistic-lock error, got %v", err)
	assert.Equal(t, domain.OptimisticLockError{Kind: lead.Kind, ID: id, Expected: 1, Actual: 2}, *lockErr)
	got, err := repo.Get(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, 90, got.Fields().Score)
}

// TestLeadRepository_SaveThatWaitsOnAConcurrentWriterReportsItsVersion is the
// READ COMMITTED case a single UPDATE-plus-fallback-SELECT statement gets
// wrong: the compare-and-swap blocks on a writer that commits later, and the
// conflict must report the version that writer committed, not the old one.
func TestLeadRepository_SaveThatWaitsOnAConcurrentWriterReportsItsVersion(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	repo := postgres.NewLeadRepository(db.Pool)
	id := create(t, repo, ada()).ID()
	committed := make(chan error, 1)

	_, err := repo.Update(t.Context(), id, 1, func(l *lead.Lead) (bool, error) {
		tx, err := db.Pool.Begin(t.Context())
		require.NoError(t, err)
		_, err = tx.Exec(t.Context(), `UPDATE leads SET score = 90, version = version + 1 WHERE id = $1`, id)
		require.NoError(t, err)
		go func() {
			time.Sleep(300 * time.Millisecond) // long enough for the CAS to block on the row
			committed <- tx.Commit(context.Background())
		}()
		return setScore(10, "bruno")(l)
	})

	require.NoError(t, <-committed)
	lockErr, ok := domain.AsOptimisticLock(err)
	require.True(t, ok, "want an optimistic-lock error, got %v", err)
	assert.Equal(t, int64(1), lockErr.Expected)
	assert.Equal(t, int64(2), lockErr.Actual)
}

func TestLeadRepository_LeadDeletedAfterTheReadIsNotFound(t *testing.T) {
	t.Parallel()
	repo := newRepo(t)
	id := create(t, repo, ada()).ID()

	_, err := repo.Update(t.Context(), id, 1, func(l *lead.Lead) (bool, error) {
		require.NoError(t, repo.Delete(t.Context(), id, 1))
		return setScore(10, "bruno")(l)
	})

	assert.ErrorIs(t, err, domain.ErrNotFound)
}
