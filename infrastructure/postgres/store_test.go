package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/lead"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
)

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
