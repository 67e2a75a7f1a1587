package functional

import (
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/lead"
)

// A save made while the live feed was not listening (the database
// restarting, a failover) is announced to no one; the pages open then
// still learn of it once the feed listens again.

func TestBrowserASaveTheFeedMissedIsShownOnceItListensAgain(t *testing.T) {
	a := newApp(t)
	l := a.seedLead(ada)
	john := a.newRep(newBrowser(t), "john")
	openLead(t, a.srv.URL+leadPath(l), john)
	require.Eventually(t, func() bool { return a.feed.Watchers() == 2 }, 10*time.Second, 20*time.Millisecond,
		"the page watches the lead and john's own notices")
	assert.True(t, evaluate[bool](t, john, `document.getElementById("live-notice").hidden`),
		"the stream's first notice is of the version the page shows: not news")

	a.saveUnheard(l.ID(), 1, scoreBy("maria", 85))
	require.Equal(t, 1, a.db.BreakListeners(t), "the feed's listening session")

	require.NoError(t, chromedp.Do(john, chromedp.WaitVisible(chromedp.CSS(`[data-testid="live-notice"]`))),
		"the browser reconnects and its new stream catches up")
	assert.Contains(t, text(t, john, `[data-testid="live-notice"]`),
		"maria saved this lead since this page last heard from the server (version 2).")
	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="live-refresh"]`)),
		chromedp.WaitNotVisible(chromedp.CSS(`[data-testid="live-notice"]`)),
	))
	assert.Equal(t, "85", value(t, john, `#lead-score`), "what changed is shown")
	assert.Equal(t, "2", value(t, john, `#lead-form input[name="version"]`))
}

func TestBrowserTheBoardSaysItsLiveUpdatesWereInterrupted(t *testing.T) {
	a := newApp(t)
	l := a.seedLead(ada)
	john := a.newRep(newBrowser(t), "john")
	require.NoError(t, chromedp.Do(john, chromedp.EmulateViewport(390, 844),
		chromedp.Navigate(a.srv.URL+"/leads/board"), chromedp.WaitVisible(chromedp.CSS(cardSel(l, lead.StatusNew)))))
	require.Eventually(t, func() bool { return a.feed.Watchers() == 2 }, 10*time.Second, 20*time.Millisecond,
		"the board watches the leads and john's own notices")

	// Maria moves the lead while the feed is not listening: no notice.
	a.saveUnheard(l.ID(), 1, func(l *lead.Lead) error { return l.MoveTo(lead.StatusContacted, "maria") })
	require.Equal(t, 1, a.db.BreakListeners(t))

	require.NoError(t, chromedp.Do(john, chromedp.WaitVisible(chromedp.CSS(`[data-testid="board-interrupted"]`))),
		"once the board's stream is back, it says what it may have missed")
	assert.Equal(t, "Live updates were interrupted, so cards saved meanwhile may show as they were. Reload the board",
		evaluate[string](t, john, `document.querySelector('[data-testid="board-interrupted"]').textContent`))
	require.NoError(t, chromedp.Do(john,
		chromedp.Poll[chromedp.Void](`document.getElementById("board-status").textContent.indexOf("Live updates were interrupted") === 0`),
		chromedp.Poll[chromedp.Void](`document.querySelector('[data-testid="column-CONTACTED"] [data-testid="column-count"]').textContent === "1"`),
	), "announced politely, and the columns' heads read again")
	assert.True(t, evaluate[bool](t, john, `document.documentElement.scrollWidth <= window.innerWidth`), "no horizontal scroll at 390 px")
	saveShot(t, john, "board-interrupted-phone.png")

	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="board-reload"]`)),
		chromedp.WaitVisible(chromedp.CSS(cardSel(l, lead.StatusContacted))),
	), "the reload shows the card where it is")
	assert.False(t, evaluate[bool](t, john, `!!document.getElementById("board-interrupted")`), "and the notice is gone")
}

// EventSource gives up for good when its reconnection is answered with an
// error, such as the 503 of an app whose database is still down; the page
// opens its stream again by itself and catches up.
func TestBrowserAStreamWhoseReconnectionWasRefusedOpensAgain(t *testing.T) {
	a := newApp(t)
	l := a.seedLead(ada)
	john := a.newRep(newBrowser(t), "john")
	openLead(t, a.srv.URL+leadPath(l), john)
	require.Eventually(t, func() bool { return a.feed.Watchers() == 2 }, 10*time.Second, 20*time.Millisecond)

	// The browser's requests for the lead's stream are answered 503 while
	// refusing is set, as the app answers them while its database is down.
	var refusing atomic.Bool
	var refused atomic.Int32
	refusing.Store(true)
	paused := chromedp.Events(john, fetch.RequestPaused)
	go func() {
		for ev, err := range paused {
			if err != nil {
				return
			}
			if refusing.Load() {
				refused.Add(1)
				_, _ = chromedp.Call(john, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: ev.RequestID,
					ResponseCode:    http.StatusServiceUnavailable,
					ResponseHeaders: []*fetch.HeaderEntry{{Name: "Content-Type", Value: "text/plain"}},
					Body:            []byte("The database is not reachable.")})
				continue
			}
			_, _ = chromedp.Call(john, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
		}
	}()
	_, err := chromedp.Call(john, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: "*" + leadPath(l) + "/live"}}})
	require.NoError(t, err)

	a.saveUnheard(l.ID(), 1, scoreBy("maria", 85))
	require.Equal(t, 1, a.db.BreakListeners(t))
	require.Eventually(t, func() bool { return refused.Load() >= 1 }, 20*time.Second, 20*time.Millisecond,
		"the stream ended and the browser's reconnection was refused")
	refusing.Store(false)

	require.NoError(t, chromedp.Do(john, chromedp.WaitVisible(chromedp.CSS(`[data-testid="live-notice"]`))),
		"the page opens its stream again and catches up on the save it missed")
	assert.Contains(t, text(t, john, `[data-testid="live-notice"]`),
		"maria saved this lead since this page last heard from the server (version 2).")
}

// A rep's notices are not kept: one sent while the feed was not listening
// is gone, and the page says so once its stream is back.
func TestBrowserRepNoticesSayTheyWereInterrupted(t *testing.T) {
	a := newApp(t)
	john := a.newRep(newBrowser(t), "john")
	require.NoError(t, chromedp.Do(john, chromedp.EmulateViewport(390, 844), chromedp.Navigate(a.srv.URL+"/leads"),
		chromedp.WaitReady(chromedp.CSS(`[data-testid="rep-notices"]`))))
	require.Eventually(t, func() bool { return a.feed.Watchers() == 1 }, 10*time.Second, 20*time.Millisecond,
		"the list watches john's own notices")

	require.Equal(t, 1, a.db.BreakListeners(t))

	require.NoError(t, chromedp.Do(john, chromedp.WaitVisible(chromedp.CSS(`[data-testid="rep-notices-interrupted"]`))))
	assert.Equal(t, "Notices were interrupted for a moment: a record given to you or a task falling due meanwhile was not announced here. Your day Dismiss",
		evaluate[string](t, john, `document.querySelector('[data-testid="rep-notices-interrupted"]').textContent`))
	assert.Equal(t, "/today", evaluate[string](t, john, `document.querySelector('[data-testid="rep-notices-interrupted-open"]').getAttribute("href")`))
	assert.True(t, evaluate[bool](t, john, `document.documentElement.scrollWidth <= window.innerWidth`), "no horizontal scroll at 390 px")

	require.Equal(t, 1, a.db.BreakListeners(t), "a second gap")
	require.Eventually(t, func() bool { return a.feed.Watchers() == 0 }, 10*time.Second, 20*time.Millisecond)
	require.Eventually(t, func() bool { return a.feed.Watchers() == 1 }, 20*time.Second, 20*time.Millisecond, "the stream is back")
	assert.Equal(t, 1, evaluate[int](t, john, `document.querySelectorAll('[data-testid="rep-notices-interrupted"]').length`),
		"said once, not once per gap")

	require.NoError(t, chromedp.Do(john,
		chromedp.Click(chromedp.CSS(`[data-testid="rep-notices-interrupted-dismiss"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(`[data-testid="rep-notices-interrupted"]`))))
}
