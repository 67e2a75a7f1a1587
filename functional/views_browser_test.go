package functional

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/savedview"
)

// leadRowNames are the names of the lead rows a rep's list shows, in order.
func leadRowNames(t *testing.T, rep context.Context) []string {
	t.Helper()
	got, err := chromedp.Run(rep, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll('[data-testid="lead-row"] td[data-label="Name"]')].map(td => td.textContent.trim())`))
	require.NoError(t, err)
	return got
}

// waitForRows waits until rep's list shows the leads named want, in order.
func waitForRows(t *testing.T, rep context.Context, want ...string) {
	t.Helper()
	js := fmt.Sprintf(`[...document.querySelectorAll('[data-testid="lead-row"] td[data-label="Name"]')].map(td => td.textContent.trim()).join(",") === %q`, strings.Join(want, ","))
	require.NoError(t, chromedp.Do(rep, chromedp.Poll[chromedp.Void](js, chromedp.WithPollingTimeout(10*time.Second))),
		"waiting for %v, have %v", want, leadRowNames(t, rep))
}

// Maria filters the list and saves what it shows as a team view; John
// finds it among his tabs and it opens on the same rows. Then both rename
// it at once from its page: Maria's lands, John is told live, and his save
// meets the conflict banner with both names, his kept in the box.
func TestBrowserASharedViewReachesTheTeamAndTwoRenamesMeet(t *testing.T) {
	a := newApp(t)
	seedTradeShow(a)
	browser := newBrowser(t)
	maria, john := a.newRep(browser, "maria"), a.newRep(browser, "john")

	require.NoError(t, chromedp.Do(maria,
		chromedp.Navigate(a.srv.URL+"/leads"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="saved-views"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="filters"] summary`)),
		chromedp.SetValue(chromedp.CSS(`[data-testid="filter-source"]`), "Trade show"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="filter-source"]').dispatchEvent(new Event('input', {bubbles: true}))`),
	))
	waitForRows(t, maria, "Eve", "Dee", "Bea")
	require.NoError(t, chromedp.Do(maria, chromedp.Click(chromedp.CSS(`[data-testid="sort-score"]`))))
	waitForRows(t, maria, "Dee", "Eve", "Bea")
	require.NoError(t, chromedp.Do(maria, chromedp.SendKeys(chromedp.CSS(`[data-testid="filter-score-min"]`), "50")))
	waitForRows(t, maria, "Dee", "Eve")
	want := leadRowNames(t, maria)

	// The list was swapped in by htmx as she filtered: the form saves what
	// it shows now.
	require.NoError(t, chromedp.Do(maria,
		chromedp.Click(chromedp.CSS(`[data-testid="save-view"] summary`)),
		chromedp.SendKeys(chromedp.CSS(`[data-testid="save-view-name"]`), "Trade show follow-ups"),
		chromedp.Click(chromedp.CSS(`[data-testid="share-view"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="save-view-submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	assert.Equal(t, "View saved: it is a tab above the statuses.", text(t, maria, `[data-testid="notice"]`))
	assert.Equal(t, "Team: Trade show follow-ups", strings.Join(strings.Fields(text(t, maria, `[data-testid="saved-view"][aria-current="page"]`)), " "))
	assert.Equal(t, want, leadRowNames(t, maria))

	require.NoError(t, chromedp.Do(john,
		chromedp.Navigate(a.srv.URL+"/leads"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="saved-view"]`)),
	))
	assert.Equal(t, "Team: Trade show follow-ups", strings.Join(strings.Fields(text(t, john, `[data-testid="saved-view"]`)), " "))
	assert.Equal(t, []string{"Eve", "Dee", "Cid", "Bea"}, leadRowNames(t, john), "his list as it opens")
	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="saved-view"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="saved-view"][aria-current="page"]`)),
	))
	assert.Equal(t, want, leadRowNames(t, john), "the view opens on the rows Maria saw")
	controls, err := chromedp.Run(john, chromedp.Evaluate[[]string](`[
		document.querySelector('[data-testid="filter-source"]').value,
		document.querySelector('[data-testid="filter-score-min"]').value,
		document.querySelector('[data-testid="sort-by"]').value]`))
	require.NoError(t, err)
	assert.Equal(t, []string{"Trade show", "50", "score"}, controls, "with its filters set")

	shot, err := chromedp.Run(john, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	path := screenshotPath(t, "saved-views.png")
	require.NoError(t, os.WriteFile(path, shot, 0o644))
	t.Logf("saved views screenshot: %s", path)

	// Both open the view's page and rename it.
	require.NoError(t, chromedp.Do(john, chromedp.Click(chromedp.CSS(`[data-testid="edit-current-view"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#view-form`))))
	viewURL, err := chromedp.Run(john, chromedp.Evaluate[string](`location.pathname`))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(maria, chromedp.Navigate(a.srv.URL+viewURL), chromedp.WaitVisible(chromedp.CSS(`#view-form`))))
	require.Eventually(t, func() bool { return a.feed.Watchers() == 4 }, 10*time.Second, 20*time.Millisecond, "both pages are watching: the view, and each rep's own notices")
	require.NoError(t, chromedp.Do(john, chromedp.SetValue(chromedp.CSS(`#view-name`), "Trade show, week 12")))

	require.NoError(t, chromedp.Do(maria,
		chromedp.SetValue(chromedp.CSS(`#view-name`), "Hot trade show leads"),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	require.NoError(t, chromedp.Do(john, chromedp.WaitVisible(chromedp.CSS(`[data-testid="live-notice"]`))))
	assert.Contains(t, text(t, john, `[data-testid="live-notice"]`), "maria saved this view just now — 1 field changed: Name (version 2).")

	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="conflict-banner"]`)),
	))
	assert.Equal(t, "Hot trade show leads", text(t, john, `[data-testid="theirs-name"]`))
	assert.Equal(t, "Trade show, week 12", text(t, john, `[data-testid="yours-name"]`))
	assert.Equal(t, "Trade show, week 12", value(t, john, `#view-name`), "what John typed is still in the box")
	assert.Equal(t, "2", value(t, john, `#view-form input[name="version"]`), "the form starts from the version saved now")

	shot, err = chromedp.Run(john, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	path = screenshotPath(t, "saved-view-conflict.png")
	require.NoError(t, os.WriteFile(path, shot, 0o644))
	t.Logf("saved view conflict screenshot: %s", path)

	// He takes hers.
	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="use-theirs-name"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="conflict-banner"]`)),
	))
	v, err := a.views.For(a.user("john")).List(t.Context())
	require.NoError(t, err)
	require.Len(t, v, 1)
	assert.Equal(t, "Hot trade show leads", v[0].Fields().Name)
	assert.Equal(t, int64(2), v[0].Version(), "nothing left to save")
}

// A rep who changed the list's filters after opening a view updates the
// view to them from its page: "All saved views", the view's Edit, then
// "Update to this view", which saves with whatever they typed there.
func TestBrowserAViewIsUpdatedToTheListTheRepCameFrom(t *testing.T) {
	a := newApp(t)
	seedTradeShow(a)
	maria := a.newRep(newBrowser(t), "maria")
	v, _ := a.rep("maria").saveView("Trade show", "source=Trade+show", false)

	require.NoError(t, chromedp.Do(maria,
		chromedp.Navigate(a.srv.URL+"/leads?source=Trade+show&score_min=50"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="saved-view"]`)),
	))
	current, err := chromedp.Run(maria, chromedp.Evaluate[int](`document.querySelectorAll('[data-testid="saved-view"][aria-current]').length`))
	require.NoError(t, err)
	assert.Zero(t, current, "the list shows more filters than the view: no tab is current")
	require.NoError(t, chromedp.Do(maria,
		chromedp.Click(chromedp.CSS(`[data-testid="all-views"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="view-row"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="view-row"] a[aria-label^="Edit view"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="update-view"]`)),
	))
	assert.Contains(t, text(t, maria, `[data-testid="came-from"]`), "source “Trade show” · score at least 50")
	require.NoError(t, chromedp.Do(maria,
		chromedp.SetValue(chromedp.CSS(`#view-name`), "Good trade show leads"),
		chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`),
		chromedp.Click(chromedp.CSS(`[data-testid="update-view"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="update-view"]`)),
	))
	swapped, err := chromedp.Run(maria, chromedp.Evaluate[bool](`window.notReloaded === true`))
	require.NoError(t, err)
	assert.True(t, swapped, "htmx swapped the editor")
	assert.Equal(t, "score_min=50&source=Trade+show", value(t, maria, `#view-query`))
	got, err := a.views.For(a.user("maria")).Get(t.Context(), v.ID())
	require.NoError(t, err)
	assert.Equal(t, "Good trade show leads", got.Fields().Name, "what she typed is saved with it")
	assert.Equal(t, "score_min=50&source=Trade+show", got.Fields().Query)

	require.NoError(t, chromedp.Do(maria,
		chromedp.Click(chromedp.CSS(`[data-testid="open-view"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="saved-view"][aria-current="page"]`)),
	))
	assert.Equal(t, []string{"Eve", "Dee"}, leadRowNames(t, maria))
}

// TestBrowserSavedViewsFitAPhone: at 390 px a long view name and a long
// search neither widen the lead list's tabs and "Save this view…" nor the
// views' pages.
func TestBrowserSavedViewsFitAPhone(t *testing.T) {
	a := newApp(t)
	long := strings.Repeat("Featherstonehaugh", 4)[:savedview.MaxNameLen]
	v, _ := a.rep("maria").saveView(long, "q="+strings.Repeat("consolidated", 16), true)
	maria := a.newRep(newBrowser(t), "maria")

	for _, path := range []string{"/leads", "/leads?" + v.Fields().Query, "/views", viewPath(v) + "?from=status%3DNEW"} {
		require.NoError(t, chromedp.Do(maria,
			chromedp.EmulateViewport(390, 844),
			chromedp.Navigate(a.srv.URL+path),
			chromedp.WaitReady(chromedp.CSS(`main`)),
		), path)
		if strings.HasPrefix(path, "/leads") {
			// The filters, open on a searched list, are the list's own
			// business (their date pairs are wider than a phone as it is).
			require.NoError(t, chromedp.Do(maria,
				chromedp.Evaluate[chromedp.Void](`document.querySelector('[data-testid="filters"]').open = false`),
				chromedp.Click(chromedp.CSS(`[data-testid="save-view"] summary`))))
		}
		fits, err := chromedp.Run(maria, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth`))
		require.NoError(t, err)
		assert.True(t, fits, "%s scrolls sideways at 390 px", path)
	}
}
