package functional

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/delivery/web/views"
	"crm/domain/lead"
	"crm/usecase/tasks"
)

// Maria's day in a browser: /today lists her overdue tasks, one click on
// Done completes one and the nav's overdue count drops; on a lead's page
// the quick pick "In 3 days" fills the due input and the added task shows
// in the lead's Tasks section.
func TestBrowserTodayCompletesATaskAndALeadPageAddsOne(t *testing.T) {
	a := newApp(t)
	l := a.seedLead(ada)
	other := a.seedLead(lead.Fields{Name: "Grace Hopper"})
	maria := a.rep("maria")
	overdue := maria.addTaskFrom(lead.Kind, l.ID(), "Call Ada back", "2020-01-02T09:00")
	maria.addTaskFrom(lead.Kind, other.ID(), "Send Grace the proposal", "2020-01-03T09:00")
	maria.addTaskFrom(lead.Kind, other.ID(), "Prepare the quote for Grace", time.Now().AddDate(0, 0, 5).UTC().Format("2006-01-02")+"T10:00")
	browser := newBrowser(t)
	rep := a.newRep(browser, "maria")

	item := fmt.Sprintf(`[data-testid="today-overdue"] [data-task="%d"]`, overdue.ID())
	require.NoError(t, chromedp.Do(rep,
		chromedp.Navigate(a.srv.URL+"/today"),
		chromedp.WaitVisible(chromedp.CSS(item)),
	))
	assert.Contains(t, evaluate[string](t, rep, `document.querySelector('[data-testid="today-overdue"]').textContent`), "Call Ada back")
	assert.Equal(t, "2", evaluate[string](t, rep, `document.querySelector('[data-testid="overdue-count"]').textContent.trim()`))
	screenshot(t, rep, "today.png")

	require.NoError(t, chromedp.Do(rep,
		chromedp.Click(chromedp.CSS(item+` [data-testid="complete-task"]`)),
		chromedp.WaitNotPresent(chromedp.CSS(item)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="today-overdue"]`)),
		chromedp.Poll[chromedp.Void](`(() => { const c = document.querySelector('[data-testid="overdue-count"]'); return c && c.textContent.trim() === "1" })()`,
			chromedp.WithPollingTimeout(10*time.Second)),
	), "the nav's count drops to 1")
	got, err := a.tasks.Get(t.Context(), overdue.ID())
	require.NoError(t, err)
	assert.True(t, got.Done())

	require.NoError(t, chromedp.Do(rep,
		chromedp.Navigate(a.srv.URL+leadPath(l)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="task-section"] [data-quick-picks]`)),
	))
	zone := evaluate[string](t, rep, `document.body.dataset.timeZone`)
	loc := time.UTC
	if zone != "" {
		loc, err = time.LoadLocation(zone)
		require.NoError(t, err)
	}
	want := tasks.StartOfDay(time.Now(), loc).AddDate(0, 0, 3).Add(9 * time.Hour).Format(views.DueInputLayout)
	require.NoError(t, chromedp.Do(rep,
		chromedp.Evaluate[chromedp.Void](`[...document.querySelectorAll('[data-testid="quick-pick"]')].find(b => b.textContent.trim() === "In 3 days").click()`),
	))
	assert.Equal(t, want, evaluate[string](t, rep, `document.getElementById('new-task-due').value`), "9:00 three days from today, in her zone")
	assert.Equal(t, "new-task-due", evaluate[string](t, rep, `document.activeElement.id`), "focus stays on the input the pick filled")

	require.NoError(t, chromedp.Do(rep,
		chromedp.SendKeys(chromedp.CSS(`#new-task-title`), "Follow up with Ada"),
		chromedp.Click(chromedp.CSS(`[data-testid="add-task"]`)),
		chromedp.WaitVisible(chromedp.Search(`//section[@data-testid="task-section"]//a[@data-testid="task-title"][normalize-space()="Follow up with Ada"]`)),
	), "the added task is listed in the lead's section")
}
