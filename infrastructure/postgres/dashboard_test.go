package postgres_test

import (
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/deal"
	"crm/domain/lead"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
	"crm/usecase/dashboard"
)

func insertUser(t *testing.T, pool *pgxpool.Pool, name string) int64 {
	t.Helper()
	var id int64
	require.NoError(t, pool.QueryRow(t.Context(), `INSERT INTO users (email, name, password_hash) VALUES ($1, $1, 'x') RETURNING id`,
		name+"@example.com").Scan(&id))
	return id
}

// insertDealRow stores a deal behind the repositories' back, created and
// last saved at created.
func insertDealRow(t *testing.T, pool *pgxpool.Pool, title string, minor int64, currency string, stage deal.Stage, owner *int64, created time.Time) int64 {
	t.Helper()
	contact := insertContactRow(t, pool, "Contact of "+title)
	var id int64
	require.NoError(t, pool.QueryRow(t.Context(), `
		INSERT INTO deals (title, amount_minor, currency, stage, contact_id, owner_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, title, minor, currency, string(stage), contact, owner, created).Scan(&id))
	return id
}

// TestDashboardRepository_Figures: each figure counts what it says and only
// the owner's records when asked for one.
func TestDashboardRepository_Figures(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	pool := db.Pool
	repo := postgres.NewDashboardRepository(pool)
	maria, john := insertUser(t, pool, "maria"), insertUser(t, pool, "john")

	for _, l := range []struct {
		status lead.Status
		owner  *int64
		n      int
	}{{lead.StatusNew, &maria, 3}, {lead.StatusContacted, &maria, 2}, {lead.StatusConverted, &john, 4}, {lead.StatusLost, nil, 1}} {
		for range l.n {
			_, err := pool.Exec(ctx, `INSERT INTO leads (name, status, score, owner_id) VALUES ('L', $1, 90, $2)`, string(l.status), l.owner)
			require.NoError(t, err)
		}
	}
	// A deleted lead counts nowhere; moving one between owners moves its count.
	_, err := pool.Exec(ctx, `UPDATE leads SET deleted_at = now(), version = version + 1 WHERE id = (SELECT min(id) FROM leads WHERE status = 'NEW')`)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `UPDATE leads SET owner_id = $1, version = version + 1 WHERE id = (SELECT min(id) FROM leads WHERE status = 'CONVERTED')`, maria)
	require.NoError(t, err)

	t.Run("lead statuses per owner and for the team", func(t *testing.T) {
		mine, err := repo.LeadStatuses(ctx, maria)
		require.NoError(t, err)
		assert.Equal(t, map[lead.Status]int64{lead.StatusNew: 2, lead.StatusContacted: 2, lead.StatusConverted: 1}, mine)
		team, err := repo.LeadStatuses(ctx, 0)
		require.NoError(t, err)
		assert.Equal(t, map[lead.Status]int64{lead.StatusNew: 2, lead.StatusContacted: 2, lead.StatusConverted: 4, lead.StatusLost: 1}, team)
	})

	long := time.Now().Add(-60 * 24 * time.Hour)
	a := insertDealRow(t, pool, "A", 100_00, "EUR", deal.StageQualification, &maria, long)
	insertDealRow(t, pool, "B", 50_00, "EUR", deal.StageQualification, &maria, time.Now())
	insertDealRow(t, pool, "C", 70_00, "USD", deal.StageQualification, &john, long)
	won := insertDealRow(t, pool, "D", 999_00, "EUR", deal.StageQualification, &maria, long)
	lost := insertDealRow(t, pool, "E", 1_00, "EUR", deal.StageQualification, &john, long)
	gone := insertDealRow(t, pool, "F", 5_00, "EUR", deal.StageQualification, &maria, long)
	_, err = pool.Exec(ctx, `UPDATE deals SET deleted_at = now(), version = version + 1 WHERE id = $1`, gone)
	require.NoError(t, err)
	deals := postgres.NewDealRepository(pool)
	_, err = deals.Update(ctx, won, 1, moveDealTo(deal.StageWon, "maria"))
	require.NoError(t, err)
	_, err = deals.Update(ctx, lost, 1, moveDealTo(deal.StageLost, "john"))
	require.NoError(t, err)

	open := []deal.Stage{deal.StageQualification}
	t.Run("the open pipeline by currency, never summed across them", func(t *testing.T) {
		team, err := repo.Pipeline(ctx, 0, open)
		require.NoError(t, err)
		assert.Equal(t, map[deal.Stage][]dashboard.Amount{deal.StageQualification: {
			{Currency: "EUR", Minor: 150_00, Deals: 2}, {Currency: "USD", Minor: 70_00, Deals: 1}}}, team)
		mine, err := repo.Pipeline(ctx, john, open)
		require.NoError(t, err)
		assert.Equal(t, map[deal.Stage][]dashboard.Amount{deal.StageQualification: {{Currency: "USD", Minor: 70_00, Deals: 1}}}, mine)
	})

	t.Run("deals that entered a stage in a period", func(t *testing.T) {
		closed := []deal.Stage{deal.StageWon, deal.StageLost}
		from, to := time.Now().Add(-time.Hour), time.Now().Add(time.Hour)
		team, err := repo.Entered(ctx, 0, closed, from, to)
		require.NoError(t, err)
		assert.Equal(t, map[deal.Stage]int64{deal.StageWon: 1, deal.StageLost: 1}, team)
		mine, err := repo.Entered(ctx, maria, closed, from, to)
		require.NoError(t, err)
		assert.Equal(t, map[deal.Stage]int64{deal.StageWon: 1}, mine)
		before, err := repo.Entered(ctx, 0, closed, from.Add(-48*time.Hour), from)
		require.NoError(t, err)
		assert.Empty(t, before, "they entered after the period")
	})

	t.Run("the days a deal spent in a stage, from its creation or its previous move", func(t *testing.T) {
		// The won deal's move was recorded before the pipeline, from OPEN:
		// that time was spent in what is Qualification now.
		_, err := pool.Exec(ctx, `UPDATE activity SET changes = jsonb_set(changes, '{0,old}', '"OPEN"')
			WHERE aggregate_kind = 'deal' AND aggregate_id = $1 AND event = 'DealStageChanged'`, won)
		require.NoError(t, err)
		times, err := repo.StageTimes(ctx, 0, time.Now().Add(-time.Hour), time.Now().Add(time.Hour), 100, 1000)
		require.NoError(t, err)
		got := times[deal.StageQualification]
		assert.Equal(t, int64(2), got.Moves)
		assert.InDelta(t, 120, got.Days, 0.1, "two deals, 60 days each")
		reopened, err := deals.Update(ctx, lost, 2, moveDealTo(deal.StageQualification, "john"))
		require.NoError(t, err)
		_, err = pool.Exec(ctx, `UPDATE activity SET occurred_at = occurred_at + interval '3 days' WHERE aggregate_id = $1 AND version = $2 AND aggregate_kind = 'deal'`,
			lost, reopened.Version())
		require.NoError(t, err)
		times, err = repo.StageTimes(ctx, john, time.Now().Add(-time.Hour), time.Now().Add(96*time.Hour), 100, 1000)
		require.NoError(t, err)
		assert.Equal(t, int64(1), times[deal.StageLost].Moves)
		assert.InDelta(t, 3, times[deal.StageLost].Days, 0.1, "lost, reopened three days later")
		sample, err := repo.StageTimes(ctx, 0, time.Now().Add(-time.Hour), time.Now().Add(96*time.Hour), 1, 1000)
		require.NoError(t, err)
		assert.Equal(t, map[deal.Stage]dashboard.StageTime{deal.StageLost: times[deal.StageLost]}, sample, "only the latest change")
		scanned, err := repo.StageTimes(ctx, maria, time.Now().Add(-time.Hour), time.Now().Add(96*time.Hour), 100, 1)
		require.NoError(t, err)
		assert.Empty(t, scanned, "the latest change, the only one read, is John's")
	})

	t.Run("rotting deals: open, not saved since, oldest first, bounded count", func(t *testing.T) {
		since := time.Now().Add(-14 * 24 * time.Hour)
		rot, err := repo.Rotting(ctx, 0, open, since, 10, 1000)
		require.NoError(t, err)
		assert.Equal(t, int64(2), rot.Count, "A and C: B is new, D and E closed (E reopened today), F deleted")
		require.Len(t, rot.Deals, 2)
		assert.Equal(t, a, rot.Deals[0].ID)
		assert.Equal(t, "A", rot.Deals[0].Title)
		capped, err := repo.Rotting(ctx, 0, open, since, 1, 1)
		require.NoError(t, err)
		assert.Len(t, capped.Deals, 1)
		assert.Equal(t, int64(1), capped.Count)
		mine, err := repo.Rotting(ctx, john, open, since, 10, 1000)
		require.NoError(t, err)
		assert.Equal(t, int64(1), mine.Count)
		// A save of any field makes a deal fresh again.
		_, err = pool.Exec(ctx, `UPDATE deals SET title = 'A2', updated_at = now(), version = version + 1 WHERE id = $1`, a)
		require.NoError(t, err)
		rot, err = repo.Rotting(ctx, maria, open, since, 10, 1000)
		require.NoError(t, err)
		assert.Zero(t, rot.Count)
	})

	t.Run("overdue tasks of the rep, most overdue first", func(t *testing.T) {
		for i, due := range []time.Duration{-time.Hour, -48 * time.Hour, time.Hour} {
			_, err := pool.Exec(ctx, `INSERT INTO tasks (title, due, assignee_id, assignee) VALUES ($1, $2, $3, 'maria')`,
				[]string{"call", "write", "later"}[i], time.Now().Add(due), maria)
			require.NoError(t, err)
		}
		got, n, err := repo.OverdueTasks(ctx, maria, time.Now(), 1)
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		require.Len(t, got, 1)
		assert.Equal(t, "write", got[0].Title)
		_, n, err = repo.OverdueTasks(ctx, john, time.Now(), 5)
		require.NoError(t, err)
		assert.Zero(t, n)
	})
}
