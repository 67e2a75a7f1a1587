package functional

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/lead"
)

// TestBrowserSearchAsYouTypeKeepsTheTabItWasTypedOn: typing in the lead
// search filters the list without pressing Enter, and the search and the
// status tabs read and write one view: a tab clicked after a search keeps
// the search, a search typed after a tab keeps the tab, and the address
// holds both.
func TestBrowserSearchAsYouTypeKeepsTheTabItWasTypedOn(t *testing.T) {
	a := newApp(t)
	a.seedLead(lead.Fields{Name: "Grace Hopper", Company: "Navy", Score: 10})
	contacted := a.seedLead(lead.Fields{Name: "Grace Kelly", Company: "Monaco", Score: 10})
	_, err := a.leads.MoveAt(context.Background(), "seed", contacted, lead.StatusContacted)
	require.NoError(t, err)
	a.seedLead(lead.Fields{Name: "Alan Turing", Company: "Bletchley", Score: 10})
	maria := a.newRep(newBrowser(t), "maria")
	rows := func() int {
		n, err := chromedp.Run(maria, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="lead-row"]').length`))
		require.NoError(t, err)
		return n
	}

	require.NoError(t, chromedp.Do(maria,
		chromedp.Navigate(a.srv.URL+"/leads"),
		chromedp.WaitVisible(chromedp.CSS(`#list-search input[name="q"]`)),
		chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`),
		chromedp.SendKeys(chromedp.CSS(`#list-search input[name="q"]`), "grace"),
		// No Enter: the list follows the typing.
		chromedp.WaitReady(chromedp.CSS(`[data-testid="matches"]`)),
	))
	assert.Equal(t, 2, rows(), "both Graces, without Alan")

	require.NoError(t, chromedp.Do(maria,
		chromedp.Click(chromedp.CSS(`[data-testid="tab-CONTACTED"]`)),
		chromedp.WaitReady(chromedp.CSS(`[data-testid="search-keeps-status"]`)),
	))
	assert.Equal(t, 1, rows(), "the tab keeps the search: Grace Kelly only")

	require.NoError(t, chromedp.Do(maria,
		chromedp.Evaluate[chromedp.Void](`document.querySelector('#list-search input[name="q"]').value = ""`),
		chromedp.SendKeys(chromedp.CSS(`#list-search input[name="q"]`), "hopper"),
		chromedp.WaitReady(chromedp.CSS(`[data-testid="no-leads"]`)),
	))
	assert.Zero(t, rows(), "the search keeps the tab: no contacted Hopper")
	address, err := chromedp.Run(maria, chromedp.Evaluate[string](`location.search`))
	require.NoError(t, err)
	assert.Contains(t, address, "q=hopper")
	assert.Contains(t, address, "status=CONTACTED", "the address holds the whole view")
	stayed, err := chromedp.Run(maria, chromedp.Evaluate[bool](`window.notReloaded === true`))
	require.NoError(t, err)
	assert.True(t, stayed, "htmx swapped the results; the page never reloaded")
}

// TestBrowserListsFitAPhone: at 390 px wide the lead list's rows are cards
// (one labelled cell a line, a long email broken), nothing scrolls
// sideways, and the top navigation folds behind a Menu button that opens
// from the keyboard onto every link, Sign out among them, and closes with
// Escape; on a wide screen the links show and the button does not.
func TestBrowserListsFitAPhone(t *testing.T) {
	a := newApp(t)
	l := a.seedLead(lead.Fields{Name: "Bartholomew Featherstonehaugh", Company: "Featherstonehaugh Consolidated Holdings",
		Email: "bartholomew.featherstonehaugh@a-very-very-long-domain-example.com", Score: 50})
	maria := a.newRep(newBrowser(t), "maria")
	eval := func(js string) bool {
		t.Helper()
		ok, err := chromedp.Run(maria, chromedp.Evaluate[bool](js))
		require.NoError(t, err)
		return ok
	}
	const (
		fits      = `document.documentElement.scrollWidth <= window.innerWidth`
		signOut   = `(() => { const r = document.querySelector('form[action="/logout"] button').getBoundingClientRect(); return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth })()`
		expanded  = `document.querySelector('[data-testid="nav-toggle"]').getAttribute('aria-expanded') === 'true'`
		linksShow = `document.querySelector('#nav-menu a[href="/contacts"]').getClientRects().length > 0`
	)

	// The filtered list opens its filters, date pairs and all.
	for _, path := range []string{"/leads", "/leads?q=feather&created_from=2020-01-01&updated_to=2030-12-31&sort=name", leadPath(l), "/contacts", "/deals", "/trash"} {
		require.NoError(t, chromedp.Do(maria,
			chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(a.srv.URL+path),
			chromedp.WaitReady(chromedp.CSS(`main`)),
		), path)
		assert.True(t, eval(fits), "%s scrolls sideways at 390 px", path)
		if strings.Contains(path, "feather") {
			shot, err := chromedp.Run(maria, chromedp.FullScreenshot(100))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(screenshotPath(t, "lead-filters-phone.png"), shot, 0o644))
		}
		assert.False(t, eval(linksShow), "%s: the links are folded", path)
		assert.False(t, eval(signOut), "%s: Sign out is folded with them", path)

		require.NoError(t, chromedp.Do(maria,
			chromedp.Focus(chromedp.CSS(`[data-testid="nav-toggle"]`)),
			chromedp.KeyEvent(kb.Enter),
		), path)
		assert.True(t, eval(expanded), "%s: Enter on the button opens the menu, and says so", path)
		assert.True(t, eval(linksShow), "%s: the links show", path)
		assert.True(t, eval(signOut), "%s: Sign out is on the screen", path)
		assert.True(t, eval(fits), "%s: the open menu does not widen the page", path)
		if path == "/leads" {
			shot, err := chromedp.Run(maria, chromedp.CaptureScreenshot())
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(screenshotPath(t, "nav-menu-phone.png"), shot, 0o644))
		}

		require.NoError(t, chromedp.Do(maria, chromedp.KeyEvent(kb.Escape)), path)
		assert.False(t, eval(expanded), "%s: Escape closes the menu", path)
		assert.False(t, eval(linksShow), path)
		assert.True(t, eval(`document.activeElement === document.querySelector('[data-testid="nav-toggle"]')`),
			"%s: the focus is back on the button", path)
	}

	require.NoError(t, chromedp.Do(maria, chromedp.Navigate(a.srv.URL+"/leads"), chromedp.WaitReady(chromedp.CSS(`[data-testid="lead-row"]`))))
	label, err := chromedp.Run(maria, chromedp.Evaluate[string](
		`getComputedStyle(document.querySelector('[data-testid="lead-row"] td[data-label="Email"]'), '::before').content`))
	require.NoError(t, err)
	assert.Equal(t, `"Email: "`, label, "each cell of a card says what it is")
	shot, err := chromedp.Run(maria, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(screenshotPath(t, "lead-list-phone.png"), shot, 0o644))

	require.NoError(t, chromedp.Do(maria, chromedp.EmulateViewport(1200, 900), chromedp.Navigate(a.srv.URL+"/leads"),
		chromedp.WaitReady(chromedp.CSS(`main`))))
	assert.True(t, eval(linksShow), "a wide screen shows the links")
	assert.True(t, eval(signOut))
	assert.False(t, eval(`document.querySelector('[data-testid="nav-toggle"]').getClientRects().length > 0`), "and no Menu button")
}

// TestBrowserTheConflictBannerFitsAPhone: at 390 px the side-by-side
// comparison of a conflict stacks theirs and yours instead of widening the
// page.
func TestBrowserTheConflictBannerFitsAPhone(t *testing.T) {
	a := newApp(t)
	long := "Called twice about the renewal; wants the enterprise tier with single sign-on, a named account manager and quarterly reviews"
	l := a.seedLead(lead.Fields{Name: "Ada Lovelace", Email: "ada@example.com", Company: "Analytical Engines", Score: 70, Notes: long})
	john := a.newRep(newBrowser(t), "john")
	require.NoError(t, chromedp.Do(john,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(a.srv.URL+leadPath(l)),
		chromedp.WaitVisible(chromedp.CSS(`#lead-form`)),
	))
	read, err := a.leads.Get(context.Background(), l.ID())
	require.NoError(t, err)
	f := read.Fields()
	f.Notes = long + ", and a discount for a three-year contract signed before the end of the quarter"
	_, err = a.leads.Update(context.Background(), "maria", read, f)
	require.NoError(t, err)

	require.NoError(t, chromedp.Do(john,
		chromedp.SetValue(chromedp.CSS(`#lead-notes`), long+"; call back on Monday morning before the board meeting"),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="conflict-banner"]`)),
	))
	fits, err := chromedp.Run(john, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	require.NoError(t, err)
	assert.True(t, fits, "the conflict banner does not widen the page at 390 px")
	inside, err := chromedp.Run(john, chromedp.Evaluate[bool](
		`(() => { const r = document.querySelector('[data-testid="conflict-banner"]').getBoundingClientRect(); return r.right <= window.innerWidth })()`))
	require.NoError(t, err)
	assert.True(t, inside, "nor is it clipped")
	shot, err := chromedp.Run(john, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(screenshotPath(t, "conflict-banner-phone.png"), shot, 0o644))
}

// TestBrowserSortsAndFiltersAreOneViewInTheAddress: a column heading sorts
// the list and a second click turns the order round; the filters narrow it
// as they are set, keeping the order; the address holds the whole view
// (only what differs from the default), and opening it again shows the same
// rows with the same controls set.
func TestBrowserSortsAndFiltersAreOneViewInTheAddress(t *testing.T) {
	a := newApp(t)
	a.seedLead(lead.Fields{Name: "Bea", Source: "Website", Score: 10})
	a.seedLead(lead.Fields{Name: "ann", Source: "Trade show", Score: 90})
	a.seedLead(lead.Fields{Name: "Cid", Source: "Website", Score: 50})
	maria := a.newRep(newBrowser(t), "maria")
	names := func() []string {
		got, err := chromedp.Run(maria, chromedp.Evaluate[[]string](
			`[...document.querySelectorAll('[data-testid="lead-row"] td[data-label="Name"]')].map(td => td.textContent.trim())`))
		require.NoError(t, err)
		return got
	}
	address := func() string {
		got, err := chromedp.Run(maria, chromedp.Evaluate[string](`location.search`))
		require.NoError(t, err)
		return got
	}
	waitFor := func(want ...string) {
		t.Helper()
		js := fmt.Sprintf(`[...document.querySelectorAll('[data-testid="lead-row"] td[data-label="Name"]')].map(td => td.textContent.trim()).join(",") === %q`, strings.Join(want, ","))
		require.NoError(t, chromedp.Do(maria, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(10*time.Second))), "waiting for %v, have %v", want, names())
	}

	require.NoError(t, chromedp.Do(maria,
		chromedp.Navigate(a.srv.URL+"/leads"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="sort-name"]`)),
		chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`),
	))
	assert.Equal(t, []string{"Cid", "ann", "Bea"}, names(), "newest first")

	require.NoError(t, chromedp.Do(maria, chromedp.Click(chromedp.CSS(`[data-testid="sort-name"]`))))
	waitFor("ann", "Bea", "Cid")
	assert.Equal(t, "?sort=name", address())
	require.NoError(t, chromedp.Do(maria, chromedp.Click(chromedp.CSS(`[data-testid="sort-name"]`))))
	waitFor("Cid", "Bea", "ann")
	assert.Equal(t, "?dir=desc&sort=name", address())
	sorted, err := chromedp.Run(maria, chromedp.Evaluate[string](`document.querySelector('th[aria-sort]').getAttribute('aria-sort') + " " + document.querySelector('th[aria-sort]').textContent.trim()`))
	require.NoError(t, err)
	assert.Equal(t, "descending Name ▼", strings.Join(strings.Fields(sorted), " "))

	require.NoError(t, chromedp.Do(maria,
		chromedp.Click(chromedp.CSS(`[data-testid="filters"] summary`)),
		chromedp.SetValue(chromedp.CSS(`[data-testid="filter-source"]`), "Website"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="filter-source"]').dispatchEvent(new Event('input', {bubbles: true}))`),
	))
	waitFor("Cid", "Bea")
	require.NoError(t, chromedp.Do(maria, chromedp.SendKeys(chromedp.CSS(`[data-testid="filter-score-min"]`), "20")))
	waitFor("Cid")
	assert.Equal(t, "?dir=desc&score_min=20&sort=name&source=Website", address(), "the whole view, nothing empty")
	matches, err := chromedp.Run(maria, chromedp.Evaluate[string](`document.querySelector('[data-testid="matches"]').textContent`))
	require.NoError(t, err)
	assert.Equal(t, "1 lead matches.", matches)
	stayed, err := chromedp.Run(maria, chromedp.Evaluate[bool](`window.notReloaded === true`))
	require.NoError(t, err)
	assert.True(t, stayed, "htmx swapped the results; the page never reloaded")

	require.NoError(t, chromedp.Do(maria,
		chromedp.Navigate(a.srv.URL+"/leads"+address()),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="filter-source"]`)),
	))
	assert.Equal(t, []string{"Cid"}, names(), "the address alone brings the view back")
	controls, err := chromedp.Run(maria, chromedp.Evaluate[[]string](`[
		document.querySelector('[data-testid="filter-source"]').value,
		document.querySelector('[data-testid="filter-score-min"]').value,
		document.querySelector('[data-testid="sort-by"]').value,
		document.querySelector('[data-testid="sort-dir"]').value,
		String(document.querySelector('[data-testid="filters"]').open)]`))
	require.NoError(t, err)
	assert.Equal(t, []string{"Website", "20", "name", "desc", "true"}, controls)
}

// TestBrowserTheLiveNoticeStaysInSightOnAPhone: at 390 px, the notice of
// another rep's save stays at the top of the screen while the rep is far
// down the form, and a field the rep moves to is scrolled clear of it, not
// under it.
func TestBrowserTheLiveNoticeStaysInSightOnAPhone(t *testing.T) {
	a := newApp(t)
	l := a.seedLead(ada)
	john := a.newRep(newBrowser(t), "john")
	require.NoError(t, chromedp.Do(john,
		chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(a.srv.URL+leadPath(l)),
		chromedp.WaitVisible(chromedp.CSS(`#lead-form`)),
	))
	require.Eventually(t, func() bool { return a.feed.Watchers() == 2 }, 10*time.Second, 20*time.Millisecond, "the page is watching: the record, and the rep's own notices")
	f := ada
	f.Score = 85
	_, err := a.leads.Save(context.Background(), "maria", l.ID(), 1, f)
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(john,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="live-notice"]`)),
		chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, document.documentElement.scrollHeight)`),
	))
	rect := func(sel string) map[string]float64 {
		t.Helper()
		r, err := chromedp.Run(john, chromedp.Evaluate[map[string]float64](
			`(() => { const r = document.querySelector('`+sel+`').getBoundingClientRect(); return {top: r.top, bottom: r.bottom, right: r.right} })()`))
		require.NoError(t, err)
		return r
	}
	scrolled, err := chromedp.Run(john, chromedp.Evaluate[float64](`window.scrollY`))
	require.NoError(t, err)
	require.Positive(t, scrolled, "the page is longer than the screen")
	notice := rect(`[data-testid="live-notice"]`)
	assert.Zero(t, notice["top"], "the notice sticks to the top of the screen")
	assert.LessOrEqual(t, notice["right"], 390.0)
	assert.Less(t, notice["bottom"], 844.0/4, "and takes little of it")

	require.NoError(t, chromedp.Do(john, chromedp.Focus(chromedp.CSS(`#lead-source`))))
	source := rect(`#lead-source`)
	notice = rect(`[data-testid="live-notice"]`)
	assert.Zero(t, notice["top"], "still in sight")
	assert.GreaterOrEqual(t, source["top"], notice["bottom"], "the field moved to is below the notice, not under it")
	fits, err := chromedp.Run(john, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
	require.NoError(t, err)
	assert.True(t, fits)
	shot, err := chromedp.Run(john, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(screenshotPath(t, "live-notice-phone.png"), shot, 0o644))
}
