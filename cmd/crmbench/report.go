package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// report is one run's figures and where they were measured.
type report struct {
	Label    string    `json:"label"`
	Date     time.Time `json:"date"`
	Machine  string    `json:"machine"`
	Go       string    `json:"go"`
	Postgres string    `json:"postgres"`
	Leads    int       `json:"leads"`
	Hot      int       `json:"hot"`      // leads every client of the hot runs shares
	Duration string    `json:"duration"` // of each measurement
	Short    bool      `json:"short"`
	Took     time.Duration
	// Memory is the app's, at the end of the save and read runs.
	Memory struct {
		RSS        int64 `json:"rss_bytes"`
		PeakRSS    int64 `json:"peak_rss_bytes"`
		Goroutines int   `json:"goroutines"`
	} `json:"memory"`
	// Updates of leads during the save runs, and how many were HOT.
	Updates    int64 `json:"updates"`
	HOTUpdates int64 `json:"hot_updates"`

	Measurements []measurement `json:"measurements"`
}

func newReport(o options) *report {
	return &report{
		Label: o.label, Date: time.Now().UTC().Truncate(time.Second), Machine: machine(), Go: runtime.Version(),
		Leads: o.leads, Hot: o.hot, Duration: o.duration.String(), Short: o.short,
	}
}

// find returns the measurement of name and series at clients, if made.
func (r *report) find(name, series string, clients int) (measurement, bool) {
	for _, m := range r.Measurements {
		if m.Name == name && m.Series == series && m.Clients == clients {
			return m, true
		}
	}
	return measurement{}, false
}

// perSec sums the throughput of every measurement of name and series at
// clients (the notice runs are made twice, alternately).
func (r *report) perSec(name, series string, clients int) float64 {
	var sum float64
	var n int
	for _, m := range r.Measurements {
		if m.Name == name && m.Series == series && m.Clients == clients {
			sum += m.PerSec
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

func (r *report) write(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

func readReport(path string) (*report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read the earlier run: %w", err)
	}
	var r report
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("read the earlier run %s: %w", path, err)
	}
	return &r, nil
}

// target is one of the goals the bench checks, as a ratio or a bound.
type target struct {
	what   string
	value  func(r *report) float64
	format string // of the value
	goal   string
	met    func(v float64) bool // nil for a figure that only explains others
}

// status says whether v meets t.
func (t target) status(v float64) string {
	switch {
	case t.met == nil || math.IsNaN(v):
		return ""
	case t.met(v):
		return "met"
	}
	return "**missed**"
}

var targets = []target{
	{"API save / raw SQL, random leads, 8 clients", func(r *report) float64 {
		return ratio(r.perSec(saveRandom, seriesAPI, headlineClients), r.perSec(saveRandom, seriesRaw, headlineClients))
	}, "%.0f %%", "≥ 70 %", func(v float64) bool { return v >= 70 }},
	{"API save / raw SQL of the app's statements, random leads, 8 clients (the app's own share)", func(r *report) float64 {
		return ratio(r.perSec(saveRandom, seriesAPI, headlineClients), r.perSec(saveRandom, seriesRawApp, headlineClients))
	}, "%.0f %%", "(explains the gap)", nil},
	{"page save / raw SQL, random leads, 8 clients", func(r *report) float64 {
		return ratio(r.perSec(saveRandom, seriesPage, headlineClients), r.perSec(saveRandom, seriesRaw, headlineClients))
	}, "%.0f %%", "≥ 60 %", func(v float64) bool { return v >= 60 }},
	{"optimistic / pessimistic, 90/10 mix, hot leads, 8 clients", func(r *report) float64 {
		return ratio(r.perSec(mixHot, seriesOptimistic, headlineClients), r.perSec(mixHot, seriesPessimistic, headlineClients))
	}, "%.0f %%", "≥ 100 %", func(v float64) bool { return v >= 100 }},
	{"optimistic / pessimistic, 90/10 mix, random leads, 8 clients", func(r *report) float64 {
		return ratio(r.perSec(mixRandom, seriesOptimistic, headlineClients), r.perSec(mixRandom, seriesPessimistic, headlineClients))
	}, "%.0f %%", "≥ 100 %", func(v float64) bool { return v >= 100 }},
	{"API saves lost to live notices, 8 clients", func(r *report) float64 {
		return 100 - ratio(r.perSec(notices, seriesNoticesOn, headlineClients), r.perSec(notices, seriesNoticesOff, headlineClients))
	}, "%.0f %%", "≤ 10 %", func(v float64) bool { return v <= 10 }},
	{"p99 of an API save, 8 clients", func(r *report) float64 {
		m, _ := r.find(saveRandom, seriesAPI, headlineClients)
		return m.P99
	}, "%.1f ms", "≤ 20 ms", func(v float64) bool { return v <= 20 }},
	{"p99 of a page save, 8 clients", func(r *report) float64 {
		m, _ := r.find(saveRandom, seriesPage, headlineClients)
		return m.P99
	}, "%.1f ms", "≤ 20 ms", func(v float64) bool { return v <= 20 }},
	{"p99 of the lead board, 8 clients", func(r *report) float64 {
		m, _ := r.find(readPages, "lead board", headlineClients)
		return m.P99
	}, "%.1f ms", "≤ 50 ms", func(v float64) bool { return v <= 50 }},
	{"p99 of the searched lead board, 8 clients", func(r *report) float64 {
		m, _ := r.find(readPages, "searched lead board", headlineClients)
		return m.P99
	}, "%.1f ms", "≤ 50 ms", func(v float64) bool { return v <= 50 }},
	{"p99 of the deal board, 8 clients", func(r *report) float64 {
		m, _ := r.find(readPages, "deal board", headlineClients)
		return m.P99
	}, "%.1f ms", "≤ 50 ms", func(v float64) bool { return v <= 50 }},
	{"p99 of the dashboard, 8 clients", func(r *report) float64 {
		m, _ := r.find(readPages, "dashboard", headlineClients)
		return m.P99
	}, "%.1f ms", "≤ 50 ms", func(v float64) bool { return v <= 50 }},
	{"the app's peak RSS", func(r *report) float64 { return float64(r.Memory.PeakRSS) / (1 << 20) },
		"%.0f MB", "< 100 MB", func(v float64) bool { return v < 100 }},
}

// ratio is a/b in percent; NaN when either was not measured.
func ratio(a, b float64) float64 {
	if a == 0 || b == 0 {
		return math.NaN()
	}
	return 100 * a / b
}

// show formats v as t does, or a dash when it was not measured.
func (t target) show(v float64) string {
	if math.IsNaN(v) || (v == 0 && t.format != "%.0f %%") {
		return "—"
	}
	return fmt.Sprintf(t.format, v)
}

// printTable prints the targets, then every measurement.
func printTable(w io.Writer, r, before *report) {
	fmt.Fprintf(w, "\n%s, %d leads, %s each (%s)\n\n", r.Machine, r.Leads, r.Duration, r.Label)
	for _, t := range targets {
		v := t.value(r)
		line := fmt.Sprintf("  %-62s %s  (goal %s: %s)", t.what, t.show(v), t.goal, strings.Trim(t.status(v), "*"))
		if before != nil {
			line += "   before: " + t.show(t.value(before))
		}
		fmt.Fprintln(w, line)
	}
	fmt.Fprintf(w, "\n  %-32s %-14s %7s %9s %8s %8s %8s  %s\n", "measurement", "series", "clients", "per s", "p50 ms", "p95 ms", "p99 ms", "outcomes")
	for _, m := range r.Measurements {
		fmt.Fprintf(w, "  %-32s %-14s %7d %9.0f %8.1f %8.1f %8.1f  %s\n", m.Name, m.Series, m.Clients, m.PerSec, m.P50, m.P95, m.P99, outcomeText(m))
	}
	fmt.Fprintf(w, "\n  app at the end: RSS %.0f MB (peak %.0f MB), %d goroutines\n",
		float64(r.Memory.RSS)/(1<<20), float64(r.Memory.PeakRSS)/(1<<20), r.Memory.Goroutines)
	fmt.Fprintf(w, "  %s\n", hotText(r))
}

func outcomeText(m measurement) string {
	var parts []string
	for _, o := range m.outcomes() {
		parts = append(parts, fmt.Sprintf("%s %d", o, m.Outcome[o]))
	}
	if m.Errors > 0 {
		parts = append(parts, fmt.Sprintf("errors %d (%s)", m.Errors, m.FirstError))
	}
	return strings.Join(parts, ", ")
}

// machine describes this machine: CPU model, cores and memory.
func machine() string {
	cpu := "unknown CPU"
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if name, value, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(name) == "model name" {
				cpu = strings.TrimSpace(value)
				break
			}
		}
		f.Close()
	}
	mem := ""
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		if sc.Scan() {
			var kb int64
			if _, err := fmt.Sscanf(strings.TrimPrefix(sc.Text(), "MemTotal:"), "%d", &kb); err == nil {
				mem = fmt.Sprintf(", %.0f GiB", float64(kb)/(1<<20))
			}
		}
		f.Close()
	}
	return fmt.Sprintf("%s, %d cores%s", cpu, runtime.NumCPU(), mem)
}

// describe names the code measured: git describe of the working tree.
func describe() string {
	out, err := exec.Command("git", "describe", "--always", "--dirty").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}

// hotText says how many updates of leads were HOT during the save runs.
func hotText(r *report) string {
	if r.Updates == 0 {
		return "HOT updates of leads during the save runs: not measured"
	}
	// Not ratio: none HOT of many updates is 0 %, not "not measured".
	return fmt.Sprintf("HOT updates of leads during the save runs: %d of %d (%.0f %%)", r.HOTUpdates, r.Updates, 100*float64(r.HOTUpdates)/float64(r.Updates))
}
