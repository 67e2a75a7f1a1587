package functional

import (
	"context"
	"net/url"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/contact"
	"crm/domain/deal"
	"crm/domain/lead"
)

// TestBrowserMarkupInEveryTextFieldStaysInert loads every page that shows
// hostile text in Chromium and checks no script ran: escaping stops it, and
// the Content-Security-Policy would stop anything escaping missed.
func TestBrowserMarkupInEveryTextFieldStaysInert(t *testing.T) {
	a := newApp(t)
	hostile := func(n int) string {
		return []string{scriptTag, imgOnerror, `"><svg onload="window.pwned=3">`, `</textarea><script>window.pwned=4</script>`}[n%4]
	}
	l := a.seedLead(lead.Fields{Name: hostile(0), Email: "", Company: hostile(1), Phone: "", Source: hostile(2), Score: 85, Notes: hostile(3)})
	c := a.seedContact(contact.Fields{Name: hostile(1), Company: hostile(0)})
	d, err := a.deals.Create(context.Background(), "seed", c.ID(), deal.Fields{Title: hostile(2), Amount: engines.Amount})
	require.NoError(t, err)

	rep := a.newRep(newBrowser(t), "maria")
	for _, path := range []string{
		leadPath(l), "/leads", "/leads?q=" + url.QueryEscape("<"), contactPath(c), "/contacts", dealPath(d), "/deals",
		leadPath(l) + "/convert",
	} {
		require.NoError(t, chromedp.Do(rep,
			chromedp.Navigate(a.srv.URL+path),
			chromedp.WaitReady(chromedp.CSS(`main`)),
		), path)
		pwned, err := chromedp.Run(rep, chromedp.Evaluate[any](`window.pwned === undefined ? null : window.pwned`))
		require.NoError(t, err)
		assert.Nil(t, pwned, "a script ran on %s", path)
	}
	// The text is on the page as text.
	name, err := chromedp.Run(rep, chromedp.Text(chromedp.CSS(`[data-testid="lead-name"]`)))
	require.NoError(t, err)
	assert.Equal(t, scriptTag, name)
}
