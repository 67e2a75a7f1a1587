package functional

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
