package functional

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBrowserShowOlderHistoryAndASaveKeepsIt: "Show older" under a lead's
// history adds the next 20 entries at its end, from the keyboard, keeping
// the focus on the button; a save then puts its entry on top and keeps
// every entry loaded (the section is preserved, not read again).
func TestBrowserShowOlderHistoryAndASaveKeepsIt(t *testing.T) {
	a := newApp(t)
	l := a.savedTimes(a.seedLead(ada), 44) // versions 1 to 45
	maria := a.newRep(newBrowser(t), "maria")
	entries := func() int {
		t.Helper()
		n, err := chromedp.Run(maria, chromedp.Evaluate[int](`document.querySelectorAll('#lead-history-entries > [data-testid="history-entry"]').length`))
		require.NoError(t, err)
		return n
	}
	firstVersion := func() string {
		t.Helper()
		v, err := chromedp.Run(maria, chromedp.Evaluate[string](`document.querySelector('#lead-history-entries > [data-testid="history-entry"]').dataset.version`))
		require.NoError(t, err)
		return v
	}

	require.NoError(t, chromedp.Do(maria,
		chromedp.Navigate(a.srv.URL+leadPath(l)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="history-older"]`)),
	))
	assert.Equal(t, 20, entries())
	require.NoError(t, chromedp.Do(maria,
		chromedp.Focus(chromedp.CSS(`[data-testid="history-older"]`)),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitReady(chromedp.CSS(`#lead-history-entries > [data-version="6"]`)),
	))
	assert.Equal(t, 40, entries(), "the next 20 at the end of the list")
	focused, err := chromedp.Run(maria, chromedp.Evaluate[bool](`document.activeElement.matches('[data-testid="history-older"]')`))
	require.NoError(t, err)
	assert.True(t, focused, "the focus stays on Show older, ready for the next ones")
	last, err := chromedp.Run(maria, chromedp.Evaluate[string](`document.querySelector('#lead-history-entries > [data-testid="history-entry"]:last-child').dataset.version`))
	require.NoError(t, err)
	assert.Equal(t, "6", last)

	require.NoError(t, chromedp.Do(maria,
		chromedp.SetValue(chromedp.CSS(`#lead-source`), "Conference"),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitReady(chromedp.CSS(`#lead-history-entries > [data-version="46"]`)),
	))
	assert.Equal(t, "46", firstVersion(), "the save's entry on top")
	assert.Equal(t, 41, entries(), "and every entry loaded before kept")

	require.NoError(t, chromedp.Do(maria,
		chromedp.Click(chromedp.CSS(`[data-testid="history-older"]`)),
		chromedp.WaitReady(chromedp.CSS(`#lead-history-entries > [data-version="1"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="history-older"]`)),
	))
	assert.Equal(t, 46, entries(), "the whole history, each entry once")
}
