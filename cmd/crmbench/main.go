// Crmbench measures how much of the database's speed the CRM delivers. In
// one run, at the same concurrency, it times the same change made as raw
// SQL (a read and a compare-and-swap through pgx: the ceiling), through the
// JSON API and through the page form, on random and on hot leads; then
// optimistic against pessimistic locking, saves with live notices on and
// off, and the pages a rep reads. It provisions its own database (seeded
// with a million leads, reused when already seeded), starts the app as a
// child process, prints a table and writes docs/benchmarks.md with an SVG
// chart. Only this machine is ever contacted.
//
//	make bench              # the full run, about 6 minutes once seeded
//	make bench-short        # a quick look: fewer leads, shorter runs
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// options are the knobs of one run.
type options struct {
	databaseURL string // a role that may create databases, on this machine
	database    string // the bench's own database on that cluster
	app         string // the crm binary to start
	leads       int
	duration    time.Duration // of each measurement
	warmup      time.Duration // before each measurement, not counted
	levels      []int         // concurrencies of the throughput sweep
	readLevels  []int         // concurrencies of the pages a rep reads
	pages       []string      // the pages a rep reads to measure; nil for all
	hot         int           // leads every client of the hot runs shares
	out         string        // Markdown report; empty for none
	results     string        // the figures as JSON, for a later -before
	before      string        // an earlier run's JSON, shown beside this one
	label       string        // what this run measured, e.g. a commit
	short       bool
	only        map[string]bool // the parts to run; nil for all
	rewrite     bool            // write the report from -results, measuring nothing
}

// parts are what a run measures, in order; -only picks some.
var parts = []string{"sweep", "hot", "mix", "reads", "notices"}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o, err := parseOptions(os.Args[1:], os.Getenv)
	if err == nil {
		err = run(ctx, o, os.Stdout, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "crmbench:", err)
		os.Exit(1)
	}
}

func parseOptions(args []string, getenv func(string) string) (options, error) {
	o := options{databaseURL: getenv("DATABASE_URL")}
	fs := flag.NewFlagSet("crmbench", flag.ContinueOnError)
	fs.StringVar(&o.database, "database", "", "the bench's own database, created on DATABASE_URL's cluster (default crm_bench, crm_bench_short with -short)")
	fs.StringVar(&o.app, "app", "bin/crm", "the crm binary to measure")
	fs.IntVar(&o.leads, "leads", 1_000_000, "leads in the bench database")
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "length of each measurement")
	fs.DurationVar(&o.warmup, "warmup", time.Second, "warm-up before each measurement")
	levels := fs.String("levels", "1,2,4,8,16,32", "concurrencies of the throughput sweep (8 and 32 are always run)")
	readLevels := fs.String("read-levels", "8", "concurrencies of the pages a rep reads (8 is always run)")
	pages := fs.String("pages", "", "measure only these pages a rep reads, commas between (e.g. \"dashboard,lead board\"); empty for all")
	fs.IntVar(&o.hot, "hot", 10, "leads the hot runs share")
	fs.StringVar(&o.out, "out", "docs/benchmarks.md", "Markdown report to write (its chart goes beside it as .svg); empty for none")
	fs.StringVar(&o.results, "results", "", "file to write the figures to as JSON (default: the report's name with .json)")
	fs.StringVar(&o.before, "before", "", "JSON of an earlier run to show beside this one")
	fs.StringVar(&o.label, "label", "", "what this run measured (e.g. a commit); default: the app's git describe")
	only := fs.String("only", "", "run only these parts, commas between: "+strings.Join(parts, ", "))
	fs.BoolVar(&o.rewrite, "rewrite", false, "measure nothing: write the report again from the figures in -results (after a change to the report's form)")
	fs.BoolVar(&o.short, "short", false, "a quick look: 20,000 leads, 1.5 s measurements, concurrencies 8 and 32")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if o.databaseURL == "" && !o.rewrite {
		return o, errors.New("DATABASE_URL is not set (make bench provisions one)")
	}
	if o.database == "" {
		o.database = "crm_bench"
		if o.short {
			o.database = "crm_bench_short"
		}
	}
	if o.short {
		o.leads, o.duration, o.warmup, *levels = min(o.leads, 20_000), 1500*time.Millisecond, 300*time.Millisecond, "8,32"
	}
	var err error
	if o.levels, err = concurrencies("-levels", *levels); err != nil {
		return o, err
	}
	if o.readLevels, err = concurrencies("-read-levels", *readLevels); err != nil {
		return o, err
	}
	if *pages != "" {
		for _, p := range strings.Split(*pages, ",") {
			p = strings.TrimSpace(p)
			if !slices.Contains(readNames, p) {
				return o, fmt.Errorf("-pages: %q is not one of %s", p, strings.Join(readNames, ", "))
			}
			o.pages = append(o.pages, p)
		}
	}
	if *only != "" {
		o.only = map[string]bool{}
		for _, p := range strings.Split(*only, ",") {
			if !slices.Contains(parts, strings.TrimSpace(p)) {
				return o, fmt.Errorf("-only: %q is not one of %s", p, strings.Join(parts, ", "))
			}
			o.only[strings.TrimSpace(p)] = true
		}
	}
	if o.results == "" && o.out != "" {
		o.results = strings.TrimSuffix(o.out, ".md") + ".json"
	}
	if o.leads < 1000 || o.hot < 1 || o.duration <= 0 {
		return o, errors.New("-leads must be at least 1000, -hot and -duration positive")
	}
	return o, nil
}

// concurrencies reads flag's list of client counts.
func concurrencies(flag, list string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 256 {
			return nil, fmt.Errorf("%s: %q is not a concurrency from 1 to 256", flag, f)
		}
		out = append(out, n)
	}
	return out, nil
}

// runs reports whether part is to be run.
func (o options) runs(part string) bool { return o.only == nil || o.only[part] }

// run measures everything once and reports it.
func run(ctx context.Context, o options, stdout, stderr io.Writer) error {
	say := func(format string, args ...any) { fmt.Fprintf(stderr, "crmbench: "+format+"\n", args...) }
	var rep *report
	var err error
	if o.rewrite {
		if rep, err = readReport(o.results); err != nil {
			return err
		}
	} else if rep, err = measureEverything(ctx, o, say, stderr); err != nil {
		return err
	}
	var before *report
	if o.before != "" {
		if before, err = readReport(o.before); err != nil {
			return err
		}
	}
	printTable(stdout, rep, before)
	if o.results != "" && !o.rewrite {
		if err := rep.write(o.results); err != nil {
			return err
		}
	}
	if o.out != "" {
		if err := writeMarkdown(o.out, rep, before); err != nil {
			return err
		}
		say("wrote %s and %s", o.out, chartPath(o.out))
	}
	return nil
}

// measureEverything provisions the bench database and measures
// everything once.
func measureEverything(ctx context.Context, o options, say func(string, ...any), log io.Writer) (*report, error) {
	start := time.Now()
	db, err := provision(ctx, o, say, log)
	if err != nil {
		return nil, err
	}
	defer db.close()
	rep, err := (&bench{o: o, db: db, say: say}).measureAll(ctx)
	if err != nil {
		return nil, err
	}
	rep.Took = time.Since(start).Round(time.Second)
	if rep.Label == "" {
		rep.Label = describe()
	}
	return rep, nil
}
