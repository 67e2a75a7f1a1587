package functional

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
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

// TestTwoRepsEditingDifferentParagraphsOfAContactsOrDealsNotesBothLand:
// contacts and deals have notes that merge as the lead's do. Maria
// rewrites the first paragraph, Ann (on the version both opened) the last:
// both land; the same paragraph changed two ways is a conflict.
func TestTwoRepsEditingDifferentParagraphsOfAContactsOrDealsNotesBothLand(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	const base = "Met at the expo.\n\nPrefers email.\n\nBirthday in May."
	const marias = "Met at the expo, with their CTO.\n\nPrefers email.\n\nBirthday in May."
	const anns = "Met at the expo.\n\nPrefers email.\n\nBirthday on 3 May."
	const both = "Met at the expo, with their CTO.\n\nPrefers email.\n\nBirthday on 3 May."
	maria := a.signIn("maria")

	g := grace
	g.Notes = base
	c := a.seedContact(g)
	res := a.doWith(maria, http.MethodPost, contactPath(c), contactForm(c, 1, map[string]string{"notes": marias}), false)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	res = a.postHTMX(contactPath(c), contactForm(c, 1, map[string]string{"notes": anns}))
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Contains(t, res.body, "kept both edits of Notes, line by line")
	assert.Equal(t, both, a.contact(c.ID()).Fields().Notes)
	res = a.doWith(maria, http.MethodPost, contactPath(c), contactForm(c, 2, map[string]string{"notes": strings.Replace(marias, "May", "June", 1)}), true)
	assert.Equal(t, http.StatusConflict, res.status, "the same paragraph, changed two ways")
	assert.Equal(t, both, a.contact(c.ID()).Fields().Notes, "nothing overwritten")

	e := engines
	e.Notes = base
	d := a.seedDeal(e)
	res = a.doWith(maria, http.MethodPost, dealPath(d), dealForm(d, 1, map[string]string{"notes": marias}), false)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	res = a.postHTMX(dealPath(d), dealForm(d, 1, map[string]string{"notes": anns}))
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Contains(t, res.body, "kept both edits of Notes, line by line")
	assert.Equal(t, both, a.deal(d.ID()).Fields().Notes)

	// The API reads and writes them too, as openapi.yaml describes.
	token, err := a.createToken("maria@example.com")
	require.NoError(t, err)
	res = a.apiCall(http.MethodPatch, fmt.Sprintf("/api/v1/contacts/%d", c.ID()), token, `{"notes":"Prefers email.\n"}`, map[string]string{"If-Match": `"3"`})
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Contains(t, res.body, `"notes":"Prefers email.\n"`)
	res = a.apiCall(http.MethodGet, fmt.Sprintf("/api/v1/deals/%d", d.ID()), token, "", nil)
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Contains(t, res.body, `"notes":"Met at the expo, with their CTO.`)
}

// TestBrowserTwoRepsEditDifferentParagraphsOfTheNotesAndBothLand: Maria
// and John open the same lead; Maria rewrites the first paragraph of the
// notes and saves; John, on the version both opened, rewrites the last and
// adds one, and saves: no banner, both paragraphs in the box, and the
// notice says both edits were kept.
func TestBrowserTwoRepsEditDifferentParagraphsOfTheNotesAndBothLand(t *testing.T) {
	a := newApp(t)
	f := ada
	f.Notes = "Met at the fair.\n\nBudget unknown.\n\nCall back in May."
	l := a.seedLead(f)
	browser := newBrowser(t)
	maria, john := a.newRep(browser, "maria"), a.newRep(browser, "john")
	for _, rep := range []context.Context{maria, john} {
		require.NoError(t, chromedp.Do(rep,
			chromedp.Navigate(a.srv.URL+leadPath(l)),
			chromedp.WaitVisible(chromedp.CSS(`#lead-notes`)),
		))
	}
	require.NoError(t, chromedp.Do(maria,
		chromedp.SetValue(chromedp.CSS(`#lead-notes`), "Met at the fair, stand 12, with their CTO.\n\nBudget unknown.\n\nCall back in May."),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	require.NoError(t, chromedp.Do(john,
		chromedp.SetValue(chromedp.CSS(`#lead-notes`), "Met at the fair.\n\nBudget unknown.\n\nCall back in June, after their board.\n\nSent the deck."),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.Poll[chromedp.Void](`(document.querySelector('[data-testid="notice"]')?.textContent || "").includes("line by line")`,
			chromedp.WithPollingTimeout(10*time.Second)),
	))
	notice, err := chromedp.Run(john, chromedp.Text(chromedp.CSS(`[data-testid="notice"]`)))
	require.NoError(t, err)
	assert.Contains(t, notice, "kept both edits of Notes, line by line")
	banners, err := chromedp.Run(john, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="conflict-banner"]').length`))
	require.NoError(t, err)
	assert.Zero(t, banners, "no conflict to resolve")
	box, err := chromedp.Run(john, chromedp.Value(chromedp.CSS(`#lead-notes`)))
	require.NoError(t, err)
	want := "Met at the fair, stand 12, with their CTO.\n\nBudget unknown.\n\nCall back in June, after their board.\n\nSent the deck."
	assert.Equal(t, want, box, "the box shows both paragraphs")
	assert.Equal(t, want, a.lead(l.ID()).Fields().Notes)
}
