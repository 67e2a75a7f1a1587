package metrics_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/infrastructure/metrics"
	"crm/infrastructure/metrics/metricstest"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
)

// serve serves m's handler until the test ends and returns its address.
func serve(t *testing.T, m *metrics.Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestRequestsAreCountedByRouteAndStatusClass(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	url := serve(t, m)
	m.Route(http.MethodGet, "/leads/{id}")

	route := map[string]string{"method": "GET", "route": "/leads/{id}"}
	fams := metricstest.Scrape(t, url+"/metrics")
	for _, class := range []string{"2xx", "3xx", "4xx", "5xx"} {
		assert.Zero(t, fams.Value(t, "http_request_duration_seconds", map[string]string{"method": "GET", "route": "/leads/{id}", "status": class}),
			"a declared route has every status class from start-up")
	}

	m.ObserveRequest(http.MethodGet, "/leads/{id}", http.StatusNotFound, 3*time.Millisecond)
	m.ObserveRequest(http.MethodGet, "/leads/{id}", http.StatusOK, time.Millisecond)
	m.ObserveRequest("BREW", "unmatched", http.StatusMethodNotAllowed, time.Millisecond)
	fams = metricstest.Scrape(t, url+"/metrics")
	assert.Equal(t, 2.0, fams.Value(t, "http_request_duration_seconds", route))
	assert.Equal(t, 1.0, fams.Value(t, "http_request_duration_seconds", map[string]string{"route": "/leads/{id}", "status": "4xx"}))
	assert.Equal(t, 1.0, fams.Value(t, "http_request_duration_seconds", map[string]string{"method": "OTHER", "route": "unmatched"}),
		"a method HTTP does not define is counted as OTHER: clients may not add series")
}

func TestSavesAreThereFromStartUp(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	url := serve(t, m)
	m.DeclareSaves([]string{"lead", "deal"}, map[string][]string{"page": {"saved", "conflict"}, "api": {"stale"}})

	fams := metricstest.Scrape(t, url+"/metrics")
	assert.Len(t, fams["crm_saves_total"].GetMetric(), 6)
	assert.Zero(t, fams.Value(t, "crm_saves_total", map[string]string{"aggregate": "deal", "path": "api", "outcome": "stale"}))

	m.Count("deal", "api", "stale")
	fams = metricstest.Scrape(t, url+"/metrics")
	assert.Equal(t, 1.0, fams.Value(t, "crm_saves_total", map[string]string{"aggregate": "deal", "path": "api", "outcome": "stale"}))
	assert.Zero(t, fams.Value(t, "crm_saves_total", map[string]string{"aggregate": "lead"}))
}

func TestLiveWatchersAndNotifyLag(t *testing.T) {
	t.Parallel()
	m := metrics.New()
	url := serve(t, m)
	var watchers atomic.Int64
	watchers.Store(3)
	m.CollectLiveWatchers(func() int { return int(watchers.Load()) })

	fams := metricstest.Scrape(t, url+"/metrics")
	assert.Equal(t, 3.0, fams.Value(t, "crm_live_watchers", nil))
	assert.Zero(t, fams.Value(t, "crm_notify_lag_seconds", nil), "the histogram is there before any notice")

	watchers.Store(1)
	m.ObserveNotifyLag(20 * time.Millisecond)
	fams = metricstest.Scrape(t, url+"/metrics")
	assert.Equal(t, 1.0, fams.Value(t, "crm_live_watchers", nil), "read at each scrape")
	assert.Equal(t, 1.0, fams.Value(t, "crm_notify_lag_seconds", nil))
	assert.InDelta(t, 0.02, fams["crm_notify_lag_seconds"].GetMetric()[0].GetHistogram().GetSampleSum(), 1e-9)
}

func TestThePoolCollectorReadsThePoolAtEachScrape(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	pool, err := postgres.Connect(t.Context(), db.URL, postgres.Timeouts{}, postgres.MaxConns(3))
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	m := metrics.New()
	m.CollectPool(pool)
	url := serve(t, m)

	before := metricstest.Scrape(t, url+"/metrics")
	assert.Equal(t, 3.0, before.Value(t, "pgxpool_max_conns", nil))
	assert.Zero(t, before.Value(t, "pgxpool_acquired_conns", nil))
	for name, kind := range map[string]dto.MetricType{
		"pgxpool_acquire_count": dto.MetricType_COUNTER, "pgxpool_acquire_duration_seconds": dto.MetricType_COUNTER,
		"pgxpool_empty_acquire_count": dto.MetricType_COUNTER, "pgxpool_canceled_acquire_count": dto.MetricType_COUNTER,
		"pgxpool_acquired_conns": dto.MetricType_GAUGE, "pgxpool_idle_conns": dto.MetricType_GAUGE,
		"pgxpool_max_conns": dto.MetricType_GAUGE, "pgxpool_total_conns": dto.MetricType_GAUGE,
	} {
		if assert.Contains(t, before, name) {
			assert.Equal(t, kind, before[name].GetType(), name)
		}
	}

	conn, err := pool.Acquire(t.Context())
	require.NoError(t, err)
	during := metricstest.Scrape(t, url+"/metrics")
	conn.Release()
	assert.Equal(t, 1.0, during.Value(t, "pgxpool_acquired_conns", nil))
	assert.Equal(t, before.Value(t, "pgxpool_acquire_count", nil)+1, during.Value(t, "pgxpool_acquire_count", nil))
	assert.GreaterOrEqual(t, during.Value(t, "pgxpool_total_conns", nil), 1.0)
}

func TestTheHandlerServesProfiles(t *testing.T) {
	t.Parallel()
	url := serve(t, metrics.New())
	for _, path := range []string{"/debug/pprof/", "/debug/pprof/cmdline", "/debug/pprof/goroutine?debug=1"} {
		res, err := http.Get(url + path)
		require.NoError(t, err)
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		require.NoError(t, err)
		assert.Equal(t, http.StatusOK, res.StatusCode, path)
		assert.NotEmpty(t, body, path)
	}
	fams := metricstest.Scrape(t, url+"/metrics")
	assert.Contains(t, fams, "go_goroutines", "the Go runtime is measured")
	assert.Contains(t, fams, "process_cpu_seconds_total", "so is the process")
}
