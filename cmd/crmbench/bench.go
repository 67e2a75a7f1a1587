package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// bench is one run: what it measures, in order, against one database.
type bench struct {
	o   options
	db  *database
	say func(string, ...any)
}

// Names of what is measured, as the report and the chart name them.
const (
	saveRandom = "save, random leads"
	saveHot    = "save, hot leads"
	mixRandom  = "90/10 read/write, random leads"
	mixHot     = "90/10 read/write, hot leads"
	notices    = "API save with live notices"
	readPages  = "pages a rep reads"
)

// Series compared at equal clients.
const (
	seriesRaw         = "raw SQL"
	seriesRawApp      = "raw SQL, the app's statements"
	seriesAPI         = "API"
	seriesPage        = "page"
	seriesOptimistic  = "optimistic"
	seriesPessimistic = "pessimistic"
	seriesNoticesOn   = "on"
	seriesNoticesOff  = "off"
)

// headlineClients is the concurrency the targets are stated at.
const headlineClients = 8

func (b *bench) measureAll(ctx context.Context) (*report, error) {
	o := b.o
	rep := newReport(o)
	if err := b.db.pool.QueryRow(ctx, `SHOW server_version`).Scan(&rep.Postgres); err != nil {
		return nil, fmt.Errorf("read the server version: %w", err)
	}
	if err := b.db.pool.QueryRow(ctx, `SELECT count(*) FROM leads`).Scan(&rep.Leads); err != nil {
		return nil, fmt.Errorf("count leads: %w", err)
	}
	levels := slices.Clone(o.levels)
	levels = append(levels, headlineClients, 32)
	slices.Sort(levels)
	levels = slices.Compact(levels)
	readLevels := slices.Clone(o.readLevels)
	readLevels = append(readLevels, headlineClients)
	slices.Sort(readLevels)
	readLevels = slices.Compact(readLevels)
	top := max(levels[len(levels)-1], readLevels[len(readLevels)-1])

	rng := rand.New(rand.NewPCG(1, 2))
	perClient := 2000
	if o.short {
		perClient = 300
	}
	random, err := sampleLeads(ctx, b.db.pool, top*perClient, rng)
	if err != nil {
		return nil, err
	}
	hot, err := sampleLeads(ctx, b.db.pool, o.hot, rng)
	if err != nil {
		return nil, err
	}
	if len(random) < top || len(hot) < o.hot {
		return nil, errNoLeads
	}

	srv, err := startServer(ctx, o, b.db.url)
	if err != nil {
		return nil, err
	}
	b.say("the app serves on %s; its metrics and pprof are at %s; its log is %s", srv.base, srv.metrics, srv.logPath)
	defer func() {
		if srv != nil {
			srv.stop()
		}
	}()
	pages, err := b.signIn(srv, top)
	if err != nil {
		return nil, err
	}
	add := func(m measurement) {
		b.say("%-32s %-12s %3d clients: %8.0f/s  p99 %7.1f ms  %v errors %d %s", m.Name, m.Series, m.Clients, m.PerSec, m.P99, m.Outcome, m.Errors, m.FirstError)
		rep.Measurements = append(rep.Measurements, m)
	}
	run := func(name, series string, clients int, newOp func(i int) op) error {
		if err := b.refresh(ctx, random); err != nil {
			return err
		}
		add(measure(ctx, name, series, clients, o.warmup, o.duration, newOp))
		return ctx.Err()
	}

	updatedBefore, hotBefore, err := b.updates(ctx)
	if err != nil {
		return nil, err
	}
	// The same change at each concurrency: raw, API, page.
	for _, n := range levels {
		if !o.runs("sweep") {
			break
		}
		shares := share(random, n)
		steps := []struct {
			series string
			newOp  func(i int) op
		}{
			{seriesRaw, func(i int) op { return rawSave(b.db.pool, cycle(shares[i]), newRand(i)) }},
			{seriesRawApp, func(i int) op {
				return rawAppStatements(b.db.pool, b.db.reps[i%len(b.db.reps)].token, cycle(shares[i]), newRand(i))
			}},
			{seriesAPI, func(i int) op {
				return apiSave(pages[i], srv.base, b.db.reps[i%len(b.db.reps)].token, cycle(shares[i]), newRand(i))
			}},
			{seriesPage, func(i int) op { return pageSave(pages[i], srv.base, cycle(shares[i]), nil, newRand(i)) }},
		}
		for _, s := range steps {
			if err := run(saveRandom, s.series, n, s.newOp); err != nil {
				return nil, err
			}
		}
	}

	// Everybody on the same few leads: conflicts and merges.
	for _, n := range []int{headlineClients, 32} {
		if !o.runs("hot") {
			break
		}
		steps := []struct {
			series string
			newOp  func(i int) op
		}{
			{seriesRaw, func(i int) op {
				return rawSave(b.db.pool, anyOf(slices.Clone(hot), newRand(i)), newRand(i))
			}},
			{seriesAPI, func(i int) op {
				return apiSave(pages[i], srv.base, b.db.reps[i%len(b.db.reps)].token, anyOf(slices.Clone(hot), newRand(i)), newRand(i))
			}},
			{seriesPage, func(i int) op {
				rng := newRand(i)
				return pageSave(pages[i], srv.base, fresh(ctx, b.db.pool, slices.Clone(hot), rng), changeField(i, rng), rng)
			}},
		}
		for _, s := range steps {
			if err := b.refresh(ctx, hot); err != nil {
				return nil, err
			}
			add(measure(ctx, saveHot, s.series, n, o.warmup, o.duration, s.newOp))
		}
	}

	// Statistics reach pg_stat_user_tables within a second of a commit.
	sleep(ctx, 1500*time.Millisecond)
	updatedAfter, hotAfter, err := b.updates(ctx)
	if err != nil {
		return nil, err
	}
	rep.Updates, rep.HOTUpdates = updatedAfter-updatedBefore, hotAfter-hotBefore

	// Optimistic against pessimistic locking, as raw SQL.
	for _, n := range []int{headlineClients, 32} {
		if !o.runs("mix") {
			break
		}
		for _, pessimistic := range []bool{false, true} {
			series := seriesOptimistic
			if pessimistic {
				series = seriesPessimistic
			}
			shares := share(random, n)
			if err := run(mixRandom, series, n, func(i int) op {
				return mixed(b.db.pool, cycle(shares[i]), newRand(i), pessimistic)
			}); err != nil {
				return nil, err
			}
			add(measure(ctx, mixHot, series, n, o.warmup, o.duration, func(i int) op {
				return mixed(b.db.pool, anyOf(hot, newRand(i)), newRand(i), pessimistic)
			}))
		}
	}

	// The pages a rep reads, at the headline concurrency and those asked
	// for: one client shows a page's own time, eight what queueing for two
	// cores adds to it.
	var oldest int64
	if err := b.db.pool.QueryRow(ctx, `SELECT min(id) FROM leads`).Scan(&oldest); err != nil {
		return nil, fmt.Errorf("read the oldest lead: %w", err)
	}
	for _, read := range readsOf(random, oldest) {
		if !o.runs("reads") {
			break
		}
		if o.pages != nil && !slices.Contains(o.pages, read.name) {
			continue
		}
		for _, n := range readLevels {
			add(measure(ctx, readPages, read.name, n, o.warmup, o.duration, func(i int) op {
				return pageRead(pages[i], srv.base, read.next(newRand(i)))
			}))
		}
	}

	rep.Memory.RSS, rep.Memory.PeakRSS, err = srv.memory()
	if err != nil {
		return nil, err
	}
	goroutines, err := srv.metric("go_goroutines")
	if err != nil {
		b.say("no goroutine count: %v", err)
	}
	rep.Memory.Goroutines = int(goroutines)
	srv.stop()

	// Live notices off and on, alternately, each on a fresh instance.
	for range 2 {
		if !o.runs("notices") {
			break
		}
		for _, on := range []bool{false, true} {
			series, env := seriesNoticesOn, "LIVE_NOTICES=on"
			if !on {
				series, env = seriesNoticesOff, "LIVE_NOTICES=off"
			}
			if srv, err = startServer(ctx, o, b.db.url, env); err != nil {
				return nil, err
			}
			if pages, err = b.signIn(srv, headlineClients); err != nil {
				return nil, err
			}
			shares := share(random, headlineClients)
			if err := run(notices, series, headlineClients, func(i int) op {
				return apiSave(pages[i], srv.base, b.db.reps[i%len(b.db.reps)].token, cycle(shares[i]), newRand(i))
			}); err != nil {
				return nil, err
			}
			srv.stop()
		}
	}
	return rep, nil
}

// updates reads how many rows of leads were updated so far, and how many
// of those updates were HOT (the new version on the same page, no index
// touched).
func (b *bench) updates(ctx context.Context) (updated, hot int64, err error) {
	err = b.db.pool.QueryRow(ctx, `SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'leads'`).Scan(&updated, &hot)
	if err != nil {
		return 0, 0, fmt.Errorf("read the update statistics of leads: %w", err)
	}
	return updated, hot, nil
}

// signIn gives every one of n clients a signed-in HTTP client, the reps
// taking turns.
func (b *bench) signIn(srv *server, n int) ([]*http.Client, error) {
	signedIn := make([]*http.Client, len(b.db.reps))
	for i, r := range b.db.reps {
		c, err := srv.signIn(r, n)
		if err != nil {
			return nil, err
		}
		signedIn[i] = c
	}
	out := make([]*http.Client, n)
	for i := range out {
		out[i] = signedIn[i%len(signedIn)]
	}
	return out, nil
}

// refresh reads the current version and fields of leads, so that a
// measurement does not start from versions an earlier one made stale.
func (b *bench) refresh(ctx context.Context, leads []lead) error {
	ids := make([]int64, len(leads))
	for i, l := range leads {
		ids[i] = l.ID
	}
	rows, err := b.db.pool.Query(ctx, leadSelect+` WHERE id = ANY($1)`, ids)
	if err != nil {
		return fmt.Errorf("refresh leads: %w", err)
	}
	now, err := pgx.CollectRows(rows, pgx.RowToStructByPos[lead])
	if err != nil {
		return fmt.Errorf("refresh leads: %w", err)
	}
	byID := make(map[int64]lead, len(now))
	for _, l := range now {
		byID[l.ID] = l
	}
	for i := range leads {
		leads[i] = byID[leads[i].ID]
	}
	return nil
}

// changeField is how client i of the hot page run edits: each client has
// its field (phone, company or notes), so two clients on one lead either
// merge (different fields) or conflict (the same field).
func changeField(i int, rng *rand.Rand) func(*lead) {
	return func(l *lead) {
		v := strconv.Itoa(rng.IntN(1_000_000))
		switch i % 3 {
		case 0:
			l.Phone = phone(rng)
		case 1:
			l.Company = "Company " + v
		default:
			l.Notes = "Called back, ref " + v
		}
	}
}

// aRead is one kind of page a rep reads, and the addresses of it.
type aRead struct {
	name string
	next func(rng *rand.Rand) func() string
}

// searchTerms are what reps type: names, a company word, a domain; and
// the first letter or two of a name, as search-as-you-type sends them.
var (
	searchTerms      = []string{"maria", "software", "smith", "gmail", "garcia", "tech"}
	shortSearchTerms = []string{"a", "zz", "ma", "jo", "q", "x"}
)

// readNames are the names of the pages a rep reads, for -pages.
var readNames = func() []string {
	var out []string
	for _, r := range readsOf(nil, 0) {
		out = append(out, r.name)
	}
	return out
}()

func readsOf(random []lead, oldest int64) []aRead {
	return []aRead{
		{"lead page", func(rng *rand.Rand) func() string {
			return func() string { return "/leads/" + strconv.FormatInt(random[rng.IntN(len(random))].ID, 10) }
		}},
		{"lead list", func(*rand.Rand) func() string { return func() string { return "/leads" } }},
		{"list by status", func(*rand.Rand) func() string { return func() string { return "/leads?status=QUALIFIED" } }},
		{"search", func(rng *rand.Rand) func() string {
			return func() string { return "/leads?q=" + url.QueryEscape(searchTerms[rng.IntN(len(searchTerms))]) }
		}},
		{"search, 1–2 characters", func(rng *rand.Rand) func() string {
			return func() string { return "/leads?q=" + url.QueryEscape(shortSearchTerms[rng.IntN(len(shortSearchTerms))]) }
		}},
		{"deep page", func(rng *rand.Rand) func() string {
			// A page among the oldest leads, as "load more" reaches it.
			return func() string { return "/leads?after=" + strconv.FormatInt(oldest+int64(rng.IntN(1000))+50, 10) }
		}},
		{"sorted", func(rng *rand.Rand) func() string {
			return func() string { return "/leads?" + sortedViews[rng.IntN(len(sortedViews))] }
		}},
		{"filtered", func(rng *rand.Rand) func() string {
			return func() string { return "/leads?" + filteredViews[rng.IntN(len(filteredViews))] }
		}},
		{"lead board", func(rng *rand.Rand) func() string {
			return func() string { return boardViews[rng.IntN(len(boardViews))] }
		}},
		{"searched lead board", func(rng *rand.Rand) func() string {
			return func() string { return searchedBoardViews[rng.IntN(len(searchedBoardViews))] }
		}},
		{"deal board", func(rng *rand.Rand) func() string {
			return func() string { return dealBoardViews[rng.IntN(len(dealBoardViews))] }
		}},
		{"contacts and deals", func(rng *rand.Rand) func() string {
			return func() string { return recordViews[rng.IntN(len(recordViews))] }
		}},
		{"dashboard", func(rng *rand.Rand) func() string {
			return func() string { return dashboardViews[rng.IntN(len(dashboardViews))] }
		}},
		{"deep sorted page", func(rng *rand.Rand) func() string {
			// Past a random lead in name order, both ways, as "load
			// more" deep in a sorted list reaches it.
			return func() string {
				l := random[rng.IntN(len(random))]
				v := url.Values{"sort": {"name"}, "after": {strconv.FormatInt(l.ID, 10)}, "key": {l.Name}}
				if rng.IntN(2) == 0 {
					v.Set("dir", "desc")
				}
				return "/leads?" + v.Encode()
			}
		}},
	}
}

// sortedViews are the list in every order, both ways; filteredViews
// are the filters alone and with an order, as reps combine them.
var (
	sortedViews = []string{
		"sort=name", "sort=name&dir=desc", "sort=company", "sort=company&dir=desc", "sort=score", "sort=score&dir=asc",
		"sort=status", "sort=status&dir=desc", "sort=updated", "sort=updated&dir=asc", "sort=created&dir=asc",
	}
	// recordViews are the contact and deal lists reps read.
	recordViews = []string{
		"/contacts", "/contacts?q=garcia", "/contacts?q=an", "/deals", "/deals?stage=WON", "/deals?stage=QUALIFICATION",
	}
	// dashboardViews are the dashboard for the rep and for the team, in
	// each period.
	dashboardViews = []string{
		"/dashboard", "/dashboard?scope=team", "/dashboard?period=quarter", "/dashboard?scope=team&period=year&rot=30",
	}
	// boardViews are the lead boards reps read: everyone's, their own,
	// nobody's, by source; searchedBoardViews searched, apart because a
	// search costs each column a walk of its own; dealBoardViews the deal
	// boards.
	boardViews = []string{
		"/leads/board", "/leads/board?owner=me", "/leads/board?source=Referral", "/leads/board?owner=none",
	}
	searchedBoardViews = []string{"/leads/board?q=garcia", "/leads/board?q=an"}
	dealBoardViews     = []string{"/deals/board", "/deals/board?owner=me"}
	filteredViews      = []string{
		"source=Webinar", "source=Event%3A+SaaStr", "score_min=90", "score_min=40&score_max=60&sort=name",
		"status=QUALIFIED&sort=score", "source=Referral&status=NEW&sort=updated", "created_from=2026-01-01&created_to=2026-01-31",
		"updated_from=2026-11-01&sort=updated", "q=garcia&sort=name", "q=software&source=LinkedIn&score_min=50",
	}
)
