package functional

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/lead"
)

// The holes of issue 10 as a rep meets them in a browser: two reps, each in
// a browser context of their own, typing with key events as people do.

// screenshot saves what rep sees as name (see screenshotPath).
func screenshot(t *testing.T, rep context.Context, name string) {
	t.Helper()
	shot, err := chromedp.Run(rep, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	path := screenshotPath(t, name)
	require.NoError(t, os.WriteFile(path, shot, 0o644))
	t.Logf("screenshot: %s", path)
}

// typeInto appends text to the input at sel with key events, as a rep
// types: the caret is put at the end first (a focused textarea starts at
// its beginning).
func typeInto(sel, text string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, _ *chromedp.Target) (chromedp.Void, error) {
		return chromedp.Void{}, chromedp.Do(ctx,
			chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const el = document.querySelector(%q); el.focus(); try { el.setSelectionRange(el.value.length, el.value.length); } catch (e) {} })()`, sel)),
			chromedp.SendKeys(chromedp.CSS(sel), text),
		)
	}
}

// evaluate runs js in rep's page and returns its result.
func evaluate[T any](t *testing.T, rep context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(rep, chromedp.Evaluate[T](js))
	require.NoError(t, err)
	return v
}

// twoReps opens Ada's new lead in Maria's and John's browsers, each
// watching it live.
func twoReps(t *testing.T) (a *instance, l *lead.Lead, maria, john context.Context) {
	t.Helper()
	a = newApp(t)
	l = a.seedLead(ada)
	browser := newBrowser(t)
	maria, john = a.newRep(browser, "maria"), a.newRep(browser, "john")
	openLead(t, a.srv.URL+leadPath(l), maria, john)
	require.Eventually(t, func() bool { return a.feed.Watchers() == 4 }, 10*time.Second, 20*time.Millisecond,
		"both pages are watching: the lead, and each rep's own notices")
	return a, l, maria, john
}

// Hole 2: a move made while typing carries the typing through the merge.
func TestBrowserAMoveKeepsWhatTheRepIsTyping(t *testing.T) {
	a, l, maria, john := twoReps(t)

	require.NoError(t, chromedp.Do(john, typeInto(`#lead-notes`, " Call back Tuesday.")))
	require.NoError(t, chromedp.Do(maria,
		chromedp.SetValue(chromedp.CSS(`#lead-phone`), "+1 555 0100"),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))

	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="move-CONTACTED"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	assert.Contains(t, text(t, john, `[data-testid="notice"]`), "Moved to Contacted.")
	assert.Equal(t, "Contacted", text(t, john, `[data-testid="lead-status"]`))
	assert.Equal(t, ada.Notes+" Call back Tuesday.", value(t, john, `#lead-notes`), "his typing is still in the box")
	assert.Equal(t, "+1 555 0100", value(t, john, `#lead-phone`), "Maria's phone is shown")
	got := a.lead(l.ID())
	assert.Equal(t, ada.Notes+" Call back Tuesday.", got.Fields().Notes, "and was saved with the move")
	assert.Equal(t, "+1 555 0100", got.Fields().Phone)

	// Now both type in Notes: Maria saves first; John's move is his call.
	require.NoError(t, chromedp.Do(maria,
		chromedp.Navigate(a.srv.URL+leadPath(l)),
		chromedp.WaitVisible(chromedp.CSS(`#lead-form`)),
		typeInto(`#lead-notes`, " Maria was here."),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	require.NoError(t, chromedp.Do(john,
		typeInto(`#lead-notes`, " John too."),
		chromedp.Click(chromedp.CSS(`[data-testid="move-QUALIFIED"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="conflict-banner"]`)),
	))
	assert.Contains(t, text(t, john, `[data-testid="conflict-banner"]`), "Nothing was saved, and the lead was not moved to Qualified.")
	assert.True(t, strings.HasSuffix(value(t, john, `#lead-notes`), "John too."), "his text is kept for him to choose")
	assert.Equal(t, "Contacted", a.lead(l.ID()).Status().Label())
	screenshot(t, john, "move-while-typing-conflict.png")
}

// Hole 3: an ended session opens a sign-in dialog over the page; after
// signing in the same save is sent again.
func TestBrowserAnEndedSessionSignsInInPlaceAndSavesAgain(t *testing.T) {
	a := newApp(t)
	l := a.seedLead(ada)
	browser := newBrowser(t)
	john := a.newRep(browser, "john")
	openLead(t, a.srv.URL+leadPath(l), john)
	require.NoError(t, chromedp.Do(john, typeInto(`#lead-notes`, " Typed before signing out.")))

	// John signs out in another tab of the same browser.
	other, cancel := chromedp.NewContext(john)
	defer cancel()
	require.NoError(t, chromedp.Do(other,
		chromedp.Navigate(a.srv.URL+"/leads"),
		chromedp.Click(chromedp.CSS(`[data-testid="sign-out"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#login-email`)),
	))

	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="sign-in-again"]`)),
	))
	assert.Contains(t, text(t, john, `[data-testid="sign-in-again"]`), "Your session ended")
	assert.Equal(t, ada.Notes+" Typed before signing out.", value(t, john, `#lead-notes`), "the page and the typing stayed")
	assert.True(t, evaluate[bool](t, john, `window.notReloaded === true`))
	screenshot(t, john, "session-ended-dialog.png")

	// A wrong password says so in the dialog.
	require.NoError(t, chromedp.Do(john,
		typeInto(`#sign-in-again-email`, "john@example.com"),
		typeInto(`#sign-in-again-password`, "wrong"),
		chromedp.Click(chromedp.CSS(`[data-testid="sign-in-again-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#sign-in-again [data-testid="login-error"]`)),
	))
	assert.Contains(t, text(t, john, `#sign-in-again [data-testid="login-error"]`), "The email or the password is wrong.")

	require.NoError(t, chromedp.Do(john,
		chromedp.SetValue(chromedp.CSS(`#sign-in-again-password`), "john"+testPasswordSuffix),
		chromedp.Click(chromedp.CSS(`[data-testid="sign-in-again-submit"]`)),
		chromedp.WaitNotVisible(chromedp.CSS(`[data-testid="sign-in-again"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	assert.Contains(t, text(t, john, `[data-testid="notice"]`), "Saved.")
	assert.Equal(t, ada.Notes+" Typed before signing out.", a.lead(l.ID()).Fields().Notes, "the same save, sent again")
	assert.True(t, evaluate[bool](t, john, `window.notReloaded === true`), "without leaving the page")
}

// Hole 6: "Show what changed" refreshes the inputs the rep did not touch,
// keeps the ones they typed in, and keeps focus and caret.
func TestBrowserShowWhatChangedRefreshesOnlyUntouchedInputs(t *testing.T) {
	a, l, maria, john := twoReps(t)

	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`#lead-notes`)),
		typeInto(`#lead-notes`, " John's note."),
		// The caret goes back four characters, into the word "note".
		chromedp.KeyEvent(strings.Repeat(kb.ArrowLeft, 4)),
	))
	caret := evaluate[int](t, john, `document.getElementById("lead-notes").selectionStart`)
	require.NoError(t, chromedp.Do(maria,
		chromedp.SetValue(chromedp.CSS(`#lead-phone`), "+1 555 0100"),
		chromedp.SetValue(chromedp.CSS(`#lead-score`), "88"),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	require.NoError(t, chromedp.Do(john, chromedp.WaitVisible(chromedp.CSS(`[data-testid="live-refresh"]`))))
	// The button is pressed from script so focus stays in Notes, as it
	// would for a rep who clicks and comes back (a click would move focus).
	require.NoError(t, chromedp.Do(john,
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="live-refresh"]').click()`),
		chromedp.WaitNotVisible(chromedp.CSS(`[data-testid="live-notice"]`)),
	))

	assert.Equal(t, "+1 555 0100", value(t, john, `#lead-phone`), "an untouched input shows the saved value")
	assert.Equal(t, "88", value(t, john, `#lead-score`))
	assert.Equal(t, ada.Notes+" John's note.", value(t, john, `#lead-notes`), "the typed one keeps the typing")
	assert.Equal(t, "lead-notes", evaluate[string](t, john, `document.activeElement.id`), "focus stays")
	assert.Equal(t, caret, evaluate[int](t, john, `document.getElementById("lead-notes").selectionStart`), "and the caret")
	assert.Equal(t, "1", value(t, john, `#lead-form input[name="version"]`), "typing still starts from version 1")
	screenshot(t, john, "show-what-changed.png")

	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	assert.Contains(t, text(t, john, `[data-testid="notice"]`), "saved your Notes", "no retyping, nothing reverted")
	got := a.lead(l.ID())
	assert.Equal(t, "+1 555 0100", got.Fields().Phone)
	assert.Equal(t, 88, got.Fields().Score)
	assert.Equal(t, ada.Notes+" John's note.", got.Fields().Notes)
}

// Hole 7: a delete is announced to the other rep, whose save then keeps
// what they typed and offers to restore the lead with it.
func TestBrowserADeleteIsAnnouncedAndUndoneWithMyChanges(t *testing.T) {
	a, l, maria, john := twoReps(t)
	require.NoError(t, chromedp.Do(john, typeInto(`#lead-notes`, " Still typing.")))

	require.NoError(t, chromedp.Do(maria,
		chromedp.Click(chromedp.CSS(`.delete-action summary`)),
		chromedp.Click(chromedp.CSS(`[data-testid="delete"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	assert.Contains(t, text(t, maria, `[data-testid="notice"]`), "Lead deleted: it is in the Trash")

	require.NoError(t, chromedp.Do(john, chromedp.WaitVisible(chromedp.CSS(`[data-testid="live-notice"]`))))
	assert.Contains(t, text(t, john, `[data-testid="live-notice"]`), "maria deleted this lead just now")

	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="deleted-banner"]`)),
	))
	assert.Contains(t, text(t, john, `[data-testid="deleted-banner"]`), "Your save was not made; the form keeps everything you typed.")
	assert.Equal(t, ada.Notes+" Still typing.", value(t, john, `#lead-notes`))
	screenshot(t, john, "deleted-banner.png")

	require.NoError(t, chromedp.Do(maria,
		chromedp.Navigate(a.srv.URL+"/trash"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="trash"]`)),
	))
	screenshot(t, maria, "trash.png")

	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="restore-with-changes"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="deleted-banner"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	assert.Contains(t, text(t, john, `[data-testid="notice"]`), "Restored from the Trash.")
	got := a.lead(l.ID())
	assert.False(t, got.Deleted())
	assert.Equal(t, ada.Notes+" Still typing.", got.Fields().Notes)
}

// Hole 8: typing is marked, leaving asks first, and a draft left behind is
// offered back when the lead is opened again.
func TestBrowserUnsavedTypingIsMarkedGuardedAndKeptAsADraft(t *testing.T) {
	a := newApp(t)
	l := a.seedLead(ada)
	browser := newBrowser(t)
	john := a.newRep(browser, "john")
	openLead(t, a.srv.URL+leadPath(l), john)
	assert.False(t, evaluate[bool](t, john, `!document.querySelector('[data-testid="unsaved"]').hidden`), "nothing typed, no marker")
	assert.False(t, evaluate[bool](t, john, beforeUnloadPrevented), "nothing typed, no question on leaving")

	require.NoError(t, chromedp.Do(john,
		typeInto(`#lead-phone`, "9"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="unsaved"]`)),
	))
	assert.Equal(t, "Unsaved changes", text(t, john, `[data-testid="unsaved"]`))
	assert.True(t, evaluate[bool](t, john, `document.getElementById("lead-phone").classList.contains("dirty")`))
	assert.True(t, evaluate[bool](t, john, beforeUnloadPrevented), "leaving asks first")
	screenshot(t, john, "unsaved-marker.png")

	// The tab is closed without saving; Maria saves meanwhile; the lead
	// is opened again in a new tab of the same browser.
	require.Eventually(t, func() bool {
		return evaluate[int](t, john, `Object.keys(localStorage).filter(k => k.startsWith("crm-draft:")).length`) == 1
	}, 5*time.Second, 50*time.Millisecond, "the draft is kept")
	require.Equal(t, 303, a.doWith(a.signIn("maria"), "POST", leadPath(l), leadForm(l, 1, map[string]string{"score": "91"}), false).status)
	again, cancel := chromedp.NewContext(john)
	defer cancel()
	require.NoError(t, chromedp.Do(again,
		chromedp.Navigate(a.srv.URL+leadPath(l)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="draft-offer"]`)),
	))
	assert.Contains(t, text(t, again, `[data-testid="draft-offer"]`), "(made on version 1)")
	screenshot(t, again, "draft-offer.png")
	require.NoError(t, chromedp.Do(again, chromedp.Click(chromedp.CSS(`[data-testid="draft-restore"]`))))
	assert.Equal(t, ada.Phone+"9", value(t, again, `#lead-phone`))
	assert.Equal(t, "1", value(t, again, `#lead-form input[name="version"]`), "the draft saves from the version it was typed on")
	assert.Equal(t, "91", value(t, again, `#lead-score`), "Maria's score is shown")

	require.NoError(t, chromedp.Do(again,
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	assert.Contains(t, text(t, again, `[data-testid="notice"]`), "saved your Phone")
	got := a.lead(l.ID())
	assert.Equal(t, ada.Phone+"9", got.Fields().Phone)
	assert.Equal(t, 91, got.Fields().Score, "merged, not overwritten")
	assert.Zero(t, evaluate[int](t, again, `Object.keys(localStorage).filter(k => k.startsWith("crm-draft:")).length`),
		"a saved draft is gone")
	assert.False(t, evaluate[bool](t, again, beforeUnloadPrevented), "and leaving asks nothing")
}

// beforeUnloadPrevented fires a cancelable beforeunload at the page and
// reports whether the page asked to stay, as a browser would ask the rep.
const beforeUnloadPrevented = `(() => { const e = new Event("beforeunload", {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented; })()`
