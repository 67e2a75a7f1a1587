package dashboard_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/deal"
	"crm/domain/lead"
	"crm/usecase/dashboard"
)

// figures answers every read with a fixed figure; fail names the reads
// that fail instead.
type figures struct {
	fail map[string]error
}

func (f figures) LeadStatuses(context.Context, int64) (map[lead.Status]int64, error) {
	return map[lead.Status]int64{lead.StatusNew: 3}, f.fail["statuses"]
}

func (f figures) Pipeline(context.Context, int64, []deal.Stage) (map[deal.Stage][]dashboard.Amount, error) {
	return map[deal.Stage][]dashboard.Amount{deal.StageProposal: {{Currency: "EUR", Minor: 100, Deals: 1}}}, f.fail["pipeline"]
}

func (f figures) Entered(_ context.Context, _ int64, _ []deal.Stage, from, to time.Time) (map[deal.Stage]int64, error) {
	// A longer period has more won: the figure tells the periods apart.
	return map[deal.Stage]int64{deal.StageWon: int64(to.Sub(from) / (24 * time.Hour)), deal.StageLost: 1}, f.fail["entered"]
}

func (f figures) StageTimes(context.Context, int64, time.Time, time.Time, int, int) (map[deal.Stage]dashboard.StageTime, error) {
	return map[deal.Stage]dashboard.StageTime{deal.StageQualification: {Moves: 2, Days: 5}}, f.fail["times"]
}

func (f figures) Rotting(context.Context, int64, []deal.Stage, time.Time, int, int) (dashboard.Rotting, error) {
	return dashboard.Rotting{Count: 7}, f.fail["rotting"]
}

func (f figures) OverdueTasks(context.Context, int64, time.Time, int) ([]dashboard.OverdueTask, int, error) {
	return []dashboard.OverdueTask{{ID: 1, Title: "call"}}, 1, f.fail["overdue"]
}

// TestBuild_ReadsTheFiguresAtOnceAndPutsEachInItsPlace: the figures read
// at once land where the page shows them, each period's closed deals in
// its own place.
func TestBuild_ReadsTheFiguresAtOnceAndPutsEachInItsPlace(t *testing.T) {
	t.Parallel()
	s := dashboard.NewService(figures{}, figures{})
	now := time.Date(2026, time.November, 20, 12, 0, 0, 0, time.UTC)
	d, err := s.Build(t.Context(), dashboard.Query{Owner: 1, Period: dashboard.PeriodYear, RotDays: 14, Rep: 1}, now, time.UTC)
	require.NoError(t, err)
	assert.Equal(t, int64(3), d.Funnel[0].Reached)
	require.Len(t, d.Closed, 3)
	for i, p := range []dashboard.Period{dashboard.PeriodMonth, dashboard.PeriodQuarter, dashboard.PeriodYear} {
		from, to := p.Range(now, time.UTC)
		assert.Equal(t, dashboard.Closed{Period: p, From: from, To: to, Won: int64(to.Sub(from) / (24 * time.Hour)), Lost: 1}, d.Closed[i])
	}
	assert.Equal(t, []dashboard.Amount{{Currency: "EUR", Minor: 100, Deals: 1}}, d.Pipeline[1].Amounts, "Proposal, the second open stage")
	assert.Equal(t, dashboard.StageTime{Moves: 2, Days: 5}, d.StageDays[0].StageTime)
	assert.Equal(t, int64(7), d.Rotting.Count)
	assert.Equal(t, now.Add(-14*24*time.Hour), d.RotSince)
	assert.Equal(t, 1, d.OverdueCount)
}

// TestBuild_AFailedFigureFailsThePageNamingTheFirstInThePagesOrder: with
// several reads failing at once, the error is always the same one.
func TestBuild_AFailedFigureFailsThePageNamingTheFirstInThePagesOrder(t *testing.T) {
	t.Parallel()
	down := errors.New("database down")
	f := figures{fail: map[string]error{"rotting": down, "entered": down, "pipeline": down, "times": down}}
	for range 20 {
		_, err := dashboard.NewService(f, f).Build(t.Context(), dashboard.Query{Period: dashboard.PeriodMonth}, time.Now(), time.UTC)
		require.ErrorIs(t, err, down)
		assert.Equal(t, "dashboard pipeline: database down", err.Error())
	}
}
