package functional

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/lead"
)

func TestLeadPageShowsItsHistoryNewestFirst(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada) // score 70, by "seed"

	page := a.get(leadPath(l))
	require.Equal(t, http.StatusOK, page.status)
	assert.Regexp(t, `(?s)id="lead-history".*<ol id="lead-history-entries">.*data-version="1" data-event="LeadCreated".*Created by seed`, page.body)

	res := a.postHTMX(leadPath(l), leadForm(l, 1, map[string]string{"score": "85"}))
	require.Equal(t, http.StatusOK, res.status, res.body)

	// Saved on the version the page shows: the page keeps the history it
	// has and puts the save's own entry on top, without reading it again.
	assert.Contains(t, res.body, `<section id="lead-history" hx-preserve></section>`)
	assert.Regexp(t, `(?s)<ol hx-swap-oob="afterbegin:#lead-history-entries"><li data-testid="history-entry" data-kind="lead" data-version="2" data-event="LeadUpdated">`+
		`.*Version 2</strong>\s*· Updated by Ann Example.*data-field="score">\s*Score: <del>70</del> → <ins>85</ins>`, res.body)
	assert.Equal(t, 1, strings.Count(res.body, `data-testid="history-entry"`), "only the save's own entry is sent")

	page = a.get(leadPath(l))
	require.Equal(t, http.StatusOK, page.status)
	assert.Regexp(t, `(?s)data-version="2" data-event="LeadUpdated".*Score: <del>70</del> → <ins>85</ins>.*data-version="1" data-event="LeadCreated"`, page.body)
}

// TestAMergedSaveShowsTheWholeHistoryAgain: a save that merged with
// others' saves cannot add to the history the page shows, which lacks
// theirs; it sends the history read again.
func TestAMergedSaveShowsTheWholeHistoryAgain(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)
	res := a.postHTMX(leadPath(l), leadForm(l, 1, map[string]string{"phone": "+44 1"}))
	require.Equal(t, http.StatusOK, res.status, res.body)

	res = a.postHTMX(leadPath(l), leadForm(l, 1, map[string]string{"score": "85"}))

	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Contains(t, res.body, "Merged with")
	assert.NotContains(t, res.body, "hx-preserve")
	assert.Regexp(t, `(?s)data-version="3".*data-version="2".*data-version="1"`, res.body)
}

// savedTimes saves lead l n times through the use case, each a new score,
// as other reps would, and returns it as saved last.
func (a *instance) savedTimes(l *lead.Lead, n int) *lead.Lead {
	a.t.Helper()
	for i := range n {
		f := l.Fields()
		f.Score = (f.Score + 1 + i) % 100
		res, err := a.leads.Save(context.Background(), "maria", l.ID(), l.Version(), f)
		require.NoError(a.t, err)
		l = res.Record
	}
	return l
}

var olderLink = regexp.MustCompile(`href="(/leads/\d+/history\?after=[^"]+)" hx-get="(/leads/\d+/history\?after=[^"]+)" hx-target="#lead-history-older" hx-swap="outerMorph"`)

// versionsShown are the versions of the history entries of a page, in order.
func versionsShown(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`data-testid="history-entry" data-kind="lead" data-version="(\d+)"`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func versionsFromTo(from, to int) []string {
	var out []string
	for v := from; v >= to; v-- {
		out = append(out, strconv.Itoa(v))
	}
	return out
}

// TestAHistoryShowsTheNewestEntriesAndPagesOlderOnes: a record's page shows
// its 20 newest history entries and a "Show older" that brings the next
// 20, for htmx at the end of the list and without it as a page of its own,
// until none are left.
func TestAHistoryShowsTheNewestEntriesAndPagesOlderOnes(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.savedTimes(a.seedLead(ada), 44) // versions 1 to 45

	page := a.get(leadPath(l))
	require.Equal(t, http.StatusOK, page.status)
	assert.Equal(t, versionsFromTo(45, 26), versionsShown(page.body))
	m := olderLink.FindStringSubmatch(page.body)
	require.NotNil(t, m, "a Show older link, and a plain one without htmx")
	assert.Equal(t, m[1], m[2])

	older := a.getHTMX(m[1])
	require.Equal(t, http.StatusOK, older.status, older.body)
	assert.True(t, strings.HasPrefix(older.body, `<div id="lead-history-older" class="history-older">`), "the control replaces itself…")
	assert.Contains(t, older.body, `<ol hx-swap-oob="beforeend:#lead-history-entries">`, "…and the entries go at the end of the list")
	assert.Equal(t, versionsFromTo(25, 6), versionsShown(older.body))
	m = olderLink.FindStringSubmatch(older.body)
	require.NotNil(t, m)

	last := a.getHTMX(m[1])
	require.Equal(t, http.StatusOK, last.status, last.body)
	assert.Equal(t, versionsFromTo(5, 1), versionsShown(last.body))
	assert.Nil(t, olderLink.FindStringSubmatch(last.body), "none left: no Show older")
	assert.Contains(t, last.body, `<div id="lead-history-older" class="history-older"></div>`)

	plain := a.get(m[1])
	require.Equal(t, http.StatusOK, plain.status)
	assert.Contains(t, plain.body, "<title>History of Lead #")
	assert.Contains(t, plain.body, fmt.Sprintf(`<a href="%s">Back to the lead</a>`, leadPath(l)))
	assert.Equal(t, versionsFromTo(5, 1), versionsShown(plain.body), "without htmx, a page of the older entries")

	t.Run("a bad cursor is 400 and a missing record 404", func(t *testing.T) {
		assert.Equal(t, http.StatusBadRequest, a.get(leadPath(l)+"/history").status)
		assert.Equal(t, http.StatusBadRequest, a.get(leadPath(l)+"/history?after=-3").status)
		assert.Equal(t, http.StatusNotFound, a.get("/leads/424242/history?after=3").status)
	})
	t.Run("contacts and deals page their histories alike", func(t *testing.T) {
		c := a.seedContact(grace)
		// The timeline's cursor: the history's position is h.
		res := a.get(contactPath(c) + "/history?after=" + url.QueryEscape("h="+strconv.FormatInt(math.MaxInt64, 10)))
		require.Equal(t, http.StatusOK, res.status)
		assert.Contains(t, res.body, `data-event="ContactCreated"`)
	})
}
