package postgres_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/deal"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
)

// requireExactStageDays compares deal_stage_days with a recount of the
// live deals by owner, stage and the UTC day they entered it.
func requireExactStageDays(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	var off, kept int
	require.NoError(t, pool.QueryRow(t.Context(), `
		WITH recount AS (
			SELECT coalesce(d.owner_id, 0) AS owner_id, d.stage, (m.stage_since AT TIME ZONE 'UTC')::date AS day, count(*) AS n
			FROM deals d JOIN deal_marks m ON m.deal_id = d.id
			WHERE d.deleted_at IS NULL GROUP BY 1, 2, 3)
		SELECT count(*) FILTER (WHERE coalesce(r.n, 0) <> coalesce(c.deals, 0)), count(c.deals)
		FROM recount r FULL JOIN deal_stage_days c USING (owner_id, stage, day)`).Scan(&off, &kept))
	assert.Zero(t, off, "days whose kept count differs from a recount")
	assert.NotZero(t, kept)
}

// TestDealStageDays_StayExactThroughSeedMovesOwnersDeletesRestoresAndPurges:
// the daily counts the dashboard's won and lost read are kept by the saves
// themselves; after a seed (COPY), reps moving deals, giving them to each
// other, deleting and restoring them at once (without a deadlock), a hard
// delete and a purge, they equal a recount.
func TestDealStageDays_StayExactThroughSeedMovesOwnersDeletesRestoresAndPurges(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	pool := db.Pool
	owners := []int64{insertUser(t, pool, "maria"), insertUser(t, pool, "john"), 0}
	_, _, err := postgres.SeedRecords(ctx, pool, 20, 60)
	require.NoError(t, err)
	requireExactStageDays(t, pool)

	var ids []int64
	rows, err := pool.Query(ctx, `SELECT id FROM deals ORDER BY id LIMIT 30`)
	require.NoError(t, err)
	for rows.Next() {
		var id int64
		require.NoError(t, rows.Scan(&id))
		ids = append(ids, id)
	}
	require.NoError(t, rows.Err())

	repo := postgres.NewDealRepository(pool)
	gate := deal.Gate{ExpectedClose: domain.DateOf(time.Now().AddDate(0, 1, 0)), ClosedOn: domain.DateOf(time.Now())}
	written := make([]int, 8)
	atOnce(8, func(rep int) {
		rng := rand.New(rand.NewPCG(uint64(rep), 11))
		for range 40 {
			id := ids[rng.IntN(len(ids))]
			d, err := repo.Get(context.Background(), id)
			if err != nil {
				continue
			}
			// Refusals (a move the stages forbid, a stale version)
			// write nothing, which is the point too.
			_, err = repo.Update(context.Background(), id, d.Version(), func(d *deal.Deal) (bool, error) {
				switch {
				case d.Deleted():
					return true, d.Undelete("rep")
				case rng.IntN(5) == 0:
					return true, d.Delete("rep")
				case rng.IntN(4) == 0:
					f := d.Fields()
					f.Owner = owners[rng.IntN(len(owners))]
					_, err := d.Edit(f, "rep")
					return true, err
				}
				return true, d.MoveTo(deal.Stages[rng.IntN(len(deal.Stages))], "rep", gate)
			})
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) {
				assert.NotEqual(t, "40P01", pgErr.Code, "saves of the same days never deadlock")
			}
			if err == nil {
				written[rep]++
			}
		}
	})
	total := 0
	for _, n := range written {
		total += n
	}
	assert.Greater(t, total, 100, "most writes went through, moving deals between stages, owners and the Trash")
	requireExactStageDays(t, pool)

	// A hard delete of a live deal, and the purge of the deleted ones.
	_, err = pool.Exec(ctx, `DELETE FROM deals WHERE id = (SELECT min(id) FROM deals WHERE deleted_at IS NULL)`)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `UPDATE deals SET deleted_at = now() - interval '40 days', version = version + 1 WHERE id = $1`, ids[len(ids)-1])
	require.NoError(t, err)
	purged, err := postgres.NewTrashRepository(pool).Purge(ctx, time.Now().Add(-30*24*time.Hour))
	require.NoError(t, err)
	assert.NotZero(t, purged.Deals)
	requireExactStageDays(t, pool)
}

// TestDashboardRepository_EnteredInAnyZoneCountsTheHoursAtItsEdges: a
// period that starts at a rep's midnight, not UTC's, counts the deals of
// its first and last hours exactly, as a count of the marks does.
func TestDashboardRepository_EnteredInAnyZoneCountsTheHoursAtItsEdges(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	pool := db.Pool
	repo := postgres.NewDashboardRepository(pool)
	maria, john := insertUser(t, pool, "maria"), insertUser(t, pool, "john")

	// Won and lost deals every 7 hours and 13 minutes over 100 days, so
	// that every hour of the day has some, around a month's start.
	start := time.Date(2026, time.September, 1, 0, 0, 0, 0, time.UTC)
	for i := range 333 {
		owner := []*int64{&maria, &john, nil}[i%3]
		stage := []deal.Stage{deal.StageWon, deal.StageLost}[i%2]
		insertDealRow(t, pool, "D", 100, "EUR", stage, owner, start.Add(time.Duration(i)*(7*time.Hour+13*time.Minute)))
	}
	requireExactStageDays(t, pool)

	closed := []deal.Stage{deal.StageWon, deal.StageLost}
	count := func(owner int64, from, to time.Time) map[deal.Stage]int64 {
		t.Helper()
		out := map[deal.Stage]int64{}
		rows, err := pool.Query(ctx, `
			SELECT stage, count(*) FROM deal_marks
			WHERE live AND stage = ANY($2) AND stage_since >= $3 AND stage_since < $4 AND ($1::bigint = 0 OR owner_id = $1)
			GROUP BY stage`, owner, []string{"WON", "LOST"}, from, to)
		require.NoError(t, err)
		for rows.Next() {
			var s string
			var n int64
			require.NoError(t, rows.Scan(&s, &n))
			out[deal.Stage(s)] = n
		}
		require.NoError(t, rows.Err())
		return out
	}
	now := time.Date(2026, time.October, 20, 15, 4, 0, 0, time.UTC)
	for _, zone := range []string{"UTC", "America/New_York", "Asia/Kolkata", "Pacific/Chatham", "Pacific/Kiritimati"} {
		loc, err := time.LoadLocation(zone)
		require.NoError(t, err)
		for _, p := range []struct{ from, to time.Time }{
			{time.Date(2026, time.October, 1, 0, 0, 0, 0, loc), time.Date(2026, time.November, 1, 0, 0, 0, 0, loc)},
			{time.Date(2026, time.October, 1, 0, 0, 0, 0, loc), time.Date(2027, time.January, 1, 0, 0, 0, 0, loc)},
			{now.Add(-5 * time.Hour), now},                       // within a day
			{now.Add(-30 * time.Hour), now.Add(-29 * time.Hour)}, // across no midnight
			{now.Add(-49 * time.Hour), now},                      // one whole day and two edges
		} {
			for _, owner := range []int64{0, maria, john} {
				got, err := repo.Entered(ctx, owner, closed, p.from, p.to)
				require.NoError(t, err)
				assert.Equal(t, count(owner, p.from, p.to), got, "%s, owner %d, [%s, %s)", zone, owner, p.from, p.to)
			}
		}
	}
}

// TestMigrate_StageDaysStartFromTheDealsAlreadyThere: migration 000030
// counts the live deals already there, by owner, stage and day entered.
func TestMigrate_StageDaysStartFromTheDealsAlreadyThere(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	pool := db.Pool
	require.NoError(t, postgres.MigrateDown(ctx, db.URL, stepsBackBefore(t, "dashboard_at_scale")))
	maria := insertUser(t, pool, "maria")
	long := time.Now().Add(-90 * 24 * time.Hour)
	insertDealRow(t, pool, "Old", 100, "EUR", deal.StageQualification, &maria, long)
	insertDealRow(t, pool, "Nobody's", 100, "EUR", deal.StageProposal, nil, long)
	won := insertDealRow(t, pool, "Won", 100, "EUR", deal.StageQualification, &maria, long)
	gone := insertDealRow(t, pool, "Gone", 100, "EUR", deal.StageQualification, &maria, long)
	_, err := postgres.NewDealRepository(pool).Update(ctx, won, 1, moveDealTo(deal.StageWon, "maria"))
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `UPDATE deals SET deleted_at = now(), version = version + 1 WHERE id = $1`, gone)
	require.NoError(t, err)

	require.NoError(t, postgres.MigrateUp(ctx, db.URL))

	requireExactStageDays(t, pool)
	team, err := postgres.NewDashboardRepository(pool).Entered(ctx, 0, deal.Stages, long.Add(-time.Hour), time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, map[deal.Stage]int64{deal.StageQualification: 1, deal.StageProposal: 1, deal.StageWon: 1}, team,
		"the deleted deal counts nowhere; the won one where it is now")
}
