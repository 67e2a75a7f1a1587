package metrics

import (
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
)

// poolStat is one statistic of a pgx pool as a metric.
type poolStat struct {
	desc  *prometheus.Desc
	kind  prometheus.ValueType
	value func(*pgxpool.Stat) float64
}

func poolCounter(name, help string, value func(*pgxpool.Stat) float64) poolStat {
	return poolStat{prometheus.NewDesc(name, help, nil, nil), prometheus.CounterValue, value}
}

func poolGauge(name, help string, value func(*pgxpool.Stat) float64) poolStat {
	return poolStat{prometheus.NewDesc(name, help, nil, nil), prometheus.GaugeValue, value}
}

// poolStats are what a scrape reads of pgxpool.Stat: counters since the
// pool opened, and gauges of now.
var poolStats = []poolStat{
	poolCounter("pgxpool_acquire_count", "Successful acquires of a connection from the pool.",
		func(s *pgxpool.Stat) float64 { return float64(s.AcquireCount()) }),
	poolCounter("pgxpool_acquire_duration_seconds", "Total time successful acquires took.",
		func(s *pgxpool.Stat) float64 { return s.AcquireDuration().Seconds() }),
	poolCounter("pgxpool_empty_acquire_count", "Successful acquires that waited because no connection was idle.",
		func(s *pgxpool.Stat) float64 { return float64(s.EmptyAcquireCount()) }),
	poolCounter("pgxpool_empty_acquire_wait_seconds", "Total time acquires waited because no connection was idle.",
		func(s *pgxpool.Stat) float64 { return s.EmptyAcquireWaitTime().Seconds() }),
	poolCounter("pgxpool_canceled_acquire_count", "Acquires given up because their context ended (a request past its deadline).",
		func(s *pgxpool.Stat) float64 { return float64(s.CanceledAcquireCount()) }),
	poolCounter("pgxpool_new_conns_count", "Connections opened.",
		func(s *pgxpool.Stat) float64 { return float64(s.NewConnsCount()) }),
	poolCounter("pgxpool_max_lifetime_destroy_count", "Connections closed for reaching their maximum lifetime.",
		func(s *pgxpool.Stat) float64 { return float64(s.MaxLifetimeDestroyCount()) }),
	poolCounter("pgxpool_max_idle_destroy_count", "Connections closed for staying idle too long.",
		func(s *pgxpool.Stat) float64 { return float64(s.MaxIdleDestroyCount()) }),
	poolGauge("pgxpool_acquired_conns", "Connections in use now.",
		func(s *pgxpool.Stat) float64 { return float64(s.AcquiredConns()) }),
	poolGauge("pgxpool_idle_conns", "Connections idle in the pool now.",
		func(s *pgxpool.Stat) float64 { return float64(s.IdleConns()) }),
	poolGauge("pgxpool_constructing_conns", "Connections being opened now.",
		func(s *pgxpool.Stat) float64 { return float64(s.ConstructingConns()) }),
	poolGauge("pgxpool_total_conns", "Connections in the pool now: acquired, idle and being opened.",
		func(s *pgxpool.Stat) float64 { return float64(s.TotalConns()) }),
	poolGauge("pgxpool_max_conns", "The most connections the pool opens (DB_MAX_CONNS).",
		func(s *pgxpool.Stat) float64 { return float64(s.MaxConns()) }),
}

// poolCollector reads a pool's statistics at each scrape, so they cost
// nothing between scrapes.
type poolCollector struct{ pool *pgxpool.Pool }

// NewPoolCollector returns the collector of pool's statistics, named
// pgxpool_*.
func NewPoolCollector(pool *pgxpool.Pool) prometheus.Collector {
	return poolCollector{pool}
}

// Describe sends the descriptions of every statistic.
func (c poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, s := range poolStats {
		ch <- s.desc
	}
}

// Collect sends every statistic as it is now.
func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	stat := c.pool.Stat()
	for _, s := range poolStats {
		ch <- prometheus.MustNewConstMetric(s.desc, s.kind, s.value(stat))
	}
}
