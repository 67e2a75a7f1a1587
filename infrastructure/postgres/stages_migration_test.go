package postgres_test

import (
	"io/fs"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/deal"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
	"crm/migrations"
	"crm/usecase/record"
)

// stepsBackBefore is how many migrations take the schema back to just
// before the one named title, whatever number it has and whatever came
// after it.
func stepsBackBefore(t *testing.T, title string) int {
	t.Helper()
	names, err := fs.Glob(migrations.FS, "[0-9][0-9][0-9][0-9][0-9][0-9]_"+title+".up.sql")
	require.NoError(t, err)
	require.Len(t, names, 1, title)
	n, err := strconv.ParseUint(strings.SplitN(names[0], "_", 2)[0], 10, 32)
	require.NoError(t, err)
	return stepsBackTo(t, uint(n))
}

func TestMigrate_OpenDealsAndTheirVersionsBecomeQualification(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	steps := stepsBackBefore(t, "deal_pipeline_stages")
	require.NoError(t, postgres.MigrateDown(ctx, db.URL, steps))

	var contactID, open, won, lost int64
	require.NoError(t, db.Pool.QueryRow(ctx, `INSERT INTO contacts (name) VALUES ('Ada') RETURNING id`).Scan(&contactID))
	insert := func(title string) int64 {
		var id int64
		require.NoError(t, db.Pool.QueryRow(ctx, `INSERT INTO deals (title, amount_minor, currency, contact_id, updated_by)
			VALUES ($1, 100, 'EUR', $2, 'ana') RETURNING id`, title, contactID).Scan(&id))
		return id
	}
	open, won, lost = insert("Engines"), insert("Looms"), insert("Tables")
	_, err := db.Pool.Exec(ctx, `UPDATE deals SET title = 'Analytical Engines', version = version + 1 WHERE id = $1`, open)
	require.NoError(t, err)
	_, err = db.Pool.Exec(ctx, `UPDATE deals SET stage = 'WON', version = version + 1 WHERE id = $1`, won)
	require.NoError(t, err)
	_, err = db.Pool.Exec(ctx, `UPDATE deals SET stage = 'LOST', version = version + 1, updated_at = '2026-09-01 10:00+00' WHERE id = $1`, lost)
	require.NoError(t, err)
	// The won deal's move as history has it, late in the evening in UTC.
	_, err = db.Pool.Exec(ctx, `INSERT INTO activity (aggregate_kind, aggregate_id, version, event, actor, changes, occurred_at)
		VALUES ('deal', $1, 2, 'DealStageChanged', 'ana', '[{"field":"stage","old":"OPEN","new":"WON"}]', '2026-10-05 23:30+00')`, won)
	require.NoError(t, err)
	history := func() string {
		var h string
		require.NoError(t, db.Pool.QueryRow(ctx, `SELECT string_agg(event || ' ' || changes::text, '; ' ORDER BY id) FROM activity WHERE aggregate_kind = 'deal'`).Scan(&h))
		return h
	}
	before := history()

	require.NoError(t, postgres.MigrateUp(ctx, db.URL))

	repo := postgres.NewDealRepository(db.Pool)
	get := func(id int64) *deal.Deal {
		d, err := repo.Get(ctx, id)
		require.NoError(t, err)
		return d
	}
	d := get(open)
	assert.Equal(t, deal.StageQualification, d.Stage())
	assert.Equal(t, int64(2), d.Version(), "the mapping is no save")
	assert.Equal(t, "ana", d.UpdatedBy())
	assert.True(t, d.Fields().ExpectedClose.IsZero())
	assert.True(t, d.ClosedOn().IsZero())
	for v := int64(1); v <= 2; v++ {
		old, err := repo.Version(ctx, open, v)
		require.NoError(t, err)
		assert.Equal(t, deal.StageQualification, old.Stage(), "version %d: the versions a merge reads name a stage the code knows", v)
	}
	first, err := repo.Version(ctx, won, 1)
	require.NoError(t, err)
	assert.Equal(t, deal.StageQualification, first.Stage())
	w := get(won)
	assert.Equal(t, deal.StageWon, w.Stage())
	assert.Equal(t, "2026-10-05", w.ClosedOn().String(), "won on the day its move to WON was recorded, in UTC")
	current, err := repo.Version(ctx, won, 2)
	require.NoError(t, err)
	assert.Equal(t, w.ClosedOn(), current.ClosedOn(), "the current version is the row")
	assert.Equal(t, "2026-09-01", get(lost).ClosedOn().String(), "no recorded move: the day of its last save")

	assert.Equal(t, before, history(), "the history is not rewritten, and nothing is added to it")
	page, err := repo.History(ctx, won, record.Paging{})
	require.NoError(t, err)
	require.NotEmpty(t, page.Items)
	assert.Equal(t, []domain.Change{{Field: deal.FieldStage, Old: "OPEN", New: "WON"}}, page.Items[0].Changes)

	var stage string
	require.NoError(t, db.Pool.QueryRow(ctx, `INSERT INTO deals (title, amount_minor, currency, contact_id) VALUES ('New', 1, 'EUR', $1) RETURNING stage`, contactID).Scan(&stage))
	assert.Equal(t, "QUALIFICATION", stage, "the default stage")
	_, err = db.Pool.Exec(ctx, `INSERT INTO deals (title, amount_minor, currency, contact_id, stage) VALUES ('Old', 1, 'EUR', $1, 'OPEN')`, contactID)
	assert.ErrorContains(t, err, "deals_stage_known")

	// Moved on before going back: back down, every open stage is OPEN.
	_, err = repo.Update(ctx, open, 2, func(d *deal.Deal) (bool, error) {
		return true, d.MoveTo(deal.StageNegotiation, "ana", deal.Gate{ExpectedClose: w.ClosedOn()})
	})
	require.NoError(t, err)
	require.NoError(t, postgres.MigrateDown(ctx, db.URL, steps))
	stages := map[string]string{}
	rows, err := db.Pool.Query(ctx, `SELECT 'deal ' || id || ': ' || stage FROM deals UNION ALL SELECT 'version ' || id || '.' || version || ': ' || stage FROM deal_versions`)
	require.NoError(t, err)
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		k, v, _ := strings.Cut(s, ": ")
		stages[k] = v
	}
	require.NoError(t, rows.Err())
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	for _, k := range []string{"deal " + id(open), "version " + id(open) + ".1", "version " + id(open) + ".2", "version " + id(open) + ".3", "version " + id(won) + ".1"} {
		assert.Equal(t, "OPEN", stages[k], k)
	}
	assert.Equal(t, "WON", stages["deal "+id(won)])
	assert.Equal(t, "LOST", stages["deal "+id(lost)])
	assert.Equal(t, before+"; DealStageChanged "+`[{"new": "NEGOTIATION", "old": "QUALIFICATION", "field": "stage"}, {"new": "2026-10-05", "old": "", "field": "expected_close"}]`, history(),
		"the history stays as written")
}
