package functional

import (
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/deal"
	"crm/domain/lead"
)

func TestBrowserConversionThatMeetsANewerLeadShowsTheBannerAndKeepsTheForm(t *testing.T) {
	a := newApp(t)
	l := a.qualifiedLead(85)
	browser := newBrowser(t)
	maria, john := a.newRep(browser, "maria"), a.newRep(browser, "john")

	// John follows Convert… from the lead page and fills in the deal.
	require.NoError(t, chromedp.Do(john,
		chromedp.Navigate(a.srv.URL+leadPath(l)),
		chromedp.Click(chromedp.CSS(`[data-testid="move-CONVERTED"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#convert-form`)),
		chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`),
		chromedp.SetValue(chromedp.CSS(`#convert-deal-title`), "Navy compilers"),
		chromedp.SetValue(chromedp.CSS(`#convert-deal-amount`), "48,000"),
	))

	// Meanwhile Maria raises the score on the lead page.
	require.NoError(t, chromedp.Do(maria,
		chromedp.Navigate(a.srv.URL+leadPath(l)),
		chromedp.WaitVisible(chromedp.CSS(`#lead-form`)),
		chromedp.SetValue(chromedp.CSS(`#lead-score`), "95"),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	require.Equal(t, int64(4), a.lead(l.ID()).Version())

	// John converts from version 3: nothing happens but the banner.
	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="convert"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="conflict-banner"]`)),
	))
	banner, err := chromedp.Run(john, chromedp.Text(chromedp.CSS(`[data-testid="conflict-banner"]`)))
	require.NoError(t, err)
	assert.Contains(t, banner, "Nothing was converted")
	theirs, err := chromedp.Run(john, chromedp.Text(chromedp.CSS(`[data-testid="theirs-score"]`)))
	require.NoError(t, err)
	assert.Equal(t, "95", theirs)
	for sel, want := range map[string]string{
		`#convert-deal-title`:                 "Navy compilers",
		`#convert-deal-amount`:                "48,000",
		`#convert-form input[name="version"]`: "4",
		`#convert-contact-name`:               "Grace Hopper",
		`#convert-deal-currency`:              "EUR",
	} {
		got, err := chromedp.Run(john, chromedp.Value(chromedp.CSS(sel)))
		require.NoError(t, err)
		assert.Equal(t, want, got, sel)
	}
	swapped, err := chromedp.Run(john, chromedp.Evaluate[bool](`window.notReloaded === true`))
	require.NoError(t, err)
	assert.True(t, swapped, "htmx swapped the 409 into the page")
	assert.Equal(t, lead.StatusQualified, a.lead(l.ID()).Status())
	assert.Equal(t, [2]int{0, 0}, a.rowCounts())

	shot, err := chromedp.Run(john, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	path := screenshotPath(t, "conversion-conflict.png")
	require.NoError(t, os.WriteFile(path, shot, 0o644))
	t.Logf("conversion conflict screenshot: %s", path)

	// Converting again lands on the new deal.
	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="convert"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#deal-editor`)),
	))
	location, err := chromedp.Run(john, chromedp.Location())
	require.NoError(t, err)
	d := a.deal(redirectedDeal(t, strings.TrimPrefix(location, a.srv.URL)))
	assert.Equal(t, deal.Fields{Title: "Navy compilers", Amount: deal.Money{Minor: 4_800_000, Currency: "EUR"}}, d.Fields())
	assert.Equal(t, lead.StatusConverted, a.lead(l.ID()).Status())
}
