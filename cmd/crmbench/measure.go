package main

import (
	"context"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// op is one unit of work of one client, such as one save; it returns what
// came of it ("saved", "stale", ...). An error is a failure of the bench
// or of the app (a 5xx), never a refusal the app is meant to give.
type op func(ctx context.Context) (outcome string, err error)

// measurement is what clients clients running one op for a while did.
type measurement struct {
	Name    string         `json:"name"`   // e.g. "save, random leads"
	Series  string         `json:"series"` // e.g. "api": what is compared at equal clients
	Clients int            `json:"clients"`
	Ops     int            `json:"ops"`     // done, whatever their outcome
	PerSec  float64        `json:"per_sec"` // Ops per second
	Outcome map[string]int `json:"outcome"`
	Errors  int            `json:"errors"`
	// Latency percentiles of an op, in milliseconds, as the client saw them.
	P50 float64 `json:"p50_ms"`
	P95 float64 `json:"p95_ms"`
	P99 float64 `json:"p99_ms"`
	// FirstError says what went wrong, when something did.
	FirstError string `json:"first_error,omitempty"`
}

// measure runs clients clients, each doing its own op in a loop, for
// warmup (not counted) and then d, and reports what they did in d.
func measure(ctx context.Context, name, series string, clients int, warmup, d time.Duration, newOp func(client int) op) measurement {
	var (
		counting atomic.Bool // operations starting now are measured
		stopped  atomic.Bool // no operation starts any more
		wg       sync.WaitGroup
		mu       sync.Mutex
		m        = measurement{Name: name, Series: series, Clients: clients, Outcome: map[string]int{}}
		lat      []time.Duration
	)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for i := range clients {
		do := newOp(i)
		wg.Go(func() {
			outcomes := map[string]int{}
			var mine []time.Duration
			var errs int
			var firstErr string
			for !stopped.Load() && ctx.Err() == nil {
				counted := counting.Load()
				start := time.Now()
				outcome, err := do(ctx)
				took := time.Since(start)
				if !counted || ctx.Err() != nil {
					continue
				}
				if err != nil {
					errs++
					if firstErr == "" {
						firstErr = err.Error()
					}
					continue
				}
				outcomes[outcome]++
				mine = append(mine, took)
			}
			mu.Lock()
			defer mu.Unlock()
			for k, v := range outcomes {
				m.Outcome[k] += v
			}
			lat = append(lat, mine...)
			m.Errors += errs
			if m.FirstError == "" {
				m.FirstError = firstErr
			}
		})
	}
	sleep(ctx, warmup)
	counting.Store(true)
	start := time.Now()
	sleep(ctx, d)
	// Operations started in the window count, and are let finish: on a
	// busy machine a short window may otherwise end before any does.
	counting.Store(false)
	stopped.Store(true)
	wg.Wait()
	elapsed := time.Since(start)
	cancel()

	m.Ops = len(lat)
	m.PerSec = float64(m.Ops) / elapsed.Seconds()
	slices.Sort(lat)
	m.P50, m.P95, m.P99 = percentile(lat, 0.50), percentile(lat, 0.95), percentile(lat, 0.99)
	return m
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

// percentile of sorted durations, in milliseconds (nearest rank).
func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := min(int(p*float64(len(sorted))), len(sorted)-1)
	return float64(sorted[i].Microseconds()) / 1000
}

// outcomes lists m's outcomes in a stable order.
func (m measurement) outcomes() []string {
	return slices.Sorted(maps.Keys(m.Outcome))
}
