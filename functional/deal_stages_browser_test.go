package functional

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/deal"
)

// TestBrowserNegotiationWithoutAnExpectedCloseAsksForIt is the stage gate
// as a rep meets it, by keyboard only: the move to Negotiation of a deal
// with no expected close opens the ask, focused on the date; typing it and
// pressing the ask's button moves the deal and saves the date.
func TestBrowserNegotiationWithoutAnExpectedCloseAsksForIt(t *testing.T) {
	a := newApp(t)
	d := a.seedDeal(engines)
	browser := newBrowser(t)
	maria := a.newRep(browser, "maria")
	require.NoError(t, chromedp.Do(maria,
		chromedp.Navigate(a.srv.URL+dealPath(d)),
		chromedp.WaitVisible(chromedp.CSS(`#deal-form`)),
		chromedp.Focus(chromedp.CSS(`[data-testid="move-NEGOTIATION"]`)),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="stage-ask"]`)),
	))
	focused, err := chromedp.Run(maria, chromedp.Evaluate[string](`document.activeElement.id`))
	require.NoError(t, err)
	assert.Equal(t, "deal-expected_close", focused, "the ask has the focus")
	alert, err := chromedp.Run(maria, chromedp.Text(chromedp.CSS(`[data-testid="action-error"]`)))
	require.NoError(t, err)
	assert.Equal(t, "Set the expected close date to move the deal to Negotiation.", alert)
	inputs, err := chromedp.Run(maria, chromedp.Evaluate[int](`document.querySelectorAll('input[name="expected_close"]').length`))
	require.NoError(t, err)
	assert.Equal(t, 1, inputs, "the date moved into the ask: one input, posted once")
	assert.Equal(t, deal.StageQualification, a.deal(d.ID()).Stage(), "nothing moved")

	shot, err := chromedp.Run(maria, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	path := screenshotPath(t, "deal-stage-ask.png")
	require.NoError(t, os.WriteFile(path, shot, 0o644))
	t.Logf("stage ask screenshot: %s", path)

	// Chromium's date input takes the month, day and year as typed
	// (en-US); Tab then leaves its parts (the year may take more digits)
	// for the ask's button.
	require.NoError(t, chromedp.Do(maria, chromedp.KeyEvent("01152027")))
	for range 3 {
		require.NoError(t, chromedp.Do(maria, chromedp.KeyEvent(kb.Tab)))
		if focused, err = chromedp.Run(maria, chromedp.Evaluate[string](`document.activeElement.dataset.testid || ""`)); err != nil || focused != "ask-expected-close" {
			break
		}
	}
	require.NoError(t, err)
	assert.Equal(t, "ask-move", focused, "the ask's button follows the date")
	require.NoError(t, chromedp.Do(maria,
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="stage-ask"]`)),
	))
	stage, err := chromedp.Run(maria, chromedp.Text(chromedp.CSS(`[data-testid="deal-stage"]`)))
	require.NoError(t, err)
	expected, err := chromedp.Run(maria, chromedp.Text(chromedp.CSS(`[data-testid="deal-expected-close"]`)))
	require.NoError(t, err)
	assert.Equal(t, "Negotiation", stage)
	assert.Equal(t, "2027-01-15", expected)
	saved := a.deal(d.ID())
	assert.Equal(t, deal.StageNegotiation, saved.Stage())
	assert.Equal(t, "2027-01-15", saved.Fields().ExpectedClose.String())
	assert.Equal(t, int64(2), saved.Version(), "the date and the move in one write")

	// On a phone the ask and the closed-on date fit without scrolling sideways.
	other := a.seedDeal(engines)
	require.NoError(t, chromedp.Do(maria,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(a.srv.URL+dealPath(other)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="closed-on"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="move-NEGOTIATION"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="stage-ask"]`)),
	))
	fits, err := chromedp.Run(maria, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	require.NoError(t, err)
	assert.True(t, fits, "the deal page with the ask scrolls sideways at 390 px")
}
