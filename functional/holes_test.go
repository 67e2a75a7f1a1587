package functional

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The edges of "nothing a rep typed or saved is ever lost", one test per
// hole found in them (issue 10).

// Hole 1: a field changed and changed back since the rep's version (A→B→A)
// is a change someone saved: a stale save of it is the rep's call, never a
// silent merge over it.
func TestStaleSaveOverAFieldChangedAndChangedBackIsAConflict(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada) // score 70 at version 1
	maria, john := a.signIn("maria"), a.signIn("john")
	res := a.doWith(maria, http.MethodPost, leadPath(l), leadForm(l, 1, map[string]string{"score": "60"}), true)
	require.Equal(t, http.StatusOK, res.status, res.body)
	res = a.doWith(john, http.MethodPost, leadPath(l), leadForm(l, 2, map[string]string{"score": "70"}), true)
	require.Equal(t, http.StatusOK, res.status, res.body)

	// Ann is still on version 1, where the score was 70 too, and types 75.
	res = a.postHTMX(leadPath(l), leadForm(l, 1, map[string]string{"score": "75"}))

	assert.Equal(t, http.StatusConflict, res.status, "john's acknowledged 70 must not be overwritten unseen")
	assert.Contains(t, res.body, `data-testid="conflict-score" data-kind="both"`)
	assert.Contains(t, res.body, `name="score" value="75"`, "what Ann typed stays in the box")
	saved := a.lead(l.ID())
	assert.Equal(t, 70, saved.Fields().Score)
	assert.Equal(t, int64(3), saved.Version(), "nothing written")
}

// Hole 1 for moves: a lead moved and moved back since the rep looked was
// moved by someone; the rep's stale move is theirs to make again.
func TestStaleMoveOverAStatusMovedAndMovedBackIsAConflict(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)
	maria := a.signIn("maria")
	for i, status := range []string{"LOST", "NEW"} {
		res := a.doWith(maria, http.MethodPost, leadPath(l)+"/status",
			url.Values{"version": {strconv.Itoa(i + 1)}, "status": {status}}, true)
		require.Equal(t, http.StatusOK, res.status, res.body)
	}

	res := a.postHTMX(leadPath(l)+"/status", url.Values{"version": {"1"}, "status": {"CONTACTED"}})

	assert.Equal(t, http.StatusConflict, res.status)
	assert.Contains(t, res.body, "The lead was not moved to Contacted.")
	assert.Equal(t, "NEW", string(a.lead(l.ID()).Status()))
	assert.Equal(t, int64(3), a.lead(l.ID()).Version())
}
