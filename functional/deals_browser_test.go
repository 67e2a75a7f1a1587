package functional

import (
	"context"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/deal"
)

func TestBrowserDealAmountConflictOffersTheSavedAmountAndCurrency(t *testing.T) {
	a := newApp(t)
	d := a.seedDeal(engines) // EUR 1,250.00
	url := a.srv.URL + dealPath(d)
	browser := newBrowser(t)
	maria, john := a.newRep(browser, "maria"), a.newRep(browser, "john")
	for _, rep := range []context.Context{maria, john} {
		require.NoError(t, chromedp.Do(rep,
			chromedp.Navigate(url),
			chromedp.WaitVisible(chromedp.CSS(`#deal-form`)),
			chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`),
		))
	}

	// Maria makes it USD 990.00 first.
	require.NoError(t, chromedp.Do(maria,
		chromedp.SetValue(chromedp.CSS(`#deal-amount`), "990"),
		chromedp.SetValue(chromedp.CSS(`#deal-currency`), "USD"),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	version, err := chromedp.Run(maria, chromedp.Value(chromedp.CSS(`#deal-form input[name="version"]`)))
	require.NoError(t, err)
	assert.Equal(t, "2", version, "Maria's form moved to the version she saved")

	// John, still on version 1, types 1,500 and gets the banner.
	require.NoError(t, chromedp.Do(john,
		chromedp.SetValue(chromedp.CSS(`#deal-amount`), "1,500"),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="conflict-banner"]`)),
	))
	theirs, err := chromedp.Run(john, chromedp.Text(chromedp.CSS(`[data-testid="theirs-amount"]`)))
	require.NoError(t, err)
	assert.Equal(t, "990.00 USD", theirs)
	typed, err := chromedp.Run(john, chromedp.Value(chromedp.CSS(`#deal-amount`)))
	require.NoError(t, err)
	assert.Equal(t, "1500.00", typed, "what John typed is still in the form")
	swapped, err := chromedp.Run(john, chromedp.Evaluate[bool](`window.notReloaded === true`))
	require.NoError(t, err)
	assert.True(t, swapped, "htmx swapped the 409 response into the page")

	shot, err := chromedp.Run(john, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	path := screenshotPath(t, "deal-conflict-banner.png")
	require.NoError(t, os.WriteFile(path, shot, 0o644))
	t.Logf("deal conflict banner screenshot: %s", path)

	// He takes Maria's amount and currency with the two buttons, and saves.
	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-for="deal-amount"]`)),
		chromedp.Click(chromedp.CSS(`[data-for="deal-currency"]`)),
	))
	amount, err := chromedp.Run(john, chromedp.Value(chromedp.CSS(`#deal-amount`)))
	require.NoError(t, err)
	assert.Equal(t, "990.00", amount)
	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="conflict-banner"]`)),
	))
	notice, err := chromedp.Run(john, chromedp.Text(chromedp.CSS(`[data-testid="notice"]`)))
	require.NoError(t, err)
	assert.Contains(t, notice, "Nothing to save", "his form now equals what Maria saved")
	assert.Equal(t, deal.Money{Minor: 99000, Currency: "USD"}, a.deal(d.ID()).Fields().Amount)

	// A stage move swaps the editor too, and its buttons follow the table.
	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="move-WON"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="deal-stage"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="move-LOST"]`)),
	))
	stage, err := chromedp.Run(john, chromedp.Text(chromedp.CSS(`[data-testid="deal-stage"]`)))
	require.NoError(t, err)
	assert.Equal(t, "Won", stage)
	assert.Equal(t, int64(3), a.deal(d.ID()).Version())
}
