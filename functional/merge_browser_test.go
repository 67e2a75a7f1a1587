package functional

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// openLead opens lead page path for each rep and marks the page, so a test
// can tell an htmx swap from a reload.
func openLead(t *testing.T, url string, reps ...context.Context) {
	t.Helper()
	for _, rep := range reps {
		require.NoError(t, chromedp.Do(rep,
			chromedp.Navigate(url),
			chromedp.WaitVisible(chromedp.CSS(`#lead-form`)),
			chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`),
		))
	}
}

func text(t *testing.T, rep context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(rep, chromedp.Text(chromedp.CSS(sel)))
	require.NoError(t, err)
	return s
}

func value(t *testing.T, rep context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(rep, chromedp.Value(chromedp.CSS(sel)))
	require.NoError(t, err)
	return s
}

func TestBrowserDifferentFieldsFromOneVersionBothLand(t *testing.T) {
	a := newApp(t)
	l := a.seedLead(ada)
	browser := newBrowser(t)
	maria, john := a.newRep(browser, "maria"), a.newRep(browser, "john")
	openLead(t, a.srv.URL+leadPath(l), maria, john)

	require.NoError(t, chromedp.Do(maria,
		chromedp.SetValue(chromedp.CSS(`#lead-phone`), "+1 555 0100"),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	// John, still at version 1, changes only the score.
	require.NoError(t, chromedp.Do(john,
		chromedp.SetValue(chromedp.CSS(`#lead-score`), "92"),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	assert.Equal(t, "Merged with maria's save (version 2): kept their change to Phone; saved your Score. This is now version 3.",
		text(t, john, `[data-testid="notice"]`))
	assert.Equal(t, "+1 555 0100", value(t, john, `#lead-phone`), "John sees Maria's phone")
	assert.Equal(t, "92", value(t, john, `#lead-score`))
	assert.Equal(t, "3", value(t, john, `#lead-form input[name="version"]`))
	swapped, err := chromedp.Run(john, chromedp.Evaluate[bool](`window.notReloaded === true`))
	require.NoError(t, err)
	assert.True(t, swapped)

	// Maria reloads and sees both changes.
	openLead(t, a.srv.URL+leadPath(l), maria)
	assert.Equal(t, "+1 555 0100", value(t, maria, `#lead-phone`))
	assert.Equal(t, "92", value(t, maria, `#lead-score`))
	final := a.lead(l.ID())
	assert.Equal(t, "+1 555 0100", final.Fields().Phone)
	assert.Equal(t, 92, final.Fields().Score)
	assert.Equal(t, int64(3), final.Version())
}

func TestBrowserSameFieldOffersTheirsOrMineAndMineLandsAtTheNextVersion(t *testing.T) {
	a := newApp(t)
	l := a.seedLead(ada) // score 70
	browser := newBrowser(t)
	maria, john := a.newRep(browser, "maria"), a.newRep(browser, "john")
	openLead(t, a.srv.URL+leadPath(l), maria, john)

	require.NoError(t, chromedp.Do(maria,
		chromedp.SetValue(chromedp.CSS(`#lead-score`), "85"),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	require.NoError(t, chromedp.Do(john,
		chromedp.SetValue(chromedp.CSS(`#lead-score`), "60"),
		chromedp.SetValue(chromedp.CSS(`#lead-notes`), "Prefers email."),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="conflict-banner"]`)),
	))
	// Side by side: where John started, what Maria saved, what he typed.
	assert.Equal(t, "70", text(t, john, `[data-testid="conflict-score"] td:nth-of-type(1)`))
	assert.Equal(t, "85", text(t, john, `[data-testid="theirs-score"]`))
	assert.Equal(t, "60", text(t, john, `[data-testid="yours-score"]`))
	assert.Equal(t, "Prefers email.", value(t, john, `#lead-notes`), "his other change is kept in the form")

	shot, err := chromedp.Run(john, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	path := screenshotPath(t, "conflict-choice.png")
	require.NoError(t, os.WriteFile(path, shot, 0o644))
	t.Logf("same-field conflict screenshot: %s", path)

	// Theirs, then mine: each button puts its value in the box.
	require.NoError(t, chromedp.Do(john, chromedp.Click(chromedp.CSS(`[data-testid="use-theirs-score"]`))))
	assert.Equal(t, "85", value(t, john, `#lead-score`))
	require.NoError(t, chromedp.Do(john, chromedp.Click(chromedp.CSS(`[data-testid="use-mine-score"]`))))
	assert.Equal(t, "60", value(t, john, `#lead-score`))

	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="conflict-banner"]`)),
	))
	final := a.lead(l.ID())
	assert.Equal(t, 60, final.Fields().Score, "mine")
	assert.Equal(t, "Prefers email.", final.Fields().Notes)
	assert.Equal(t, int64(3), final.Version(), "the next version")
}

func TestBrowserLiveNoticeAppearsInTheOtherTabAndKeepsWhatWasTyped(t *testing.T) {
	a := newApp(t)
	l := a.seedLead(ada)
	browser := newBrowser(t)
	maria, john := a.newRep(browser, "maria"), a.newRep(browser, "john")
	openLead(t, a.srv.URL+leadPath(l), maria, john)
	// John starts typing and has not saved.
	require.NoError(t, chromedp.Do(john, chromedp.SetValue(chromedp.CSS(`#lead-notes`), "Call back Tuesday.")))
	require.Eventually(t, func() bool { return a.feed.Watchers() == 4 }, 10*time.Second, 20*time.Millisecond,
		"both pages are watching: the lead, and each rep's own notices")

	start := time.Now()
	require.NoError(t, chromedp.Do(maria,
		chromedp.SetValue(chromedp.CSS(`#lead-phone`), "+1 555 0100"),
		chromedp.SetValue(chromedp.CSS(`#lead-score`), "88"),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
	))
	require.NoError(t, chromedp.Do(john, chromedp.WaitVisible(chromedp.CSS(`[data-testid="live-notice"]`))))
	t.Logf("Maria's click to John's notice: %s", time.Since(start))
	assert.Contains(t, text(t, john, `[data-testid="live-notice"]`),
		"maria saved this lead just now — 2 fields changed: Phone and Score (version 2).")
	mariaNotice, err := chromedp.Run(maria, chromedp.Evaluate[bool](`document.getElementById("live-notice").hidden`))
	require.NoError(t, err)
	assert.True(t, mariaNotice, "Maria is not told about her own save")

	shot, err := chromedp.Run(john, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	path := screenshotPath(t, "live-notice.png")
	require.NoError(t, os.WriteFile(path, shot, 0o644))
	t.Logf("live notice screenshot: %s", path)

	// "Show what changed" refreshes the header and history, not the form.
	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="live-refresh"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="history-entry"][data-version="2"]`)),
		chromedp.WaitNotVisible(chromedp.CSS(`[data-testid="live-notice"]`)),
	))
	assert.Equal(t, "version 2", text(t, john, `[data-testid="lead-version"]`))
	assert.Equal(t, "Call back Tuesday.", value(t, john, `#lead-notes`), "what John typed is still there")
	assert.Equal(t, "1", value(t, john, `#lead-form input[name="version"]`), "his form still starts from version 1")

	// His save then merges: his notes, Maria's phone and score.
	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	assert.Contains(t, text(t, john, `[data-testid="notice"]`), "kept their change to Phone and Score; saved your Notes.")
	final := a.lead(l.ID())
	assert.Equal(t, "Call back Tuesday.", final.Fields().Notes)
	assert.Equal(t, "+1 555 0100", final.Fields().Phone)
	assert.Equal(t, 88, final.Fields().Score)
}
