package functional

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLeadPageShowsItsHistoryNewestFirst(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada) // score 70, by "seed"

	res := a.postHTMX(leadPath(l), leadForm(l, 1, map[string]string{"score": "85"}))
	require.Equal(t, http.StatusOK, res.status, res.body)

	assert.Regexp(t, `(?s)data-testid="history".*data-version="2" data-event="LeadUpdated".*Version 2</strong>\s*· Updated by Ann Example`+
		`.*data-field="score">\s*Score: <del>70</del> → <ins>85</ins>`+
		`.*data-version="1" data-event="LeadCreated".*Created by seed`, res.body, "the saved editor shows the save's own entry first")

	page := a.get(leadPath(l))
	require.Equal(t, http.StatusOK, page.status)
	assert.Regexp(t, `(?s)data-version="2".*data-version="1"`, page.body)
}
