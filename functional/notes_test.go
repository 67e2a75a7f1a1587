package functional

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTwoRepsEditingDifferentLinesOfTheNotesBothLand: the notes merge line
// by line. Maria edits one paragraph and saves; Ann, still on the version
// both started from, edits another and adds one at the end: her save lands
// on Maria's with both edits, and says so. An edit of the line Maria
// changed is still a conflict, with both texts.
func TestTwoRepsEditingDifferentLinesOfTheNotesBothLand(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	f := ada
	f.Notes = "Met at the fair.\nBudget unknown.\nCall back in May."
	l := a.seedLead(f)
	maria := a.signIn("maria")
	res := a.doWith(maria, http.MethodPost, leadPath(l), leadForm(l, 1, map[string]string{
		"notes": "Met at the fair.\nBudget 40k, signed off by the CFO.\nCall back in May."}), false)
	require.Equal(t, http.StatusSeeOther, res.status)

	res = a.postHTMX(leadPath(l), leadForm(l, 1, map[string]string{
		"notes": "Met at the fair (stand 12).\nBudget unknown.\nCall back in May.\nSent the deck."}))
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Contains(t, res.body, "Merged with maria&#39;s save (version 2): kept both edits of Notes, line by line. This is now version 3.")
	final := a.lead(l.ID())
	assert.Equal(t, "Met at the fair (stand 12).\nBudget 40k, signed off by the CFO.\nCall back in May.\nSent the deck.", final.Fields().Notes)
	assert.Equal(t, int64(3), final.Version())

	res = a.postHTMX(leadPath(l), leadForm(final, 3, map[string]string{"notes": strings.Replace(final.Fields().Notes, "40k", "45k", 1)}))
	require.Equal(t, http.StatusOK, res.status)
	res = a.doWith(maria, http.MethodPost, leadPath(l), leadForm(final, 3, map[string]string{
		"notes": strings.Replace(final.Fields().Notes, "40k", "50k", 1)}), true)
	assert.Equal(t, http.StatusConflict, res.status, "the same line, changed two ways")
	assert.Contains(t, res.body, "45k")
	assert.Contains(t, res.body, "50k")
	assert.Contains(t, a.lead(l.ID()).Fields().Notes, "45k", "nothing overwritten")
}
