package functional

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/lead"
	"crm/domain/task"
	"crm/usecase/record"
)

// Tasks through the whole app: added from a lead's page, completed with
// one click (by two reps at once too), edited with the merges and
// conflicts of any record, and the rep's day.

// addTaskFrom posts the Tasks section's form of the page of kind id as r
// and returns the task it added.
func (r rep) addTaskFrom(kind string, id int64, title, due string) *task.Task {
	r.a.t.Helper()
	res := r.post("/tasks", url.Values{"title": {title}, "due": {due}, "priority": {"high"},
		"link_kind": {kind}, "link_id": {strconv.FormatInt(id, 10)}})
	require.Equal(r.a.t, http.StatusSeeOther, res.status, res.body)
	require.Equal(r.a.t, fmt.Sprintf("/%ss/%d#tasks", kind, id), res.header.Get("Location"))
	ts, err := r.a.tasks.About(r.a.t.Context(), task.Link{Kind: kind, ID: id})
	require.NoError(r.a.t, err)
	require.NotEmpty(r.a.t, ts)
	return ts[len(ts)-1]
}

// taskForm is the edit form of t as saved at version, with changes.
func taskForm(t *task.Task, version int64, changes map[string]string) url.Values {
	f := url.Values{"version": {strconv.FormatInt(version, 10)}}
	for _, name := range task.EditableFields {
		f.Set(name, t.Fields().Get(name))
	}
	for k, v := range changes {
		f.Set(k, v)
	}
	return f
}

func TestTasks_addFromALeadPageAndCompleteWithOneClick(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria := a.rep("maria")
	l := a.seedLead(lead.Fields{Name: "Ada Lovelace"})

	tk := maria.addTaskFrom(lead.Kind, l.ID(), "Call Ada back", "2020-01-02T09:00")

	assert.Equal(t, task.Assignee{ID: a.user("maria").ID, Name: "maria"}, tk.Fields().Assignee, "the adding rep's own")
	assert.Equal(t, time.Date(2020, 1, 2, 9, 0, 0, 0, time.UTC), tk.Fields().Due, "in the rep's zone: UTC until the browser says")
	page := maria.get(leadPath(l)).body
	assert.Contains(t, page, `data-testid="task-section"`)
	assert.Regexp(t, `<option value="john \(#\d+\)"[^>]*>john</option>`, maria.get(fmt.Sprintf("/tasks/%d", tk.ID())).body,
		"the task's page offers every active rep")
	assert.Contains(t, page, "Call Ada back")
	assert.Regexp(t, `data-testid="overdue-count"[^>]*>1<`, page, "the nav counts the overdue task")
	today := maria.get("/today").body
	assert.Regexp(t, `(?s)data-testid="today-overdue".*Call Ada back.*data-testid="today-today"`, today)
	assert.Contains(t, today, "Ada Lovelace", "the task's record by name")

	res := maria.post(fmt.Sprintf("/tasks/%d/complete", tk.ID()), url.Values{"version": {"1"}, "next": {"/today"}})

	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "/today", res.header.Get("Location"))
	got, err := a.tasks.Get(t.Context(), tk.ID())
	require.NoError(t, err)
	assert.True(t, got.Done())
	assert.NotContains(t, maria.get("/today").body, `data-testid="overdue-count"`, "nothing overdue left")
	assert.Regexp(t, fmt.Sprintf(`(?s)data-testid="timeline-task-done" data-task="%d".*maria.*completed the task.*Call Ada back`, tk.ID()),
		maria.get(leadPath(l)).body, "the lead's timeline says the task was done, and by whom")
}

func TestTasks_twoRepsCompletingOneTaskAtOnceIsOneCompletion(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria, john := a.rep("maria"), a.rep("john")
	l := a.seedLead(lead.Fields{Name: "Ada Lovelace"})
	tk := maria.addTaskFrom(lead.Kind, l.ID(), "Call Ada back", "")

	var wg sync.WaitGroup
	statuses := make([]int, 2)
	for i, r := range []rep{maria, john} {
		wg.Go(func() {
			statuses[i] = r.post(fmt.Sprintf("/tasks/%d/complete", tk.ID()), url.Values{"version": {"1"}}).status
		})
	}
	wg.Wait()

	assert.Equal(t, []int{http.StatusSeeOther, http.StatusSeeOther}, statuses, "both succeed, no conflict")
	got, err := a.tasks.Get(t.Context(), tk.ID())
	require.NoError(t, err)
	assert.Equal(t, int64(2), got.Version(), "one write")
	h, err := a.tasks.History(t.Context(), tk.ID(), record.Paging{})
	require.NoError(t, err)
	var completions int
	for _, e := range h.Items {
		for _, c := range e.Changes {
			if c.Field == task.FieldDone && c.New == task.DoneYes {
				completions++
			}
		}
	}
	assert.Equal(t, 1, completions)
	page := maria.get(fmt.Sprintf("/tasks/%d", tk.ID())).body
	assert.Len(t, regexp.MustCompile(`data-testid="history-change" data-field="done"`).FindAllString(page, -1), 1, "the page's history too")
}

func TestTasks_editMergesAndConflicts(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria, john := a.rep("maria"), a.rep("john")
	l := a.seedLead(lead.Fields{Name: "Ada Lovelace"})
	tk := maria.addTaskFrom(lead.Kind, l.ID(), "Call Ada back", "2030-05-06T10:00")
	path := fmt.Sprintf("/tasks/%d", tk.ID())

	res := maria.post(path, taskForm(tk, 1, map[string]string{"priority": "low"}))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)

	t.Run("a stale edit of another field merges", func(t *testing.T) {
		res := john.postHTMX(path, taskForm(tk, 1, map[string]string{"title": "Call Ada about engines"}))

		require.Equal(t, http.StatusOK, res.status, res.body)
		assert.Contains(t, res.body, "Merged with maria")
		got, err := a.tasks.Get(t.Context(), tk.ID())
		require.NoError(t, err)
		assert.Equal(t, "Call Ada about engines", got.Fields().Title)
		assert.Equal(t, task.PriorityLow, got.Fields().Priority)
	})
	t.Run("a stale edit of the same field is the side-by-side conflict", func(t *testing.T) {
		res := john.postHTMX(path, taskForm(tk, 1, map[string]string{"priority": "high", "title": "Call back"}))

		assert.Equal(t, http.StatusConflict, res.status, res.body)
		assert.Contains(t, res.body, `data-testid="theirs-priority"`)
	})
	t.Run("an unknown rep, priority or due time is a 422 that saves nothing", func(t *testing.T) {
		got, err := a.tasks.Get(t.Context(), tk.ID())
		require.NoError(t, err)
		res := maria.post(path, taskForm(got, got.Version(), map[string]string{"assignee": "nobody", "priority": "urgent", "due": "soon"}))

		assert.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
		again, err := a.tasks.Get(t.Context(), tk.ID())
		require.NoError(t, err)
		assert.Equal(t, got.Version(), again.Version())
	})
	t.Run("a form without every field is a 400", func(t *testing.T) {
		f := taskForm(tk, 3, nil)
		f.Del("done")
		assert.Equal(t, http.StatusBadRequest, maria.post(path, f).status)
	})
}

func TestTasks_listFilters(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria, john := a.rep("maria"), a.rep("john")
	l := a.seedLead(lead.Fields{Name: "Ada Lovelace"})
	maria.addTaskFrom(lead.Kind, l.ID(), "Maria overdue", "2020-01-02T09:00")
	john.addTaskFrom(lead.Kind, l.ID(), "John later", "2099-01-02T09:00")

	mine := maria.get("/tasks").body
	assert.Contains(t, mine, "Maria overdue")
	assert.NotContains(t, mine, "John later", "the rep's own by default")
	all := maria.get("/tasks?assignee=all&status=open&due=overdue").body
	assert.Contains(t, all, "Maria overdue")
	assert.NotContains(t, all, "John later")
	assert.Contains(t, maria.get("/tasks?assignee=all&link_kind=lead&priority=high").body, "John later")
	assert.Equal(t, http.StatusBadRequest, maria.get("/tasks?due=someday").status)
	assert.Equal(t, http.StatusBadRequest, maria.get("/tasks?status=maybe").status)
}

func TestTasks_dueTimesReadInTheRepsZone(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria, john := a.rep("maria"), a.rep("john")
	res := a.doWith(maria.session, http.MethodPost, "/me/time-zone", url.Values{"time_zone": {"America/New_York"}}, true)
	require.Equal(t, http.StatusNoContent, res.status, res.body)
	l := a.seedLead(lead.Fields{Name: "Ada Lovelace"})
	tk := maria.addTaskFrom(lead.Kind, l.ID(), "Call Ada back", "2030-05-06T10:00")
	require.Equal(t, time.Date(2030, 5, 6, 14, 0, 0, 0, time.UTC), tk.Fields().Due, "typed in New York (EDT)")
	path := fmt.Sprintf("/tasks/%d", tk.ID())

	// John, in UTC, moves it to 09:00 UTC the next day; Maria, still on
	// version 1, moves it too.
	require.Equal(t, http.StatusSeeOther, john.post(path, taskForm(tk, 1, map[string]string{"due": "2030-05-07T09:00"})).status)
	res = maria.postHTMX(path, taskForm(tk, 1, map[string]string{"due": "2030-05-08T08:00"}))

	require.Equal(t, http.StatusConflict, res.status, res.body)
	theirs := regexp.MustCompile(`data-testid="theirs-due">([^<]*)<`).FindStringSubmatch(res.body)
	require.NotNil(t, theirs, res.body)
	assert.Equal(t, "Tue 7 May 2030, 05:00", theirs[1], "John's due time in Maria's zone")
	yours := regexp.MustCompile(`data-testid="yours-due">([^<]*)<`).FindStringSubmatch(res.body)
	require.NotNil(t, yours)
	assert.Equal(t, "Wed 8 May 2030, 08:00", yours[1])
	assert.Regexp(t, `data-use-value="2030-05-07T05:00"[^>]*data-testid="use-theirs-due"`, res.body,
		"Use theirs puts back what the datetime-local input shows")
	assert.Regexp(t, `data-use-value="2030-05-08T08:00"[^>]*data-testid="use-mine-due"`, res.body)
	assert.NotContains(t, res.body, "2030-05-07T09:00Z", "no UTC text for reps to read")

	page := maria.get(path).body
	assert.Contains(t, page, "Mon 6 May 2030, 10:00</del> → <ins>Tue 7 May 2030, 05:00", "the history in Maria's zone")
	assert.Contains(t, john.get(path).body, "Mon 6 May 2030, 14:00</del> → <ins>Tue 7 May 2030, 09:00", "and in John's (UTC)")
}
