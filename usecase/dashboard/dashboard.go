// Package dashboard computes a rep's dashboard: the lead funnel, the open
// pipeline, the deals won and lost, the time deals spend in each stage, the
// deals left to rot and the rep's overdue tasks. The repository reads a few
// counts; the arithmetic on them (rates, averages) lives here, where it is
// tested without a database.
package dashboard

import (
	"context"
	"fmt"
	"sync"
	"time"

	"crm/domain/deal"
	"crm/domain/lead"
)

// Funnel is the steps of the lead funnel, in order. A lead has reached a
// step when its status is that step or a later one: the statuses' order in
// the domain, not the history. A lead now Converted was Contacted and
// Qualified, as the state machine allows no other way there, and counting
// from the kept per-status counts reads a handful of rows where the history
// would read millions. A Lost lead counts as having reached New only: where
// it was lost from is in its history, which this does not read.
var Funnel = []lead.Status{lead.StatusNew, lead.StatusContacted, lead.StatusQualified, lead.StatusConverted}

// Period is the stretch of time the closed deals and the stage times cover.
type Period string

// The periods a rep can choose, each the current one up to now.
const (
	PeriodMonth   Period = "month"
	PeriodQuarter Period = "quarter"
	PeriodYear    Period = "year"
)

// Periods lists every period, shortest first.
var Periods = []Period{PeriodMonth, PeriodQuarter, PeriodYear}

// ParsePeriod reads a period from a query; "" is the month.
func ParsePeriod(s string) (Period, error) {
	if s == "" {
		return PeriodMonth, nil
	}
	for _, p := range Periods {
		if string(p) == s {
			return p, nil
		}
	}
	return "", fmt.Errorf("%q is not a period: choose month, quarter or year", s)
}

// Label is the period as a rep reads it ("This quarter").
func (p Period) Label() string {
	switch p {
	case PeriodQuarter:
		return "This quarter"
	case PeriodYear:
		return "This year"
	}
	return "This month"
}

// Range is the period containing now, from its first midnight in loc to
// the next period's first midnight.
func (p Period) Range(now time.Time, loc *time.Location) (from, to time.Time) {
	y, m, _ := now.In(loc).Date()
	switch p {
	case PeriodQuarter:
		first := time.Month((int(m)-1)/3*3 + 1)
		from = time.Date(y, first, 1, 0, 0, 0, 0, loc)
		return from, from.AddDate(0, 3, 0)
	case PeriodYear:
		from = time.Date(y, time.January, 1, 0, 0, 0, 0, loc)
		return from, from.AddDate(1, 0, 0)
	}
	from = time.Date(y, m, 1, 0, 0, 0, 0, loc)
	return from, from.AddDate(0, 1, 0)
}

// The bounds of the rotting threshold, in days.
const (
	DefaultRotDays = 14
	MaxRotDays     = 365
)

// RottingShown is how many rotting deals the page lists; RottingCounted
// bounds the count, so a pipeline left alone for months costs no more to
// read than one with a few stale deals.
const (
	RottingShown   = 10
	RottingCounted = 1000
)

// StageSample is how many stage changes the average days per stage are
// taken from, the latest of the period: enough to be a fair average, few
// enough that reading each change's previous one stays within the page's
// budget. StageScan bounds how many of the team's latest changes are read
// to find a rep's: a rep with few deals gets an average over fewer.
const (
	StageSample = 200
	StageScan   = 5000
)

// Query is what a dashboard shows: whose records (Owner, 0 for the whole
// team), which period, and after how many days without a save an open deal
// rots.
type Query struct {
	Owner   int64
	Period  Period
	RotDays int
	// Rep is the rep looking, whose overdue tasks are shown.
	Rep int64
}

// Amount is a sum of deal amounts in one currency: amounts in different
// currencies are never added together.
type Amount struct {
	Currency string
	Minor    int64
	Deals    int64
}

// StageTime is how long deals stayed in a stage: Days in all, over Moves
// moves out of it.
type StageTime struct {
	Moves int64
	Days  float64
}

// RottingDeal is an open deal nobody has saved since Touched.
type RottingDeal struct {
	ID      int64
	Title   string
	Stage   deal.Stage
	Touched time.Time
}

// Rotting is the open deals not saved since a day: up to RottingShown of
// them, the longest untouched first, and how many there are (up to
// RottingCounted).
type Rotting struct {
	Deals []RottingDeal
	Count int64
}

// OverdueTask is an open task of the rep's that fell due.
type OverdueTask struct {
	ID    int64
	Title string
	Due   time.Time
}

// Repository reads the figures. owner 0 reads the whole team's records.
// Every method returns a domain.ErrUnavailable error when the database
// cannot be reached.
type Repository interface {
	// LeadStatuses counts the live leads per status.
	LeadStatuses(ctx context.Context, owner int64) (map[lead.Status]int64, error)
	// Pipeline sums the live deals in each of stages by currency.
	Pipeline(ctx context.Context, owner int64, stages []deal.Stage) (map[deal.Stage][]Amount, error)
	// Entered counts the live deals now in each of stages that entered it
	// in [from, to).
	Entered(ctx context.Context, owner int64, stages []deal.Stage, from, to time.Time) (map[deal.Stage]int64, error)
	// StageTimes sums, over the latest sample stage changes of owner's
	// deals among the latest scan changes in [from, to), the time each deal
	// had spent in the stage it left since it entered it (its previous
	// stage change, or its creation).
	StageTimes(ctx context.Context, owner int64, from, to time.Time, sample, scan int) (map[deal.Stage]StageTime, error)
	// Rotting lists the live deals in stages last saved before since.
	Rotting(ctx context.Context, owner int64, stages []deal.Stage, since time.Time, shown, counted int) (Rotting, error)
}

// Tasks reads the rep's overdue tasks.
type Tasks interface {
	// OverdueTasks lists rep's open tasks due before now, the most
	// overdue first, up to limit, and how many there are.
	OverdueTasks(ctx context.Context, rep int64, now time.Time, limit int) ([]OverdueTask, int, error)
}

// Service builds dashboards.
type Service struct {
	repo  Repository
	tasks Tasks
}

// NewService returns a Service reading from repo and tasks.
func NewService(repo Repository, tasks Tasks) *Service { return &Service{repo: repo, tasks: tasks} }

// OverdueShown is how many overdue tasks the page lists.
const OverdueShown = 5

// Build reads every figure of q's dashboard at now, periods in loc. The
// figures are independent reads, each of a few rows, so they are read at
// once (each on a connection of its own): the page waits for the slowest
// rather than for their sum. The first failure, in the page's order, is
// the one returned.
func (s *Service) Build(ctx context.Context, q Query, now time.Time, loc *time.Location) (Dashboard, error) {
	d := Dashboard{Query: q}
	var open []deal.Stage
	for _, st := range deal.Stages {
		if st.Open() {
			open = append(open, st)
		}
	}
	periods := closedPeriods(q.Period)
	d.Closed = make([]Closed, len(periods))
	from, to := q.Period.Range(now, loc)
	d.RotSince = now.Add(-time.Duration(q.RotDays) * 24 * time.Hour)

	var (
		statuses map[lead.Status]int64
		pipe     map[deal.Stage][]Amount
		times    map[deal.Stage]StageTime
	)
	reads := []func() error{
		func() (err error) {
			statuses, err = s.repo.LeadStatuses(ctx, q.Owner)
			return wrap(err, "dashboard funnel")
		},
		func() (err error) {
			pipe, err = s.repo.Pipeline(ctx, q.Owner, open)
			return wrap(err, "dashboard pipeline")
		},
	}
	closed := []deal.Stage{deal.StageWon, deal.StageLost}
	for i, p := range periods {
		reads = append(reads, func() error {
			from, to := p.Range(now, loc)
			n, err := s.repo.Entered(ctx, q.Owner, closed, from, to)
			d.Closed[i] = Closed{Period: p, From: from, To: to, Won: n[deal.StageWon], Lost: n[deal.StageLost]}
			return wrap(err, "dashboard deals closed "+string(p))
		})
	}
	reads = append(reads,
		func() (err error) {
			times, err = s.repo.StageTimes(ctx, q.Owner, from, to, StageSample, StageScan)
			return wrap(err, "dashboard stage times")
		},
		func() (err error) {
			d.Rotting, err = s.repo.Rotting(ctx, q.Owner, open, d.RotSince, RottingShown, RottingCounted)
			return wrap(err, "dashboard rotting deals")
		},
		func() (err error) {
			d.Overdue, d.OverdueCount, err = s.tasks.OverdueTasks(ctx, q.Rep, now, OverdueShown)
			return wrap(err, "dashboard overdue tasks")
		},
	)
	errs := make([]error, len(reads))
	var wg sync.WaitGroup
	for i, read := range reads {
		wg.Go(func() { errs[i] = read() })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return d, err
		}
	}

	d.Funnel = FunnelOf(statuses)
	for _, st := range open {
		d.Pipeline = append(d.Pipeline, StagePipeline{Stage: st, Amounts: pipe[st]})
		d.StageDays = append(d.StageDays, StageDays{Stage: st, StageTime: times[st]})
	}
	return d, nil
}

// wrap says which figure err failed; nil stays nil.
func wrap(err error, figure string) error {
	if err != nil {
		return fmt.Errorf("%s: %w", figure, err)
	}
	return nil
}

// closedPeriods are the periods whose closed deals are shown: this month
// and this quarter always, and the chosen period.
func closedPeriods(chosen Period) []Period {
	ps := []Period{PeriodMonth, PeriodQuarter}
	if chosen == PeriodYear {
		ps = append(ps, PeriodYear)
	}
	return ps
}
