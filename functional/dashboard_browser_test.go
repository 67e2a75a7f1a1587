package functional

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBrowserDashboard: the dashboard draws its funnel, fits a phone
// without scrolling sideways, and its filters are a form the keyboard
// submits.
func TestBrowserDashboard(t *testing.T) {
	a := newApp(t)
	seedDashboard(t, a)
	browser := newBrowser(t)
	ann := a.newRep(browser, defaultRep)

	require.NoError(t, chromedp.Do(ann,
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(a.srv.URL+"/"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="funnel-chart"]`)),
	))
	bars, err := chromedp.Run(ann, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="funnel-chart"] rect').length`))
	require.NoError(t, err)
	assert.Equal(t, 4, bars, "one bar per step")
	shot, err := chromedp.Run(ann, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(screenshotPath(t, "dashboard.png"), shot, 0o644))

	// The team's figures for the year, chosen with the keyboard alone.
	require.NoError(t, chromedp.Do(ann,
		chromedp.Focus(chromedp.CSS(`#dashboard-scope`)),
		chromedp.SetValue(chromedp.CSS(`#dashboard-scope`), "team"),
		chromedp.SetValue(chromedp.CSS(`#dashboard-period`), "year"),
		chromedp.Focus(chromedp.CSS(`#dashboard-rot`)),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="closed-year"]`)),
	))
	won, err := chromedp.Run(ann, chromedp.Text(chromedp.CSS(`[data-testid="closed-year"] [data-testid="won"]`)))
	require.NoError(t, err)
	assert.Equal(t, "2", won, "Ann's and John's")

	require.NoError(t, chromedp.Do(ann,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(a.srv.URL+"/dashboard"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="funnel-chart"]`)),
	))
	wider, err := chromedp.Run(ann, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`))
	require.NoError(t, err)
	assert.False(t, wider, "no sideways scroll at 390 px")
	shot, err = chromedp.Run(ann, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(screenshotPath(t, "dashboard-phone.png"), shot, 0o644))
}
