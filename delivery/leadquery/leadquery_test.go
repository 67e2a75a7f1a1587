package leadquery_test

import (
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/delivery/leadquery"
	"crm/domain/lead"
	"crm/usecase/leads"
)

func TestAViewSurvivesItsAddress(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	for _, raw := range []string{
		"",
		"status=QUALIFIED&q=garcia&source=Trade+show",
		"score_min=20&score_max=80&sort=score",
		"sort=score&dir=asc",
		"sort=name",
		"sort=name&dir=desc",
		"created_from=2026-03-29&created_to=2026-03-29&updated_from=2025-12-31",
		"status=LOST&sort=updated&dir=asc&updated_to=2026-10-25",
	} {
		v, err := url.ParseQuery(raw)
		require.NoError(t, err)
		q, err := leadquery.Parse(v, berlin, 0)
		require.NoError(t, err, raw)
		assert.Equal(t, v, leadquery.Encode(q, berlin), "%q written back as read, nothing more", raw)
	}
}

func TestAViewReadsDaysInTheRepsZoneWithTheLastDayIncluded(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	require.NoError(t, err)
	// The night the clocks go back: that day has 25 hours in Berlin.
	q, err := leadquery.Parse(url.Values{"created_from": {"2026-10-25"}, "created_to": {"2026-10-25"}}, berlin, 0)
	require.NoError(t, err)
	assert.Equal(t, time.Date(2026, 10, 24, 22, 0, 0, 0, time.UTC), q.Created.From.UTC())
	assert.Equal(t, time.Date(2026, 10, 25, 23, 0, 0, 0, time.UTC), q.Created.To.UTC())
	assert.True(t, q.Created.Contains(time.Date(2026, 10, 25, 22, 59, 0, 0, time.UTC)))
	assert.False(t, q.Created.Contains(time.Date(2026, 10, 25, 23, 0, 0, 0, time.UTC)))
}

func TestAViewDefaultsEachSortToTheDirectionARepExpects(t *testing.T) {
	for sort, asc := range map[string]bool{"": false, "created": false, "updated": false, "score": false, "name": true, "company": true, "status": true} {
		q, err := leadquery.Parse(url.Values{"sort": {sort}}, time.UTC, 0)
		require.NoError(t, err)
		assert.Equal(t, asc, q.Sort.Asc, "sort %q", sort)
	}
}

func TestAViewReadsThePageCursorOfItsSort(t *testing.T) {
	q, err := leadquery.Parse(url.Values{"sort": {"score"}, "after": {"42"}, "key": {"87"}}, time.UTC, 0)
	require.NoError(t, err)
	assert.Equal(t, int64(42), q.After)
	assert.Equal(t, "87", q.AfterKey)
	assert.Equal(t, leads.Sort{By: leads.SortScore}, q.Sort)
	q, err = leadquery.Parse(url.Values{"after": {"42"}}, time.UTC, 0)
	require.NoError(t, err)
	assert.Equal(t, int64(42), q.After, "newest first needs no key")
}

func TestAViewRefusesWhatItCannotRead(t *testing.T) {
	for raw, param := range map[string]string{
		"status=WON":                 "status",
		"score_min=101":              "score_min",
		"score_max=high":             "score_max",
		"created_from=31/01/2026":    "created_from",
		"updated_to=2026-02-30":      "updated_to",
		"sort=owner":                 "sort",
		"dir=up":                     "dir",
		"after=-1":                   "after",
		"after=7&sort=score&key=abc": "after",
		"after=7&key=abc":            "after",
		"q=%FF":                      "q",
		"source=%00":                 "source",
	} {
		v, err := url.ParseQuery(raw)
		require.NoError(t, err)
		_, err = leadquery.Parse(v, time.UTC, 0)
		problems, ok := leadquery.IsProblems(err)
		require.True(t, ok, "%q is refused", raw)
		require.Len(t, problems, 1, raw)
		assert.Equal(t, param, problems[0].Param, raw)
		assert.NotEmpty(t, problems[0].Message)
	}
	_, err := leadquery.Parse(url.Values{"status": {string(lead.StatusNew)}, "score_min": {"-1"}, "sort": {"x"}}, time.UTC, 0)
	problems, _ := leadquery.IsProblems(err)
	assert.Len(t, problems, 2, "every problem at once")
}
