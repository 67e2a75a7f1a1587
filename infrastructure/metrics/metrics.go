// Package metrics measures the running app for Prometheus: requests by
// route, saves by outcome, the live feed, the database pool and the Go
// runtime. They are served, with the runtime's profiles, on a listener of
// their own (METRICS_ADDR), never on the one reps and integrations reach.
package metrics

import (
	"net/http"
	"net/http/pprof"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one app's registry. Its own, not Prometheus's global one, so
// that every app a test starts counts apart.
type Metrics struct {
	registry  *prometheus.Registry
	requests  *prometheus.HistogramVec
	saves     *prometheus.CounterVec
	notifyLag prometheus.Histogram
}

// statusClasses are the status label's values, one per class: a status
// code per series would multiply them for no question a team asks.
var statusClasses = []string{"2xx", "3xx", "4xx", "5xx"}

// New returns the registry with the Go runtime and process collectors and
// the app's own families. The families a series of which needs a label
// value the app knows only when wired are filled by Route, DeclareSaves,
// CollectPool and CollectLiveWatchers.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "http_request_duration_seconds",
			Help:    "How long requests took to answer, by method, route pattern and status class. A live stream lasts as long as its page is open.",
			Buckets: prometheus.DefBuckets,
		}, []string{"method", "route", "status"}),
		saves: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "crm_saves_total",
			Help: "Writes to existing records (page saves and moves, API writes) by kind of record, path (page or api) and outcome: " +
				"saved, merged (with saves made since), conflict (the rep must choose), rule (refused, 422), stale (API version not current).",
		}, []string{"aggregate", "path", "outcome"}),
		notifyLag: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "crm_notify_lag_seconds",
			Help:    "Time from a save's live notice being sent, just before its commit, to this instance's feed receiving it.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}),
	}
	m.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.saves, m.notifyLag)
	return m
}

// Handler serves /metrics and the runtime's profiles under /debug/pprof/.
// Profiles show the code and its memory, so this handler belongs on a
// private listener only.
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// Route declares a route of the router, so that its series are there, at
// zero, from start-up: a rate of errors reads 0 rather than nothing.
func (m *Metrics) Route(method, pattern string) {
	for _, class := range statusClasses {
		m.requests.WithLabelValues(methodLabel(method), pattern, class)
	}
}

// ObserveRequest records a request answered with status after took.
func (m *Metrics) ObserveRequest(method, route string, status int, took time.Duration) {
	m.requests.WithLabelValues(methodLabel(method), route, statusClass(status)).Observe(took.Seconds())
}

// methodLabel is method when HTTP defines it and "OTHER" otherwise: a
// client chooses the method, and may not choose the number of series.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
		http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "OTHER"
}

// statusClass is "2xx" for 200 to 299, and so on.
func statusClass(status int) string {
	return strconv.Itoa(status/100) + "xx"
}

// DeclareSaves declares the outcomes, by path, a save of every kind of
// record in aggregates can have, so those series are there from start-up.
func (m *Metrics) DeclareSaves(aggregates []string, outcomes map[string][]string) {
	for _, aggregate := range aggregates {
		for path, ends := range outcomes {
			for _, outcome := range ends {
				m.saves.WithLabelValues(aggregate, path, outcome)
			}
		}
	}
}

// Count counts one write to a record of kind aggregate, by path and
// outcome.
func (m *Metrics) Count(aggregate, path, outcome string) {
	m.saves.WithLabelValues(aggregate, path, outcome).Inc()
}

// ObserveNotifyLag records how late a live notice arrived.
func (m *Metrics) ObserveNotifyLag(d time.Duration) {
	m.notifyLag.Observe(d.Seconds())
}

// CollectLiveWatchers reports watchers, the live feed's count of open
// streams, at every scrape. Call it once.
func (m *Metrics) CollectLiveWatchers(watchers func() int) {
	m.registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "crm_live_watchers",
		Help: "Pages open on a record that this instance streams live notices to.",
	}, func() float64 { return float64(watchers()) }))
}

// CollectPool reports pool's statistics at every scrape. Call it once.
func (m *Metrics) CollectPool(pool *pgxpool.Pool) {
	m.registry.MustRegister(NewPoolCollector(pool))
}
