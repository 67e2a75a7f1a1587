package functional

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// hunkNotes are a lead's notes as both reps opened them, as Maria saved
// them, and as John typed them from the same version: both changed the
// first and the third paragraph differently (two conflicts), and Maria
// alone the last (which merges).
var hunkNotes = struct{ base, marias, johns string }{
	base:   "Met at the fair.\n\nBudget unknown.\n\nCTO is Ana.\n\nDecision in May.\n\nCall back in June.",
	marias: "Met at the fair, stand 12.\n\nBudget unknown.\n\nCTO is Ana Silva.\n\nDecision in May.\n\nCall back on 3 June.",
	johns:  "Met at the fair with their CFO.\n\nBudget unknown.\n\nCTO is Ana, reports to the CEO.\n\nDecision in May.\n\nCall back in June.",
}

// TestASameParagraphConflictOfTheNotesIsShownHunkByHunk: John's stale
// save meets Maria's edits of the same paragraphs: 409, and under the
// notes each conflict with its lines as opened, as Maria saved them (and
// that she did) and as John typed them; the box holds what merged (her
// last paragraph) with his lines in the conflicts, so saving it as it
// stands keeps her edit there.
func TestASameParagraphConflictOfTheNotesIsShownHunkByHunk(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	f := ada
	f.Notes = hunkNotes.base
	l := a.seedLead(f)
	maria := a.signIn("maria")
	res := a.doWith(maria, http.MethodPost, leadPath(l), leadForm(l, 1, map[string]string{"notes": hunkNotes.marias}), false)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)

	res = a.postHTMX(leadPath(l), leadForm(l, 1, map[string]string{"notes": hunkNotes.johns}))

	require.Equal(t, http.StatusConflict, res.status, res.body)
	body := res.body
	assert.Contains(t, body, `data-testid="hunks-notes"`)
	assert.Contains(t, body, "Notes: 2 conflicts to resolve")
	assert.Contains(t, body, "Conflict 1 of 2, line 1")
	assert.Contains(t, body, "Conflict 2 of 2, line 5")
	assert.Contains(t, body, `<pre data-testid="hunk-base">Met at the fair.</pre>`)
	assert.Contains(t, body, `<pre data-testid="hunk-theirs">Met at the fair, stand 12.</pre>`)
	assert.Contains(t, body, `<pre data-testid="hunk-yours">Met at the fair with their CFO.</pre>`)
	assert.Contains(t, body, `<pre data-testid="hunk-theirs">CTO is Ana Silva.</pre>`)
	assert.Contains(t, body, "Saved now by maria at ", "who saved theirs")
	assert.Contains(t, body, "0 of 2 conflicts resolved")
	assert.Contains(t, body, `href="#lead-notes-conflicts"`, "the banner points to the conflicts")
	assert.NotContains(t, body, `data-testid="use-theirs-notes"`, "no field-wide choice for the notes")
	boxStarts := "Met at the fair with their CFO.\n\nBudget unknown.\n\nCTO is Ana, reports to the CEO.\n\nDecision in May.\n\nCall back on 3 June."
	assert.Contains(t, body, ">\n"+boxStarts+"</textarea>", "what merged, with John's lines in the conflicts")
	assert.Equal(t, hunkNotes.marias, a.lead(l.ID()).Fields().Notes, "nothing saved")

	res = a.postHTMX(leadPath(l), leadForm(l, 2, map[string]string{"notes": strings.Repeat("n", 10_001)}))
	assert.Equal(t, http.StatusUnprocessableEntity, res.status, "the resolved text is checked like any other")
	res = a.postHTMX(leadPath(l), leadForm(l, 2, map[string]string{"notes": boxStarts}))
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Equal(t, boxStarts, a.lead(l.ID()).Fields().Notes)
}

// TestBrowserASameParagraphConflictIsResolvedHunkByHunk: Maria and John
// open the same lead; Maria rewrites two paragraphs of the notes and the
// last, John the same two differently. John's save shows the conflicts one
// by one; with the keyboard he takes Maria's lines for the first and his
// own for the second, saves at the version the banner gives, and the
// notes are exactly that: her first paragraph, his third, her last.
func TestBrowserASameParagraphConflictIsResolvedHunkByHunk(t *testing.T) {
	a := newApp(t)
	f := ada
	f.Notes = hunkNotes.base
	l := a.seedLead(f)
	browser := newBrowser(t)
	maria, john := a.newRep(browser, "maria"), a.newRep(browser, "john")
	for _, rep := range []context.Context{maria, john} {
		require.NoError(t, chromedp.Do(rep,
			chromedp.EmulateViewport(1280, 900),
			chromedp.Navigate(a.srv.URL+leadPath(l)),
			chromedp.WaitVisible(chromedp.CSS(`#lead-notes`)),
		))
	}
	require.NoError(t, chromedp.Do(maria,
		chromedp.SetValue(chromedp.CSS(`#lead-notes`), hunkNotes.marias),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	require.NoError(t, chromedp.Do(john,
		chromedp.SetValue(chromedp.CSS(`#lead-notes`), hunkNotes.johns),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="hunks-notes"]`)),
	))
	// Each conflict is a fieldset (a group) whose legend is its heading.
	headings := evaluate[[]string](t, john, `Array.from(document.querySelectorAll('[data-hunk]')).map(h =>
		h.tagName + ' | ' + h.querySelector(':scope > legend > h4').textContent)`)
	assert.Equal(t, []string{"FIELDSET | Conflict 1 of 2, line 1", "FIELDSET | Conflict 2 of 2, line 5"}, headings)
	names := evaluate[[]string](t, john, `Array.from(document.querySelectorAll('[data-testid="hunk-2"] button')).map(b => b.textContent)`)
	assert.Equal(t, []string{"Use theirs for conflict 2", "Use mine for conflict 2", "Edit conflict 2"}, names, "each button says which conflict")

	// Keyboard only: focus the first conflict's "Use theirs", press Enter;
	// then the second's "Use mine".
	require.NoError(t, chromedp.Do(john,
		chromedp.Focus(chromedp.CSS(`[data-testid="hunk-1"] [data-testid="hunk-use-theirs"]`)),
		chromedp.KeyEvent("\r"),
		chromedp.Focus(chromedp.CSS(`[data-testid="hunk-2"] [data-testid="hunk-use-mine"]`)),
		chromedp.KeyEvent("\r"),
	))
	status := evaluate[string](t, john, `document.querySelector('[data-testid="hunks-status"]').textContent`)
	assert.Equal(t, "2 of 2 conflicts resolved", status)
	want := "Met at the fair, stand 12.\n\nBudget unknown.\n\nCTO is Ana, reports to the CEO.\n\nDecision in May.\n\nCall back on 3 June."
	box := evaluate[string](t, john, `document.getElementById('lead-notes').value`)
	assert.Equal(t, want, box, "the box holds the text assembled from the choices")

	require.NoError(t, chromedp.Do(john, chromedp.EmulateViewport(1280, 900)))
	screenshot(t, john, "notes-hunks.png")
	require.NoError(t, chromedp.Do(john, chromedp.EmulateViewport(390, 844)))
	fits := evaluate[bool](t, john, `document.documentElement.scrollWidth <= window.innerWidth`)
	assert.True(t, fits, "no horizontal scroll at 390 px")
	stacked := evaluate[bool](t, john, `(() => { const s = document.querySelectorAll('[data-testid="hunk-1"] .hunk-sides > div');
		return s[0].getBoundingClientRect().bottom <= s[1].getBoundingClientRect().top && s[1].getBoundingClientRect().bottom <= s[2].getBoundingClientRect().top })()`)
	assert.True(t, stacked, "base, theirs and yours stack at 390 px")
	screenshot(t, john, "notes-hunks-phone.png")
	require.NoError(t, chromedp.Do(john, chromedp.EmulateViewport(1280, 900)))

	// An edit of one conflict is typed in its own box and fills the notes.
	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="hunk-2"] [data-testid="hunk-edit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="hunk-2"] [data-testid="hunk-edit-text"]`)),
	))
	focused := evaluate[string](t, john, `document.activeElement.getAttribute('data-testid')`)
	assert.Equal(t, "hunk-edit-text", focused, "Edit puts the caret in the conflict's box")
	require.NoError(t, chromedp.Do(john,
		chromedp.SetValue(chromedp.CSS(`[data-testid="hunk-2"] [data-testid="hunk-edit-text"]`), "CTO is Ana Silva, reports to the CEO."),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="hunk-2"] [data-testid="hunk-edit-text"]').dispatchEvent(new Event('input', {bubbles: true}))`),
	))
	want = strings.Replace(want, "CTO is Ana, reports to the CEO.", "CTO is Ana Silva, reports to the CEO.", 1)
	assert.Equal(t, want, evaluate[string](t, john, `document.getElementById('lead-notes').value`))
	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="hunk-2"] [data-testid="hunk-use-mine"]`)),
	))
	want = strings.Replace(want, "CTO is Ana Silva, reports to the CEO.", "CTO is Ana, reports to the CEO.", 1)

	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.Poll[chromedp.Void](`!document.querySelector('[data-testid="conflict-banner"]')`, chromedp.WithPollingTimeout(10*time.Second)),
	))
	saved := a.lead(l.ID())
	assert.Equal(t, want, saved.Fields().Notes, "her first paragraph, his third, her last")
	assert.Equal(t, int64(3), saved.Version())
}
