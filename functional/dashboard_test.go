package functional

import (
	"fmt"
	"html"
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
	// The periods' days in the rep's zone, UTC until their browser says.
	now := time.Now().UTC()
	year, m, _ := now.Date()
	first := time.Date(year, m, 1, 0, 0, 0, 0, time.UTC)
	q := time.Date(year, (m-1)/3*3+1, 1, 0, 0, 0, 0, time.UTC)
	month := [2]string{first.Format(time.DateOnly), first.AddDate(0, 1, -1).Format(time.DateOnly)}
	quarter := [2]string{q.Format(time.DateOnly), q.AddDate(0, 3, -1).Format(time.DateOnly)}

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
		for p, days := range map[string][2]string{"month": month, "quarter": quarter} {
			r := row(page.body, "closed-"+p)
			span := fmt.Sprintf("closed_from=%s&amp;closed_to=%s", days[0], days[1])
			assert.Contains(t, r, `<a href="/deals?`+span+`&amp;owner=me&amp;stage=WON" data-testid="won">1</a>`)
			assert.Contains(t, r, `<a href="/deals?`+span+`&amp;owner=me&amp;stage=LOST" data-testid="lost">1</a>`)
			assert.Contains(t, r, `<td data-testid="win-rate">50.0 %</td>`)
		}
		assert.NotContains(t, page.body, `data-testid="closed-year"`, "the year only when chosen")
	})
	t.Run("days per stage: from creation to the move; moves are history no list shows, so not a link", func(t *testing.T) {
		assert.Contains(t, row(page.body, "stage-days-QUALIFICATION"), `<td data-testid="average">30.0 days</td><td data-testid="moves">2</td>`)
	})
	t.Run("rotting deals link to each deal, their count to the list of them", func(t *testing.T) {
		assert.Contains(t, page.body, `<a href="/deals?owner=me&amp;untouched=14" data-testid="rotting-count">2</a>`, "Old pilot and the yen deal; the renewal was saved today")
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
		assert.Contains(t, r, fmt.Sprintf(`<a href="/deals?closed_from=%d-01-01&amp;closed_to=%d-12-31&amp;stage=WON" data-testid="won">2</a>`, year, year))
		assert.Contains(t, r, `<td data-testid="win-rate">66.7 %</td>`)
		assert.Contains(t, team.body, `data-testid="rotting-count">0</a>`, "nothing is 60 days old")
	})
	t.Run("each link lists exactly the deals its figure counts", func(t *testing.T) {
		idsOf := func(titles ...string) []string {
			t.Helper()
			var out []string
			require.NoError(t, a.db.Pool.QueryRow(t.Context(), `SELECT coalesce(array_agg(id::text ORDER BY id DESC), '{}') FROM deals WHERE title = ANY($1)`, titles).Scan(&out))
			return out
		}
		team := a.get("/dashboard?scope=team&period=year&rot=20")
		require.Equal(t, http.StatusOK, team.status)
		for _, tc := range []struct {
			body, row, testid string
			want              []string
		}{
			{page.body, "closed-month", "won", idsOf("Won one")},
			{page.body, "closed-quarter", "lost", idsOf("Lost one")},
			{team.body, "closed-year", "won", idsOf("Won one", "Johns")},
			{page.body, "", "rotting-count", idsOf("Old pilot", "Yen deal")},
			{team.body, "", "rotting-count", idsOf("Old pilot", "Yen deal")},
		} {
			in := tc.body // the rotting count is in no table row
			if tc.row != "" {
				in = row(tc.body, tc.row)
			}
			href := regexp.MustCompile(`<a href="([^"]+)" data-testid="` + tc.testid + `"`).FindStringSubmatch(in)
			require.Len(t, href, 2, tc.row)
			link := html.UnescapeString(href[1])
			var got []string
			for next := link; next != ""; {
				res := a.get(next)
				require.Equal(t, http.StatusOK, res.status, next)
				for _, m := range regexp.MustCompile(`data-testid="deal-row" data-id="(\d+)"`).FindAllStringSubmatch(res.body, -1) {
					got = append(got, m[1])
				}
				next = ""
				if m := regexp.MustCompile(`hx-get="([^"]*after=[^"]*)"`).FindStringSubmatch(res.body); m != nil {
					next = html.UnescapeString(m[1])
				}
			}
			assert.Equal(t, tc.want, got, link)
		}
		filtered := a.get("/deals?stage=WON&closed_from=2026-11-01&closed_to=2026-11-30")
		assert.Contains(t, filtered.body, `data-testid="deal-filter">Won between 2026-11-01 and 2026-11-30. <a href="/deals?stage=WON" data-testid="clear-deal-filter">Show every deal</a>`)
		rotting := a.get("/deals?untouched=14&owner=me")
		assert.Contains(t, rotting.body, `Not saved for 14 days or more.`)
	})
	t.Run("the deal list's filters refuse what is not a day or a number of days", func(t *testing.T) {
		for q, msg := range map[string]string{
			"closed_from=2026-11-01":                      "both days",
			"closed_from=2026-11-31&closed_to=2026-12-01": "both days",
			"closed_from=2026-11-02&closed_to=2026-11-01": "no later than the last",
			"untouched=0": "whole number from 1 to 365",
			"untouched=x": "whole number from 1 to 365",
		} {
			res := a.get("/deals?" + q)
			assert.Equal(t, http.StatusBadRequest, res.status, q)
			assert.Contains(t, res.body, msg, q)
		}
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
