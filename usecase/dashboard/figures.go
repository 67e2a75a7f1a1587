package dashboard

import (
	"time"

	"crm/domain/deal"
	"crm/domain/lead"
)

// Dashboard is every figure of one dashboard.
type Dashboard struct {
	Query     Query
	Funnel    []FunnelStep
	Pipeline  []StagePipeline
	Closed    []Closed
	StageDays []StageDays
	// RotSince is the day before which an open deal's last save makes it
	// rotting.
	RotSince     time.Time
	Rotting      Rotting
	Overdue      []OverdueTask
	OverdueCount int
}

// Rate is a share in whole tenths of a percent, or none when nothing was
// there to take a share of.
type Rate struct {
	PerMille int64
	Known    bool
}

// rate is part of whole, none when whole is 0.
func rate(part, whole int64) Rate {
	if whole <= 0 {
		return Rate{}
	}
	return Rate{PerMille: (part*1000 + whole/2) / whole, Known: true}
}

// FunnelStep is one step of the lead funnel: the leads now at that status
// (Now), those that reached it (Reached: now there or further on) and the
// share of the previous step's that did (none for the first step).
type FunnelStep struct {
	Status  lead.Status
	Now     int64
	Reached int64
	Rate    Rate
}

// FunnelOf turns the live leads per status into the funnel (see Funnel for
// what reaching a step means).
func FunnelOf(counts map[lead.Status]int64) []FunnelStep {
	steps := make([]FunnelStep, len(Funnel))
	var further int64
	for i := len(Funnel) - 1; i >= 0; i-- {
		further += counts[Funnel[i]]
		steps[i] = FunnelStep{Status: Funnel[i], Now: counts[Funnel[i]], Reached: further}
	}
	// Every lead started New, the lost ones included.
	steps[0].Reached += counts[lead.StatusLost]
	for i := 1; i < len(steps); i++ {
		steps[i].Rate = rate(steps[i].Reached, steps[i-1].Reached)
	}
	return steps
}

// StagePipeline is the open value of one stage, one amount per currency.
type StagePipeline struct {
	Stage   deal.Stage
	Amounts []Amount
}

// Closed is the deals won and lost in a period.
type Closed struct {
	Period   Period
	From, To time.Time
	Won      int64
	Lost     int64
}

// WinRate is won / (won + lost), none when no deal closed.
func (c Closed) WinRate() Rate { return rate(c.Won, c.Won+c.Lost) }

// StageDays is how long deals stayed in a stage before moving on.
type StageDays struct {
	Stage deal.Stage
	StageTime
}

// Average is the mean days in the stage per move out of it, in tenths of a
// day, and false when no deal moved out of it.
func (t StageTime) Average() (tenths int64, ok bool) {
	if t.Moves <= 0 {
		return 0, false
	}
	return int64(t.Days*10/float64(t.Moves) + 0.5), true
}
