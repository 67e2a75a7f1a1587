package functional

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/cmd/crm/app"
	"crm/domain/user"
	"crm/infrastructure/metrics"
	"crm/infrastructure/metrics/metricstest"
	"crm/infrastructure/postgres/pgtest"
)

// measuredFamilies are the families a team's dashboard reads: every one
// must be served from start-up, before the first request.
var measuredFamilies = []string{
	"http_request_duration_seconds", "crm_saves_total", "crm_live_watchers", "crm_notify_lag_seconds",
	"pgxpool_acquire_count", "pgxpool_acquire_duration_seconds", "pgxpool_empty_acquire_count",
	"pgxpool_acquired_conns", "pgxpool_idle_conns", "pgxpool_max_conns",
	"go_goroutines", "process_cpu_seconds_total",
}

// saves is the crm_saves_total series of a lead's writes on path ending
// with outcome.
func saves(path, outcome string) map[string]string {
	return map[string]string{"aggregate": "lead", "path": path, "outcome": outcome}
}

func TestMetricsCountRequestsByRouteAndSavesByOutcome(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	m := metrics.New()
	a := newInstanceWith(t, db, db.Pool, app.Options{Metrics: m})
	prom := httptest.NewServer(m.Handler())
	t.Cleanup(prom.Close)
	scrape := func() metricstest.Families { return metricstest.Scrape(t, prom.URL+"/metrics") }

	start := scrape()
	for _, name := range measuredFamilies {
		assert.Contains(t, start, name, "served from start-up")
	}
	for _, outcome := range []string{"saved", "merged", "conflict", "rule"} {
		assert.Zero(t, start.Value(t, "crm_saves_total", saves("page", outcome)))
	}
	assert.Zero(t, start.Value(t, "crm_saves_total", saves("api", "stale")))
	assert.Zero(t, start.Value(t, "http_request_duration_seconds",
		map[string]string{"method": "PATCH", "route": "/api/v1/leads/{id}", "status": "4xx"}), "the API's routes are declared too")

	for _, login := range []string{"ann", "maria"} {
		_, err := a.auth.AddUser(context.Background(), login+"@example.com", testReps[login], login+testPasswordSuffix, user.RoleRep)
		require.NoError(t, err)
	}
	a.session = a.signIn("ann")
	maria := a.signIn("maria")
	l := a.seedLead(ada)

	// Maria saves from version 1; Ann, also from version 1, changes
	// another field (merged), then the field Maria changed (conflict).
	res := a.doWith(maria, http.MethodPost, leadPath(l), leadForm(l, 1, map[string]string{"phone": "+1 555 0100"}), false)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	res = a.post(leadPath(l), leadForm(l, 1, map[string]string{"score": "88"}))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	res = a.post(leadPath(l), leadForm(l, 1, map[string]string{"phone": "+1 555 0199"}))
	require.Equal(t, http.StatusConflict, res.status, res.body)
	res = a.post(leadPath(l), leadForm(l, 3, map[string]string{"score": "1000"}))
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)

	token, err := a.createToken("ann@example.com")
	require.NoError(t, err)
	res = a.apiCall(http.MethodPatch, fmt.Sprintf("/api/v1/leads/%d", l.ID()), token, `{"score": 70}`, map[string]string{"If-Match": `"1"`})
	require.Equal(t, http.StatusPreconditionFailed, res.status, res.body)

	end := scrape()
	for outcome, want := range map[string]float64{"saved": 1, "merged": 1, "conflict": 1, "rule": 1} {
		assert.Equal(t, want, end.Value(t, "crm_saves_total", saves("page", outcome)), outcome)
	}
	assert.Equal(t, 1.0, end.Value(t, "crm_saves_total", saves("api", "stale")))
	assert.Zero(t, end.Value(t, "crm_saves_total", saves("api", "saved")))

	leadPage := map[string]string{"method": "POST", "route": "/leads/{id}"}
	assert.Equal(t, 4.0, end.Value(t, "http_request_duration_seconds", leadPage), "by route pattern, not by path")
	assert.Equal(t, 2.0, end.Value(t, "http_request_duration_seconds", map[string]string{"method": "POST", "route": "/leads/{id}", "status": "4xx"}))
	assert.Equal(t, 1.0, end.Value(t, "http_request_duration_seconds",
		map[string]string{"method": "PATCH", "route": "/api/v1/leads/{id}", "status": "4xx"}), "the API's own route, not /api/v1/*")
	assert.NotContains(t, seriesRoutes(end), leadPath(l), "no path is a route")
	assert.Greater(t, end.Value(t, "pgxpool_acquire_count", nil), start.Value(t, "pgxpool_acquire_count", nil))
	assert.Greater(t, end.Value(t, "crm_notify_lag_seconds", nil), 0.0, "the saves' notices came back through the feed")
}

func TestMetricsCountLiveWatchers(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	m := metrics.New()
	a := newInstanceWith(t, db, db.Pool, app.Options{Metrics: m})
	prom := httptest.NewServer(m.Handler())
	t.Cleanup(prom.Close)
	_, err := a.auth.AddUser(context.Background(), "ann@example.com", testReps["ann"], "ann"+testPasswordSuffix, user.RoleRep)
	require.NoError(t, err)
	a.session = a.signIn("ann")
	l := a.seedLead(ada)

	a.openStream(leadPath(l)+"/live", a.session)
	require.Eventually(t, func() bool {
		return metricstest.Scrape(t, prom.URL+"/metrics").Value(t, "crm_live_watchers", nil) == 1
	}, 5*time.Second, 20*time.Millisecond)
}

// seriesRoutes lists the route label of every request series.
func seriesRoutes(f metricstest.Families) []string {
	var routes []string
	for _, m := range f["http_request_duration_seconds"].GetMetric() {
		for _, l := range m.GetLabel() {
			if l.GetName() == "route" {
				routes = append(routes, l.GetValue())
			}
		}
	}
	return routes
}
