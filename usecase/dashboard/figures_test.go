package dashboard_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"crm/domain/lead"
	"crm/usecase/dashboard"
)

func TestFunnelOf(t *testing.T) {
	t.Parallel()
	t.Run("a lead further on has reached every step before its status; lost leads reached New", func(t *testing.T) {
		t.Parallel()
		steps := dashboard.FunnelOf(map[lead.Status]int64{
			lead.StatusNew: 40, lead.StatusContacted: 30, lead.StatusQualified: 20, lead.StatusConverted: 10, lead.StatusLost: 100})
		reached := []int64{200, 60, 30, 10}
		rates := []dashboard.Rate{{}, {PerMille: 300, Known: true}, {PerMille: 500, Known: true}, {PerMille: 333, Known: true}}
		for i, s := range steps {
			assert.Equal(t, dashboard.Funnel[i], s.Status)
			assert.Equal(t, reached[i], s.Reached, "reached %s", s.Status)
			assert.Equal(t, rates[i], s.Rate, "rate of %s", s.Status)
		}
		assert.Equal(t, int64(40), steps[0].Now)
	})
	t.Run("no leads: every count 0 and no rate, no division by zero", func(t *testing.T) {
		t.Parallel()
		for _, s := range dashboard.FunnelOf(nil) {
			assert.Zero(t, s.Reached)
			assert.False(t, s.Rate.Known)
		}
	})
	t.Run("a step nobody reached gives the next no rate", func(t *testing.T) {
		t.Parallel()
		steps := dashboard.FunnelOf(map[lead.Status]int64{lead.StatusNew: 5})
		assert.Equal(t, dashboard.Rate{PerMille: 0, Known: true}, steps[1].Rate)
		assert.False(t, steps[2].Rate.Known)
		assert.False(t, steps[3].Rate.Known)
	})
	t.Run("rates round to the nearest tenth of a percent", func(t *testing.T) {
		t.Parallel()
		steps := dashboard.FunnelOf(map[lead.Status]int64{lead.StatusNew: 1, lead.StatusContacted: 2})
		assert.Equal(t, int64(667), steps[1].Rate.PerMille)
	})
}

func TestClosed_WinRate(t *testing.T) {
	t.Parallel()
	assert.Equal(t, dashboard.Rate{PerMille: 750, Known: true}, dashboard.Closed{Won: 3, Lost: 1}.WinRate())
	assert.Equal(t, dashboard.Rate{PerMille: 0, Known: true}, dashboard.Closed{Lost: 4}.WinRate())
	assert.False(t, dashboard.Closed{}.WinRate().Known, "nothing closed: no rate")
}

func TestStageTime_Average(t *testing.T) {
	t.Parallel()
	avg, ok := dashboard.StageTime{Moves: 3, Days: 10}.Average()
	assert.True(t, ok)
	assert.Equal(t, int64(33), avg, "3.3 days")
	_, ok = dashboard.StageTime{}.Average()
	assert.False(t, ok, "no move out of the stage: no average")
}

func TestPeriod_Range(t *testing.T) {
	t.Parallel()
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// 23:30 UTC on March 31 is already April 1 in Berlin.
	now := time.Date(2026, time.March, 31, 23, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		p        dashboard.Period
		from, to time.Time
	}{
		{dashboard.PeriodMonth, time.Date(2026, time.April, 1, 0, 0, 0, 0, berlin), time.Date(2026, time.May, 1, 0, 0, 0, 0, berlin)},
		{dashboard.PeriodQuarter, time.Date(2026, time.April, 1, 0, 0, 0, 0, berlin), time.Date(2026, time.July, 1, 0, 0, 0, 0, berlin)},
		{dashboard.PeriodYear, time.Date(2026, time.January, 1, 0, 0, 0, 0, berlin), time.Date(2027, time.January, 1, 0, 0, 0, 0, berlin)},
	} {
		from, to := c.p.Range(now, berlin)
		assert.True(t, from.Equal(c.from), "%s from %s", c.p, from)
		assert.True(t, to.Equal(c.to), "%s to %s", c.p, to)
	}
	from, _ := dashboard.PeriodQuarter.Range(now, time.UTC)
	assert.True(t, from.Equal(time.Date(2026, time.January, 1, 0, 0, 0, 0, time.UTC)), "in UTC it is still the first quarter")
}

func TestParsePeriod(t *testing.T) {
	t.Parallel()
	p, err := dashboard.ParsePeriod("")
	assert.NoError(t, err)
	assert.Equal(t, dashboard.PeriodMonth, p)
	p, err = dashboard.ParsePeriod("quarter")
	assert.NoError(t, err)
	assert.Equal(t, dashboard.PeriodQuarter, p)
	_, err = dashboard.ParsePeriod("week")
	assert.Error(t, err)
}
