package postgres_test

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/lead"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
)

// TestLeadStatusCounts_StayExactThroughSeedMovesDeletesAndRestoresAtOnce:
// the counts the list's tabs read are kept by the saves themselves; after
// a seed (COPY), reps moving, deleting and restoring leads at once, and a
// hard delete, they equal a recount.
func TestLeadStatusCounts_StayExactThroughSeedMovesDeletesAndRestoresAtOnce(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	_, err := postgres.Seed(ctx, db.Pool, 300, nil)
	require.NoError(t, err)
	requireExactCounts(t, db.Pool)

	repo := postgres.NewLeadRepository(db.Pool)
	var ids []int64
	rows, err := db.Pool.Query(ctx, `SELECT id FROM leads ORDER BY id LIMIT 40`)
	require.NoError(t, err)
	for rows.Next() {
		var id int64
		require.NoError(t, rows.Scan(&id))
		ids = append(ids, id)
	}
	require.NoError(t, rows.Err())

	var (
		wg      sync.WaitGroup
		written atomic.Int64
	)
	for rep := range 8 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(rep), 7))
			for range 40 {
				id := ids[rng.IntN(len(ids))]
				l, err := repo.Get(context.Background(), id)
				if err != nil {
					continue
				}
				// Refusals (a move the state machine forbids, a stale
				// version) write nothing, which is the point too.
				_, err = repo.Update(context.Background(), id, l.Version(), func(l *lead.Lead) (bool, error) {
					switch {
					case l.Deleted():
						return true, l.Undelete("rep")
					case rng.IntN(4) == 0:
						return true, l.Delete("rep")
					}
					return true, l.MoveTo(lead.Statuses[rng.IntN(len(lead.Statuses))], "rep")
				})
				if err == nil {
					written.Add(1)
				}
			}
		})
	}
	wg.Wait()
	assert.Greater(t, written.Load(), int64(100), "most writes went through, moving leads between statuses")
	_, err = db.Pool.Exec(ctx, `DELETE FROM leads WHERE id = $1`, ids[0])
	require.NoError(t, err)

	requireExactCounts(t, db.Pool)
}

// requireExactCounts compares lead_status_counts with a count of the live
// leads.
func requireExactCounts(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	var off int
	require.NoError(t, pool.QueryRow(t.Context(), `
		SELECT count(*) FROM (SELECT status, count(*) AS n FROM leads WHERE deleted_at IS NULL GROUP BY status) AS recount
		FULL JOIN lead_status_counts c USING (status)
		WHERE coalesce(recount.n, 0) <> coalesce(c.live, 0)`).Scan(&off))
	assert.Zero(t, off, "statuses whose kept count differs from a recount")
}
