package functional

import (
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Finding 1 in a real browser, which strips the tab that the server once
// let through and would have gone to evil.example.
func TestBrowserSignInStaysOnThisSiteWhateverNextSays(t *testing.T) {
	a := newApp(t)
	browser := newBrowser(t)
	for _, next := range []string{"/\t/evil.example", "/\t\\evil.example", "/\n/evil.example"} {
		ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		require.NoError(t, chromedp.Do(ctx,
			chromedp.Navigate(a.srv.URL+"/login?"+url.Values{"next": {next}}.Encode()),
			chromedp.SetValue(chromedp.CSS(`#login-email`), "maria@example.com"),
			chromedp.SetValue(chromedp.CSS(`#login-password`), "maria"+testPasswordSuffix),
			chromedp.Click(chromedp.CSS(`[data-testid="sign-in"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid="signed-in-as"]`)),
		), "next=%q", next)
		at, err := chromedp.Run(ctx, chromedp.Location())
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(at, a.srv.URL+"/"), "next=%q ended at %s", next, at)
		cancel()
	}
}
