package functional

import (
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/lead"
)

// TestBrowserLogACallOnALeadPage: a rep logs a call from the keyboard on a
// lead's page; it goes on top of the timeline without a reload, the live
// region says so, the form is empty again, and the link in its text is a
// safe one (http only, rel noopener noreferrer nofollow) while the
// javascript: text beside it stays text. The page fits a 390 px phone.
func TestBrowserLogACallOnALeadPage(t *testing.T) {
	a := newApp(t)
	l := a.seedLead(lead.Fields{Name: "Ada Lovelace", Score: 50})
	maria := a.newRep(newBrowser(t), "maria")

	require.NoError(t, chromedp.Do(maria,
		chromedp.Navigate(a.srv.URL+leadPath(l)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="log-form"]`)),
		chromedp.SetValue(chromedp.CSS(`#lead-log-type`), "call"),
		chromedp.SetValue(chromedp.CSS(`#lead-log-outcome`), "voicemail"),
		typeInto(`#lead-log-duration`, "3"),
		typeInto(`#lead-log-body`, "Left a message: www.example.com/pricing. Not javascript:alert(1) <b>bold</b>"),
		chromedp.Focus(chromedp.CSS(`[data-testid="log-submit"]`)),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`#lead-history-entries > li.entry:first-child`)),
	))

	first := evaluate[string](t, maria, `document.querySelector('#lead-history-entries > li:first-child').dataset.entryType`)
	assert.Equal(t, "call", first, "the call on top of the timeline")
	assert.Contains(t, evaluate[string](t, maria, `document.querySelector('#lead-history-entries > li:first-child strong').textContent`),
		"Call · Left voicemail · 3 min")
	status := evaluate[string](t, maria, `document.querySelector('[data-testid="log-status"]').textContent`)
	assert.Equal(t, "Call logged: it is at the top of the timeline.", status)
	assert.Equal(t, "", evaluate[string](t, maria, `document.querySelector('#lead-log-body').value`), "the form is empty again")
	assert.True(t, evaluate[bool](t, maria, `document.activeElement.matches('[data-testid="log-submit"]')`), "the focus stays on its button")

	links := evaluate[[]map[string]string](t, maria, `[...document.querySelectorAll('#lead-history-entries [data-testid="entry-body"] a')].map(a => ({href: a.getAttribute('href'), rel: a.rel, text: a.textContent}))`)
	require.Len(t, links, 1, "one link: the javascript: text is not one")
	assert.Equal(t, map[string]string{"href": "https://www.example.com/pricing", "rel": "noopener noreferrer nofollow", "text": "www.example.com/pricing"}, links[0])
	assert.Equal(t, 0, evaluate[int](t, maria, `document.querySelectorAll('[data-testid="entry-body"] b').length`), "markup typed is shown as text")
	assert.Contains(t, evaluate[string](t, maria, `document.querySelector('[data-testid="entry-body"]').textContent`), "<b>bold</b>")

	require.NoError(t, chromedp.Do(maria, chromedp.EmulateViewport(390, 844)))
	fits := evaluate[bool](t, maria, `document.documentElement.scrollWidth <= window.innerWidth`)
	assert.True(t, fits, "no horizontal scroll at 390 px: %v", evaluate[[]string](t, maria, `[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > window.innerWidth).map(e => e.tagName + '#' + e.id + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))`))

	require.NoError(t, chromedp.Do(maria,
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="entry-edit"]`)),
	))
	assert.Equal(t, "call", evaluate[string](t, maria, `document.querySelector('#lead-history-entries > li:first-child').dataset.entryType`), "still on top once read again")
}

// TestBrowserWhatARepTypesInTheLogSurvivesSavesOfTheRecord: the Log form
// is in the lead's editor, which a merged save and "Show what changed"
// replace; the note the rep is typing in it stays.
func TestBrowserWhatARepTypesInTheLogSurvivesSavesOfTheRecord(t *testing.T) {
	a := newApp(t)
	l := a.seedLead(lead.Fields{Name: "Ada Lovelace", Score: 50})
	maria := a.newRep(newBrowser(t), "maria")
	require.NoError(t, chromedp.Do(maria,
		chromedp.Navigate(a.srv.URL+leadPath(l)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="log-form"]`)),
		typeInto(`#lead-log-body`, "Half a note"),
	))

	// John saves; maria brings the page up to date.
	_, err := a.leads.Save(t.Context(), "john", l.ID(), 1, lead.Fields{Name: "Ada Lovelace", Score: 60})
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(maria,
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="live-refresh"]`)),
		chromedp.Click(chromedp.CSS(`[data-testid="live-refresh"]`)),
		chromedp.WaitReady(chromedp.CSS(`#lead-history-entries > [data-version="2"]`)),
	))
	assert.Equal(t, "Half a note", evaluate[string](t, maria, `document.querySelector('#lead-log-body').value`), "after Show what changed")

	// John saves again; maria's save from version 2 merges.
	_, err = a.leads.Save(t.Context(), "john", l.ID(), 2, lead.Fields{Name: "Ada Lovelace", Score: 70})
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(maria,
		chromedp.SetValue(chromedp.CSS(`#lead-source`), "Referral"),
		chromedp.Click(chromedp.CSS(`[data-testid="save"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="notice"]`)),
	))
	assert.Contains(t, evaluate[string](t, maria, `document.querySelector('[data-testid="notice"]').textContent`), "Merged")
	assert.Equal(t, "Half a note", evaluate[string](t, maria, `document.querySelector('#lead-log-body').value`), "after a merged save")
}
