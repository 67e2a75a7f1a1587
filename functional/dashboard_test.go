package functional

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDashboard: every figure of the dashboard, with known data, and the
// list each links to; for the rep and for the team; bad filters are a 400.
func TestDashboard(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	oldPilot, overdue := seedDashboard(t, a)

	page := a.get("/dashboard")
	require.Equal(t, http.StatusOK, page.status, page.body)
	home := a.get("/")
	require.Equal(t, http.StatusOK, home.status)
	assert.Contains(t, home.body, "<h1>Dashboard</h1>", "/ shows the dashboard")

	row := func(body, testid string) string {
		t.Helper()
		m := regexp.MustCompile(`(?s)data-testid="` + regexp.QuoteMeta(testid) + `".*?</tr>`).FindString(body)
		require.NotEmpty(t, m, "row %s", testid)
		return m
	}
	t.Run("the funnel: reached, now (a link to the list), rate, as a chart with its numbers and a table", func(t *testing.T) {
		assert.Regexp(t, `<svg class="funnel" role="img" aria-label="Lead funnel, leads that reached each step: New 6, Contacted 2 \(33.3 % of New\), Qualified 1 \(50.0 % of Contacted\), Converted 1 \(100.0 % of Qualified\)."`, page.body)
		assert.Contains(t, row(page.body, "funnel-NEW"), `<td data-testid="reached">6</td><td><a href="/leads?owner=me&amp;status=NEW" data-testid="now">3</a></td><td data-testid="rate">–</td>`)
		assert.Contains(t, row(page.body, "funnel-CONTACTED"), `<td data-testid="reached">2</td><td><a href="/leads?owner=me&amp;status=CONTACTED" data-testid="now">1</a></td><td data-testid="rate">33.3 %</td>`)
		assert.Contains(t, row(page.body, "funnel-CONVERTED"), `<a href="/leads?owner=me&amp;status=CONVERTED" data-testid="now">1</a>`)
	})
	t.Run("the open pipeline per currency, each a link to the stage's deals", func(t *testing.T) {
		r := row(page.body, "pipeline-QUALIFICATION")
		assert.Regexp(t, `<a href="/deals\?owner=me&amp;stage=QUALIFICATION" class="amount" data-testid="amount-EUR">EUR 12,500.50 <span class="meta">\(2 deals\)</span></a>`, r)
		assert.Regexp(t, `data-testid="amount-JPY">JPY 500,000 `, r, "yen have no minor unit, and are not added to euros")
		assert.NotContains(t, r, "USD", "John's deal is not Ann's")
	})
	t.Run("won, lost and the win rate this month and quarter", func(t *testing.T) {
		for _, p := range []string{"closed-month", "closed-quarter"} {
			r := row(page.body, p)
			assert.Contains(t, r, `<a href="/deals?owner=me&amp;stage=WON" data-testid="won">1</a>`)
			assert.Contains(t, r, `<a href="/deals?owner=me&amp;stage=LOST" data-testid="lost">1</a>`)
			assert.Contains(t, r, `<td data-testid="win-rate">50.0 %</td>`)
		}
		assert.NotContains(t, page.body, `data-testid="closed-year"`, "the year only when chosen")
	})
	t.Run("days per stage: from creation to the move", func(t *testing.T) {
		assert.Contains(t, row(page.body, "stage-days-QUALIFICATION"), `<td data-testid="average">30.0 days</td><td><a href="/deals?owner=me" data-testid="moves">2</a></td>`)
	})
	t.Run("rotting deals link to each deal", func(t *testing.T) {
		assert.Contains(t, page.body, `<a href="/deals?owner=me" data-testid="rotting-count">2</a>`, "Old pilot and the yen deal; the renewal was saved today")
		assert.Contains(t, page.body, fmt.Sprintf(`data-testid="rotting-deal"><a href="/deals/%d">Old pilot</a>`, oldPilot))
		assert.Contains(t, page.body, "open deals nobody has saved for 14 days or more")
	})
	t.Run("the rep's overdue tasks link to the tasks", func(t *testing.T) {
		assert.Contains(t, page.body, `<a href="/today" data-testid="dashboard-overdue-count">1</a> overdue.`)
		assert.Contains(t, page.body, fmt.Sprintf(`data-testid="overdue-task"><a href="/tasks/%d">Call Grace back</a>`, overdue))
	})
	t.Run("the team's figures link to everyone's lists", func(t *testing.T) {
		team := a.get("/dashboard?scope=team&period=year&rot=60")
		require.Equal(t, http.StatusOK, team.status)
		assert.Contains(t, row(team.body, "funnel-CONVERTED"), `<a href="/leads?status=CONVERTED" data-testid="now">3</a>`)
		assert.Contains(t, team.body, `<a href="/deals?stage=QUALIFICATION" class="amount" data-testid="amount-EUR">EUR 12,500.50`)
		assert.NotContains(t, team.body, `data-testid="amount-USD"`, "John's deal is won, not open")
		r := row(team.body, "closed-year")
		assert.Contains(t, r, `<a href="/deals?stage=WON" data-testid="won">2</a>`)
		assert.Contains(t, r, `<td data-testid="win-rate">66.7 %</td>`)
		assert.Contains(t, team.body, `data-testid="rotting-count">0</a>`, "nothing is 60 days old")
	})
	t.Run("bad filters are refused with what is wrong", func(t *testing.T) {
		for q, msg := range map[string]string{
			"scope=everyone": "neither",
			"period=week":    "not a period",
			"rot=0":          "whole number from 1 to 365",
			"rot=abc":        "whole number from 1 to 365",
		} {
			res := a.get("/dashboard?" + q)
			assert.Equal(t, http.StatusBadRequest, res.status, q)
			assert.Contains(t, res.body, msg, q)
		}
	})
}

// seedDashboard gives Ann 3 new leads, 1 contacted, 1 converted and 1
// lost, and John 2 converted; Ann open deals in euros and yen (two made 30
// days ago and not saved since: Old pilot and the yen deal), one won and
// one lost today after 30 days open, John one won; and Ann a task overdue
// by a day. It returns Old pilot's id and the task's.
func seedDashboard(t *testing.T, a *instance) (oldPilot, overdue int64) {
	t.Helper()
	ctx := t.Context()
	pool := a.db.Pool
	var ann, john int64
	require.NoError(t, pool.QueryRow(ctx, `SELECT id FROM users WHERE email = 'ann@example.com'`).Scan(&ann))
	require.NoError(t, pool.QueryRow(ctx, `SELECT id FROM users WHERE email = 'john@example.com'`).Scan(&john))
	exec := func(sql string, args ...any) {
		t.Helper()
		_, err := pool.Exec(ctx, sql, args...)
		require.NoError(t, err)
	}
	// Ann: 3 new, 1 contacted, 1 converted, 1 lost; John: 2 converted.
	exec(`INSERT INTO leads (name, status, score, owner_id)
		SELECT 'Lead', s, 90, o FROM (VALUES ('NEW', $1::bigint), ('NEW', $1), ('NEW', $1), ('CONTACTED', $1), ('CONVERTED', $1),
		('LOST', $1), ('CONVERTED', $2), ('CONVERTED', $2)) AS v (s, o)`, ann, john)
	exec(`INSERT INTO contacts (name) VALUES ('Grace')`)
	long := time.Now().Add(-30 * 24 * time.Hour)
	exec(`INSERT INTO deals (title, amount_minor, currency, stage, contact_id, owner_id, created_at, updated_at)
		SELECT t, m, c, 'QUALIFICATION', (SELECT min(id) FROM contacts), o, $3, $3 FROM (VALUES
		('Old pilot', 1000000, 'EUR', $1::bigint), ('Renewal', 250050, 'EUR', $1), ('Yen deal', 500000, 'JPY', $1),
		('Won one', 700000, 'EUR', $1), ('Lost one', 100000, 'EUR', $1), ('Johns', 42000, 'USD', $2)) AS v (t, m, c, o)`, ann, john, long)
	exec(`UPDATE deals SET updated_at = now(), version = 2 WHERE title = 'Renewal'`)
	for title, stage := range map[string]string{"Won one": "WON", "Lost one": "LOST", "Johns": "WON"} {
		exec(`UPDATE deals SET stage = $2, updated_at = now(), version = 2 WHERE title = $1`, title, stage)
		exec(`INSERT INTO activity (aggregate_kind, aggregate_id, version, event, changes)
			SELECT 'deal', id, 2, 'DealStageChanged', jsonb_build_array(jsonb_build_object('field', 'stage', 'old', 'QUALIFICATION', 'new', $2::text))
			FROM deals WHERE title = $1`, title, stage)
	}
	require.NoError(t, pool.QueryRow(ctx, `SELECT id FROM deals WHERE title = 'Old pilot'`).Scan(&oldPilot))
	require.NoError(t, pool.QueryRow(ctx, `INSERT INTO tasks (title, due, assignee_id, assignee) VALUES ('Call Grace back', now() - interval '1 day', $1, 'Ann Example') RETURNING id`,
		ann).Scan(&overdue))

	return oldPilot, overdue
}
