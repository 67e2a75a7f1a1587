package main

import (
	"bytes"
	"fmt"
	"html"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// chartPath is where the chart of the report at md goes.
func chartPath(md string) string { return strings.TrimSuffix(md, ".md") + ".svg" }

// writeMarkdown writes the report at path, its chart beside it.
func writeMarkdown(path string, r, before *report) error {
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# Benchmarks\n\n")
	p("Written by `make bench` (cmd/crmbench); do not edit by hand, run it again.\n\n")
	p("How much of the database's speed the CRM delivers: the same change to a lead made as raw SQL\n")
	p("through pgx (a read and a compare-and-swap, nothing else: the ceiling), through the JSON API\n")
	p("(PATCH with If-Match) and through the page form (an htmx POST), at the same concurrency, in one run.\n")
	p("**The ratios are the headline**; absolute numbers are this machine's only.\n\n")
	p("- Run: %s, %s (%s); took %s.\n", r.Date.Format("2006-01-02 15:04 MST"), r.Label, shortOrFull(r), r.Took)
	p("- Machine: %s; %s; PostgreSQL %s. Client, app and database share the machine's cores.\n", r.Machine, r.Go, r.Postgres)
	p("- Database: its own (`crm_bench`), %d seeded leads, `synchronous_commit = off` for that database only, so the\n  disk's flush rate does not hide the CPU cost compared.\n", r.Leads)
	p("- Each figure: %s after a warm-up; clients on loopback; latencies as the client saw them.\n", r.Duration)
	p("- Command: `make bench` (or `make bench-short`; `go run ./cmd/crmbench -h` lists the knobs).\n\n")

	p("## Targets\n\n")
	if before != nil {
		p("| target | goal | before: %s | now: %s | |\n|---|---|---|---|---|\n", before.Label, r.Label)
	} else {
		p("| target | goal | now | |\n|---|---|---|---|\n")
	}
	for _, t := range targets {
		v := t.value(r)
		if before != nil {
			p("| %s | %s | %s | %s | %s |\n", t.what, t.goal, t.show(t.value(before)), t.show(v), t.status(v))
		} else {
			p("| %s | %s | %s | %s |\n", t.what, t.goal, t.show(v), t.status(v))
		}
	}
	p("\nThe app's memory at the end of the save and read runs: RSS %.0f MB, peak %.0f MB; %d goroutines. %s.\n\n",
		float64(r.Memory.RSS)/(1<<20), float64(r.Memory.PeakRSS)/(1<<20), r.Memory.Goroutines, hotText(r))

	p("## Saves per second against concurrency\n\n![Saves per second of raw SQL, the API and the page form, by number of clients](%s)\n\n", filepath.Base(chartPath(path)))

	p("## Every measurement\n\n")
	p("Outcomes: *saved* went through; *merged* went through after merging with a save made since the rep's version;\n")
	p("*conflict* is the page's 409 (both changed one field); *stale* is the API's 412 (its If-Match was stale);\n")
	p("raw SQL's *stale* is a compare-and-swap that missed. Hot leads: every client on the same %d leads; page clients\n", r.Hot)
	p("each edit their own field (phone, company or notes) from a fresh read, API clients keep the version each answer's ETag gives.\n\n")
	section := func(rep *report, title string) {
		p("### %s\n\n| measurement | series | clients | per s | p50 ms | p95 ms | p99 ms | outcomes |\n|---|---|---|---|---|---|---|---|\n", title)
		for _, m := range rep.Measurements {
			p("| %s | %s | %d | %.0f | %.1f | %.1f | %.1f | %s |\n", m.Name, m.Series, m.Clients, m.PerSec, m.P50, m.P95, m.P99, outcomeText(m))
		}
		p("\n")
	}
	section(r, "Now: "+r.Label)
	if before != nil {
		section(before, "Before: "+before.Label)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.WriteFile(chartPath(path), chart(r, before), 0o644); err != nil {
		return fmt.Errorf("write the chart: %w", err)
	}
	return nil
}

func shortOrFull(r *report) string {
	if r.Short {
		return "short mode"
	}
	return "full mode"
}

// chart draws saves per second of each series against the number of
// clients (a log scale), this run solid and the earlier one dashed.
func chart(r, before *report) []byte {
	const (
		width, height          = 800, 400
		left, right, top, foot = 70, 230, 40, 50
	)
	series := []struct{ name, color string }{{seriesRaw, "#1b6ac9"}, {seriesRawApp, "#7c3aed"}, {seriesAPI, "#c2410c"}, {seriesPage, "#15803d"}}
	type point struct {
		clients int
		perSec  float64
	}
	pointsOf := func(rep *report, s string) []point {
		var pts []point
		for _, m := range rep.Measurements {
			if m.Name == saveRandom && m.Series == s {
				pts = append(pts, point{m.Clients, m.PerSec})
			}
		}
		slices.SortFunc(pts, func(a, b point) int { return a.clients - b.clients })
		return pts
	}
	reports := []*report{r}
	if before != nil {
		reports = append(reports, before)
	}
	maxClients, maxY := 1, 1.0
	for _, rep := range reports {
		for _, s := range series {
			for _, pt := range pointsOf(rep, s.name) {
				maxClients, maxY = max(maxClients, pt.clients), max(maxY, pt.perSec)
			}
		}
	}
	maxY = niceCeil(maxY)
	plotW, plotH := float64(width-left-right), float64(height-top-foot)
	x := func(c int) float64 {
		if maxClients == 1 {
			return left
		}
		return left + plotW*math.Log2(float64(c))/math.Log2(float64(maxClients))
	}
	y := func(v float64) float64 { return top + plotH*(1-v/maxY) }

	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12" role="img" aria-labelledby="t">`+"\n", width, height, width, height)
	p(`<title id="t">Saves per second by clients: raw SQL, the app's statements as raw SQL, API and page form</title>` + "\n")
	p(`<rect width="100%%" height="100%%" fill="#fff"/>` + "\n")
	p(`<text x="%d" y="20" font-size="14" font-weight="bold">Saves per second, random leads (%s)</text>`+"\n", left, html.EscapeString(r.Label))
	for i := 0; i <= 4; i++ {
		v := maxY * float64(i) / 4
		p(`<line x1="%d" x2="%.0f" y1="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", left, float64(left)+plotW, y(v), y(v))
		p(`<text x="%d" y="%.1f" text-anchor="end">%.0f</text>`+"\n", left-6, y(v)+4, v)
	}
	for c := 1; c <= maxClients; c *= 2 {
		p(`<line x1="%.1f" x2="%.1f" y1="%d" y2="%.0f" stroke="#eee"/>`+"\n", x(c), x(c), top, float64(top)+plotH)
		p(`<text x="%.1f" y="%.0f" text-anchor="middle">%d</text>`+"\n", x(c), float64(top)+plotH+16, c)
	}
	p(`<text x="%.0f" y="%d" text-anchor="middle">clients</text>`+"\n", float64(left)+plotW/2, height-12)
	for i, rep := range reports {
		dash := ""
		if i > 0 {
			dash = ` stroke-dasharray="5 4" opacity="0.7"`
		}
		for _, s := range series {
			pts := pointsOf(rep, s.name)
			if len(pts) == 0 {
				continue
			}
			var path []string
			for _, pt := range pts {
				path = append(path, fmt.Sprintf("%.1f,%.1f", x(pt.clients), y(pt.perSec)))
				p(`<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>`+"\n", x(pt.clients), y(pt.perSec), s.color)
			}
			p(`<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n", strings.Join(path, " "), s.color, dash)
		}
	}
	legend := float64(width - right + 14)
	for i, s := range series {
		ly := float64(top + 10 + 20*i)
		p(`<line x1="%.0f" x2="%.0f" y1="%.0f" y2="%.0f" stroke="%s" stroke-width="2"/>`+"\n", legend, legend+20, ly, ly, s.color)
		p(`<text x="%.0f" y="%.0f">%s</text>`+"\n", legend+26, ly+4, html.EscapeString(s.name))
	}
	if before != nil {
		ly := float64(top + 10 + 20*len(series))
		p(`<line x1="%.0f" x2="%.0f" y1="%.0f" y2="%.0f" stroke="#555" stroke-width="2" stroke-dasharray="5 4"/>`+"\n", legend, legend+20, ly, ly)
		p(`<text x="%.0f" y="%.0f">before</text>`+"\n", legend+26, ly+4)
	}
	p("</svg>\n")
	return b.Bytes()
}

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	pow := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if v <= m*pow {
			return m * pow
		}
	}
	return 10 * pow
}
