package functional

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
)

func TestBrowserARepGivenTheLeadTheyEditSeesTheNoticeAndTheirSaveMerges(t *testing.T) {
	a := newApp(t)
	l := a.seedLead(ada) // nobody's
	browser := newBrowser(t)
	maria := a.newRep(browser, "maria")
	openLead(t, a.srv.URL+leadPath(l), maria)
	require.Eventually(t, func() bool { return a.feed.Watchers() == 2 }, 5*time.Second, 10*time.Millisecond, "the lead's stream and the rep's")
	require.NoError(t, chromedp.Do(maria, chromedp.SetValue(chromedp.CSS(`#lead-phone`), "+1 555 0100")))

	// John gives the lead to Maria while she types.
	mariaID := a.user("maria").ID
	res := a.rep("john").post(leadPath(l), leadForm(l, 1, map[string]string{"owner": domain.OwnerText(mariaID)}))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)

	require.NoError(t, chromedp.Do(maria, chromedp.WaitVisible(chromedp.CSS(`[data-testid="rep-notice"]`))))
	assert.Equal(t, "john assigned you lead Ada Lovelace.\nOpen\nDismiss", text(t, maria, `[data-testid="rep-notice"]`))
	href, err := chromedp.Run(maria, chromedp.Evaluate[string](`document.querySelector('[data-testid="rep-notice-open"]').getAttribute("href")`))
	require.NoError(t, err)
	assert.Equal(t, leadPath(l), href)

	require.NoError(t, chromedp.Do(maria,
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	assert.Equal(t, "Merged with john's save (version 2): kept their change to Owner; saved your Phone. This is now version 3.",
		text(t, maria, `[data-testid="notice"]`), "no banner: the owner and the phone merge")
	banner, err := chromedp.Run(maria, chromedp.Evaluate[bool](`document.querySelector('[data-testid="conflict-banner"]') !== null`))
	require.NoError(t, err)
	assert.False(t, banner)
	assert.Equal(t, fmt.Sprint(mariaID), value(t, maria, `#lead-owner`), "the form shows her as the owner")
	final := a.lead(l.ID())
	assert.Equal(t, mariaID, final.Fields().Owner)
	assert.Equal(t, "+1 555 0100", final.Fields().Phone)

	require.NoError(t, chromedp.Do(maria,
		chromedp.Click(chromedp.CSS(`[data-testid="rep-notice-dismiss"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="rep-notice"]`)),
	))
}
