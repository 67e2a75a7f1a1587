package functional

import (
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/delivery/web"
	"crm/domain/task"
	"crm/infrastructure/postgres"
)

// A task falling due tells its rep on whatever page they have open, and
// the nav's overdue count follows without a reload.
func TestBrowserATaskFallingDueRemindsItsRepOnTheirOpenPage(t *testing.T) {
	a := newApp(t)
	browser := newBrowser(t)
	maria := a.newRep(browser, "maria")
	mariaID := a.user("maria").ID
	require.NoError(t, chromedp.Do(maria,
		chromedp.Navigate(a.srv.URL+"/leads"),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="today-link"]`)),
	))
	require.Eventually(t, func() bool { return a.feed.Watchers() == 1 }, 5*time.Second, 10*time.Millisecond, "the rep's stream")
	present, err := chromedp.Run(maria, chromedp.Evaluate[bool](`document.querySelector('[data-testid="overdue-count"]') !== null`))
	require.NoError(t, err)
	require.False(t, present, "nothing overdue yet")

	// Due two minutes from now, announced by a tick three minutes on: the
	// app's own ticks, on the clock, cannot have passed it.
	now := time.Now().Truncate(time.Minute)
	tk, err := a.tasks.Create(t.Context(), a.user("maria"), task.Fields{Title: "Call Ada back", Due: now.Add(2 * time.Minute),
		Assignee: task.Assignee{ID: mariaID}, Priority: task.PriorityHigh}, task.Link{})
	require.NoError(t, err)
	reminders := postgres.NewReminders(a.db.Pool, web.ReminderNotice, slog.New(slog.NewTextHandler(io.Discard, nil)))
	_, err = reminders.Tick(t.Context(), now)
	require.NoError(t, err)
	sent, err := reminders.Tick(t.Context(), now.Add(3*time.Minute))
	require.NoError(t, err)
	require.Equal(t, 1, sent)

	require.NoError(t, chromedp.Do(maria, chromedp.WaitVisible(chromedp.CSS(`[data-testid="rep-notice"]`))))
	assert.Equal(t, "Due now: Call Ada back.\nOpen\nDismiss", text(t, maria, `[data-testid="rep-notice"]`))
	href, err := chromedp.Run(maria, chromedp.Evaluate[string](`document.querySelector('[data-testid="rep-notice-open"]').getAttribute("href")`))
	require.NoError(t, err)
	assert.Equal(t, fmt.Sprintf("/tasks/%d", tk.ID()), href)
	assert.Equal(t, "1", text(t, maria, `[data-testid="overdue-count"]`), "the nav counts it without a reload")
	label, err := chromedp.Run(maria, chromedp.Evaluate[string](`document.querySelector('[data-testid="overdue-count"]').getAttribute("aria-label")`))
	require.NoError(t, err)
	assert.Equal(t, "1 overdue", label)
}
