package views

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/user"
)

func TestEventTitle(t *testing.T) {
	t.Parallel()
	tests := []struct {
		kind, name, want string
	}{
		{"lead", "LeadCreated", "Created"},
		{"lead", "LeadStatusChanged", "Status changed"},
		{"contact", "ContactUpdated", "Updated"},
		{"deal", "DealStageChanged", "Stage changed"},
		{"contact", "LeadConverted", "Lead converted"},
		{"lead", "Lead", "Changed"},
		{"", "", "Changed"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" on a "+tt.kind+" reads "+tt.want, func(t *testing.T) {
			t.Parallel()
			got := eventTitle(domain.RecordedEvent{Kind: tt.kind, Event: domain.Event{Name: tt.name}})
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestHistory_showsEachChangeOldToNewWithVersionAndActor(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	entries := []domain.RecordedEvent{
		{Kind: "contact", AggregateID: 7, Version: 2, At: at, Event: domain.Event{Name: "ContactUpdated", Actor: "bruno",
			Changes: []domain.Change{{Field: "email", Old: "ada@example.com", New: "<b>ada@x.io</b>"}}}},
		{Kind: "contact", AggregateID: 7, Version: 1, At: at, Event: domain.Event{Name: "ContactCreated", Actor: "ana",
			Changes: []domain.Change{{Field: "name", Old: "", New: "Ada"}}, Refs: map[string]int64{"lead": 3, "deal": 9}}},
	}
	var buf bytes.Buffer

	require.NoError(t, History(HistoryView{Kind: "contact", Entries: entries}).Render(context.Background(), &buf))

	html := buf.String()
	assert.Regexp(t, `(?s)data-version="2".*Version 2</strong>.*Updated by bruno.*Email: <del>ada@example.com</del> → <ins>&lt;b&gt;ada@x.io&lt;/b&gt;</ins>`, html)
	assert.Regexp(t, `(?s)data-version="1".*Created by ana.*Name: <del>\(empty\)</del> → <ins>Ada</ins>`, html, "fields are labelled as the contact form labels them")
	assert.Regexp(t, `(?s)<a href="/leads/3">lead #3</a>.*<a href="/deals/9">deal #9</a>`, html)
	assert.Contains(t, html, `datetime="2026-03-01T09:30:00Z"`)
	assert.Less(t, bytes.Index(buf.Bytes(), []byte(`data-version="2"`)), bytes.Index(buf.Bytes(), []byte(`data-version="1"`)), "kept in the order given")
}

func TestHistory_withoutEntriesSaysSo(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, History(HistoryView{Kind: "lead"}).Render(context.Background(), &buf))
	assert.Contains(t, buf.String(), "No changes recorded yet.")
}

func TestHistorySection_saysWhenTheHistoryCouldNotBeRead(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	require.NoError(t, HistorySection(HistoryView{Kind: "lead", Unavailable: true}).Render(context.Background(), &buf))
	assert.Contains(t, buf.String(), "The history could not be loaded just now.")
	assert.NotContains(t, buf.String(), "No changes recorded yet.")
}

func TestHistory_namesTheEventsOfAnotherAggregate(t *testing.T) {
	t.Parallel()
	entries := []domain.RecordedEvent{
		{Kind: "deal", AggregateID: 9, Version: 2, Event: domain.Event{Name: "DealStageChanged", Actor: "maria",
			Changes: []domain.Change{{Field: "stage", Old: "OPEN", New: "WON"}, {Field: "mood", Old: "", New: "great"}}}},
		{Kind: "lead", AggregateID: 3, Version: 5, Event: domain.Event{Name: "LeadConverted", Actor: "john",
			Changes: []domain.Change{{Field: "status", Old: "QUALIFIED", New: "CONVERTED"}}, Refs: map[string]int64{"contact": 4, "deal": 9}}},
	}
	var buf bytes.Buffer

	require.NoError(t, History(HistoryView{Kind: "lead", Entries: entries}).Render(context.Background(), &buf))

	html := buf.String()
	assert.Regexp(t, `(?s)data-kind="deal".*<a href="/deals/9">Deal #9</a>,\s*<strong>version 2</strong>\s*· Stage changed by maria`, html)
	assert.Contains(t, html, `Stage: <del>OPEN</del> → <ins>WON</ins>`, "a deal's field is labelled as the deal form labels it")
	assert.Contains(t, html, `mood: <del>(empty)</del> → <ins>great</ins>`, "an unlabelled field shows its name")
	assert.Regexp(t, `(?s)data-kind="lead".*<strong>Version 5</strong>\s*· Converted by john`, html, "the page's own events need no name")
	assert.Contains(t, html, `Status: <del>QUALIFIED</del> → <ins>CONVERTED</ins>`)
}

func TestWhenHasTheYearOnlyWhenItIsNotThisYears(t *testing.T) {
	now := time.Now()
	thisYear := time.Date(now.Year(), 1, 2, 15, 4, 5, 0, time.UTC)
	lastYear := thisYear.AddDate(-1, 0, 0)

	assert.Equal(t, "Jan 2, 15:04:05", when(thisYear, time.UTC))
	assert.Equal(t, fmt.Sprintf("Jan 2, %d, 15:04:05", now.Year()-1), when(lastYear, time.UTC), "a record from another year says which")
	assert.Empty(t, when(time.Time{}, time.UTC))
}

func TestDatesAreShownInTheRepsZone(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	require.NoError(t, err)
	newYearsEve := time.Date(2020, 12, 31, 20, 30, 0, 0, time.UTC) // already 2021 in Tokyo
	assert.Equal(t, "Jan 1, 2021, 05:30:00", when(newYearsEve, tokyo))
	assert.Equal(t, "Fri Jan 1, 2021, 05:30:00 JST", exactly(newYearsEve, tokyo))
	assert.Equal(t, "Thu Dec 31, 2020, 20:30:00 UTC", exactly(newYearsEve, time.UTC))

	// 3 h before 02:00 on June 2 in Tokyo is June 1 there, while it is the same
	// day in UTC.
	now := time.Date(2020, 6, 1, 17, 0, 0, 0, time.UTC)
	assert.Equal(t, "3 h ago", ago(now.Add(-3*time.Hour), now, time.UTC))
	assert.Equal(t, "on Jun 1, 2020, 23:00:00", ago(now.Add(-3*time.Hour), now, tokyo))

	var buf bytes.Buffer
	ctx := WithUser(context.Background(), user.User{Name: "Ann", TimeZone: "Asia/Tokyo"})
	require.NoError(t, Moment(newYearsEve).Render(ctx, &buf))
	assert.Contains(t, buf.String(), `datetime="2020-12-31T20:30:00Z" title="Fri Jan 1, 2021, 05:30:00 JST">on Jan 1, 2021, 05:30:00<`)
	buf.Reset()
	require.NoError(t, Moment(newYearsEve).Render(context.Background(), &buf))
	assert.Contains(t, buf.String(), `title="Thu Dec 31, 2020, 20:30:00 UTC">on Dec 31, 2020, 20:30:00<`, "UTC while the zone is unknown")
}

func TestAgoSaysHowLongAgoWithinTheDayThenTheDate(t *testing.T) {
	now := time.Date(2026, 11, 29, 18, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		at   time.Time
		want string
	}{
		{now.Add(-20 * time.Second), "just now"},
		{now.Add(-5 * time.Minute), "5 min ago"},
		{now.Add(-3*time.Hour - 10*time.Minute), "3 h ago"},
		{now.Add(-20 * time.Hour), "on " + when(now.Add(-20*time.Hour), time.UTC)}, // yesterday evening
		{now.AddDate(-2, 0, 0), "on " + when(now.AddDate(-2, 0, 0), time.UTC)},
		{now.Add(time.Minute), "on " + when(now.Add(time.Minute), time.UTC)}, // a clock ahead of this one
	} {
		assert.Equal(t, tc.want, ago(tc.at, now, time.UTC), tc.at.String())
	}
	assert.Contains(t, when(now.AddDate(-2, 0, 0), time.UTC), "2024", "two years ago has its year")
}

func TestTelNumberDialsTheDigits(t *testing.T) {
	for phone, want := range map[string]string{
		"+44 20 7946 0958":    "+442079460958",
		"(555) 010-0000 x12":  "5550100000",
		" 555-0100 ext. 7 ":   "5550100",
		"call me":             "",
		"+1 (555) 0100 +2 12": "+15550100212", // only a leading + is kept
	} {
		assert.Equal(t, want, telNumber(phone), phone)
	}
}
