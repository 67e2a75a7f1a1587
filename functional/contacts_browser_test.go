package functional

import (
	"context"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBrowserTwoRepsSaveTheSameContactFieldAndTheSecondSeesTheBanner(t *testing.T) {
	a := newApp(t)
	c := a.seedContact(grace)
	url := a.srv.URL + contactPath(c)
	browser := newBrowser(t)
	maria, john := a.newRep(browser, "maria"), a.newRep(browser, "john")

	for _, rep := range []context.Context{maria, john} {
		require.NoError(t, chromedp.Do(rep,
			chromedp.Navigate(url),
			chromedp.WaitVisible(chromedp.CSS(`#contact-form`)),
			// A marker that survives only if htmx swaps instead of reloading.
			chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`),
		))
	}

	require.NoError(t, chromedp.Do(maria,
		chromedp.SetValue(chromedp.CSS(`#contact-phone`), "+1 555 0111"),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	mariaVersion, err := chromedp.Run(maria, chromedp.Value(chromedp.CSS(`#contact-form input[name="version"]`)))
	require.NoError(t, err)
	assert.Equal(t, "2", mariaVersion, "Maria's form moved to the version she saved")
	entries, err := chromedp.Run(maria, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="history-entry"]').length`))
	require.NoError(t, err)
	assert.Equal(t, 2, entries, "her save's history entry appeared without a reload")
	order, err := chromedp.Run(maria, chromedp.Evaluate[string](
		`[...document.querySelectorAll('#contact-history-entries > [data-testid="history-entry"]')].map(e => e.dataset.version).join(",")`))
	require.NoError(t, err)
	assert.Equal(t, "2,1", order, "on top of the history the page had, which was kept, not read again")

	require.NoError(t, chromedp.Do(john,
		chromedp.SetValue(chromedp.CSS(`#contact-phone`), "+1 555 0222"),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="conflict-banner"]`)),
	))
	theirs, err := chromedp.Run(john, chromedp.Text(chromedp.CSS(`[data-testid="theirs-phone"]`)))
	require.NoError(t, err)
	assert.Equal(t, "+1 555 0111", theirs)
	typed, err := chromedp.Run(john, chromedp.Value(chromedp.CSS(`#contact-phone`)))
	require.NoError(t, err)
	assert.Equal(t, "+1 555 0222", typed, "what John typed is still in the form")
	version, err := chromedp.Run(john, chromedp.Value(chromedp.CSS(`#contact-form input[name="version"]`)))
	require.NoError(t, err)
	assert.Equal(t, "2", version, "the form now starts from the current version")
	swapped, err := chromedp.Run(john, chromedp.Evaluate[bool](`window.notReloaded === true`))
	require.NoError(t, err)
	assert.True(t, swapped, "htmx swapped the 409 response into the page")

	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="conflict-banner"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	final := a.contact(c.ID())
	assert.Equal(t, "+1 555 0222", final.Fields().Phone)
	assert.Equal(t, int64(3), final.Version())
}
