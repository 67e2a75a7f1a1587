package functional

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/lead"
)

// TestBrowserBulkChangeOfTwoLeadsOneEditedMeanwhile: maria ticks two
// leads of the list, and the bulk form appears with the count; john saves
// one of them from its page; maria moves both to Lost and reads the
// report, which has the focus: one changed, one merged with john's save
// (his phone kept). The list reloads in the same view without a page load.
func TestBrowserBulkChangeOfTwoLeadsOneEditedMeanwhile(t *testing.T) {
	a := newApp(t)
	ada := a.seedLead(lead.Fields{Name: "Ada Lovelace", Source: "Referral", Score: 70})
	grace := a.seedLead(lead.Fields{Name: "Grace Hopper", Source: "Referral", Score: 60})
	alan := a.seedLead(lead.Fields{Name: "Alan Turing", Source: "Referral", Score: 50})
	browser := newBrowser(t)
	maria, john := a.newRep(browser, "maria"), a.newRep(browser, "john")
	text := func(sel string) string {
		got, err := chromedp.Run(maria, chromedp.Evaluate[string](fmt.Sprintf(`document.querySelector(%q).textContent.trim()`, sel)))
		require.NoError(t, err)
		return strings.Join(strings.Fields(got), " ")
	}
	visible := func(sel string) bool {
		got, err := chromedp.Run(maria, chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const e = document.querySelector(%q); return !!e && e.offsetParent !== null })()`, sel)))
		require.NoError(t, err)
		return got
	}

	require.NoError(t, chromedp.Do(maria,
		chromedp.Navigate(a.srv.URL+"/leads?status=NEW"),
		chromedp.WaitVisible(chromedp.CSS(`[aria-label="Select Ada Lovelace"]`)),
		chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`),
	))
	assert.False(t, visible(`#bulk-form`), "no bulk form before a lead is ticked")
	require.NoError(t, chromedp.Do(maria,
		chromedp.Click(chromedp.CSS(`[aria-label="Select Ada Lovelace"]`)),
		chromedp.Click(chromedp.CSS(`[aria-label="Select Grace Hopper"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#bulk-form`)),
	))
	assert.Equal(t, "2 leads selected.", text(`[data-testid="bulk-count"]`))
	assert.False(t, visible(`[data-testid="bulk-all"]`), "nothing more than the page to select")
	indeterminate, err := chromedp.Run(maria, chromedp.Evaluate[bool](`document.querySelector('[data-testid="select-page"]').indeterminate`))
	require.NoError(t, err)
	assert.True(t, indeterminate, "two of three ticked")

	require.NoError(t, chromedp.Do(maria,
		chromedp.Click(chromedp.CSS(`[data-testid="bulk-apply"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#bulk-problem .notice`)),
	))
	assert.Equal(t, "Choose a change: a status to move to, a source or an owner to set.", text(`#bulk-problem`), "said in the form")
	assert.Equal(t, "2 leads selected.", text(`[data-testid="bulk-count"]`), "the ticks kept")

	// john, on Grace's page, saves her phone.
	require.NoError(t, chromedp.Do(john,
		chromedp.Navigate(a.srv.URL+leadPath(grace)),
		chromedp.WaitVisible(chromedp.CSS(`#lead-phone`)),
		chromedp.SetValue(chromedp.CSS(`#lead-phone`), "+1 555 0100"),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	require.Equal(t, int64(2), a.lead(grace.ID()).Version())

	require.NoError(t, chromedp.Do(maria,
		chromedp.SetValue(chromedp.CSS(`[data-testid="bulk-status"]`), "LOST"),
		chromedp.Click(chromedp.CSS(`[data-testid="bulk-apply"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="bulk-report"]`)),
	))
	assert.Equal(t, "Status changed to Lost: 2 leads", text(`#bulk-report-title`))
	assert.Equal(t, "1 merged, 1 changed.", text(`[data-testid="bulk-counts"]`))
	assert.Equal(t, "Grace Hopper: changed on top of john's newer save, keeping their change to Phone (version 3).",
		text(fmt.Sprintf(`[data-testid="bulk-outcome"][data-id="%d"]`, grace.ID())))
	focused, err := chromedp.Run(maria, chromedp.Evaluate[string](`document.activeElement.id`))
	require.NoError(t, err)
	assert.Equal(t, "bulk-report-title", focused, "the report has the focus")
	rows, err := chromedp.Run(maria, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('[data-testid="lead-row"] td[data-label="Name"]')].map(td => td.textContent.trim())`))
	require.NoError(t, err)
	assert.Equal(t, []string{"Alan Turing"}, rows, "the list of NEW leads, reloaded")
	assert.False(t, visible(`#bulk-form`), "nothing ticked any more")
	stayed, err := chromedp.Run(maria, chromedp.Evaluate[bool](`window.notReloaded === true && location.search === "?status=NEW"`))
	require.NoError(t, err)
	assert.True(t, stayed, "htmx swapped the results in the same view; the page never reloaded")

	for _, l := range []struct {
		id    int64
		phone string
	}{{ada.ID(), ""}, {grace.ID(), "+1 555 0100"}} {
		got := a.lead(l.id)
		assert.Equal(t, lead.StatusLost, got.Status())
		assert.Equal(t, l.phone, got.Fields().Phone)
	}
	assert.Equal(t, lead.StatusNew, a.lead(alan.ID()).Status())

	shot, err := chromedp.Run(maria, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(screenshotPath(t, "bulk-change-report.png"), shot, 0o644))
	require.NoError(t, chromedp.Do(maria, chromedp.EmulateViewport(390, 844)))
	fits, err := chromedp.Run(maria, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	require.NoError(t, err)
	assert.True(t, fits, "the report fits a phone")
}

// TestBrowserBulkChangeOfAllLeadsMatchingTheView: with every lead shown
// ticked by the header's box and more in the view, the form offers all
// leads matching the view; ticked, the change reaches the leads no page
// showed. At 390 px the form fits the screen, select-all included.
func TestBrowserBulkChangeOfAllLeadsMatchingTheView(t *testing.T) {
	a := newApp(t)
	for i := range 60 {
		a.seedLead(lead.Fields{Name: fmt.Sprintf("Lead %02d", i), Source: "Web"})
	}
	a.seedLead(lead.Fields{Name: "Elsewhere", Source: "Fair"})
	maria := a.newRep(newBrowser(t), "maria")

	require.NoError(t, chromedp.Do(maria,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(a.srv.URL+"/leads?source=Web"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="select-page"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="select-page"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="bulk-all"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="bulk-all"]`)),
	))
	count, err := chromedp.Run(maria, chromedp.Evaluate[string](`document.querySelector('[data-testid="bulk-count"]').textContent`))
	require.NoError(t, err)
	assert.Equal(t, "All leads matching this view are selected, up to 10,000.", count)
	// The page itself is wider while the view's filters are open (their
	// grid is 590 px at 390): the bulk form and the list are not.
	fits, err := chromedp.Run(maria, chromedp.Evaluate[bool](`['#bulk-form', 'table.cards'].every(sel => {
		const e = document.querySelector(sel); return e.getBoundingClientRect().right <= window.innerWidth && e.scrollWidth <= e.clientWidth })`))
	require.NoError(t, err)
	assert.True(t, fits, "the bulk form and the list fit a phone")
	shot, err := chromedp.Run(maria, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(screenshotPath(t, "bulk-change-phone.png"), shot, 0o644))

	require.NoError(t, chromedp.Do(maria,
		chromedp.SendKeys(chromedp.CSS(`[data-testid="bulk-source"]`), "Trade fair"),
		chromedp.Click(chromedp.CSS(`[data-testid="bulk-apply"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="bulk-report"]`)),
	))
	title, err := chromedp.Run(maria, chromedp.Evaluate[string](`document.querySelector('#bulk-report-title').textContent`))
	require.NoError(t, err)
	assert.Equal(t, "Source set to “Trade fair”: 60 leads", title)
	require.NoError(t, chromedp.Do(maria, chromedp.Poll[chromedp.Void](
		`document.querySelectorAll('[data-testid="lead-row"]').length === 0`, chromedp.WithPollingTimeout(5*time.Second))),
		"no lead of source Web is left in the view")
	sources, err := a.leads.Sources(t.Context())
	require.NoError(t, err)
	assert.Equal(t, []string{"Fair", "Trade fair"}, sources)
}
