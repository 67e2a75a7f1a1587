package functional

import (
	"encoding/json"
	"fmt"
	"net/http"
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

// Tasks through the JSON API: created, read, listed with the /tasks
// filters, patched and deleted with If-Match like every record, and
// completed by two clients at once as one completion. Every answer is
// checked against openapi.yaml (apiCall).

// apiTask is a task as the API represents it.
type apiTask struct {
	ID           int64      `json:"id"`
	Version      int64      `json:"version"`
	Title        string     `json:"title"`
	Due          *time.Time `json:"due"`
	Done         bool       `json:"done"`
	AssigneeID   int64      `json:"assignee_id"`
	AssigneeName string     `json:"assignee_name"`
	Priority     string     `json:"priority"`
	LinkKind     *string    `json:"link_kind"`
	LinkID       *int64     `json:"link_id"`
}

func decodeTask(t *testing.T, res response) apiTask {
	t.Helper()
	var got apiTask
	require.NoError(t, json.Unmarshal([]byte(res.body), &got), res.body)
	return got
}

// taskIDs lists the ids of a task list's answer.
func taskIDs(t *testing.T, res response) []int64 {
	t.Helper()
	require.Equal(t, http.StatusOK, res.status, res.body)
	var page struct {
		Items []apiTask `json:"items"`
	}
	require.NoError(t, json.Unmarshal([]byte(res.body), &page), res.body)
	ids := []int64{}
	for _, it := range page.Items {
		ids = append(ids, it.ID)
	}
	return ids
}

func TestTasksAPI_createReadListPatchDelete(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria, john := a.user("maria"), a.rep("john")
	token, err := a.createToken("maria@example.com")
	require.NoError(t, err)
	l := a.seedLead(lead.Fields{Name: "Ada Lovelace"})
	call := func(method, path, body string, headers map[string]string) response {
		return a.apiCall(method, path, token, body, headers)
	}

	res := call(http.MethodPost, "/api/v1/tasks", fmt.Sprintf(
		`{"title":"Call Ada back","due":"2020-01-02T10:30:45+01:00","priority":"high","link_kind":"lead","link_id":%d}`, l.ID()), nil)
	require.Equal(t, http.StatusCreated, res.status, res.body)
	assert.Equal(t, `"1"`, res.header.Get("ETag"))
	created := decodeTask(t, res)
	assert.Equal(t, "/api/v1/tasks/"+strconv.FormatInt(created.ID, 10), res.header.Get("Location"))
	assert.Equal(t, maria.ID, created.AssigneeID, "the token's rep's own")
	assert.Equal(t, "maria", created.AssigneeName)
	require.NotNil(t, created.Due)
	assert.Equal(t, time.Date(2020, 1, 2, 9, 30, 0, 0, time.UTC), *created.Due, "in UTC, to the minute")
	assert.Equal(t, "lead", *created.LinkKind)
	assert.Equal(t, l.ID(), *created.LinkID)
	path := res.header.Get("Location")

	res = call(http.MethodPost, "/api/v1/tasks", fmt.Sprintf(`{"title":"John's, no due","assignee_id":%d}`, john.a.user("john").ID), nil)
	require.Equal(t, http.StatusCreated, res.status, res.body)
	johns := decodeTask(t, res)
	assert.Nil(t, johns.Due)
	assert.Nil(t, johns.LinkKind)
	assert.Equal(t, "normal", johns.Priority)

	t.Run("refusals say what is wrong and store nothing", func(t *testing.T) {
		res := call(http.MethodPost, "/api/v1/tasks", `{"title":"","priority":"urgent"}`, nil)
		require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
		assert.Contains(t, res.body, `"field":"title"`)
		assert.Contains(t, res.body, `"field":"priority"`)
		res = call(http.MethodPost, "/api/v1/tasks", `{"title":"X","assignee_id":424242}`, nil)
		require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
		assert.Contains(t, res.body, `"field":"assignee_id"`)
		res = call(http.MethodPost, "/api/v1/tasks", fmt.Sprintf(`{"title":"X","link_kind":"lead","link_id":%d}`, l.ID()+1000), nil)
		require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
		assert.Contains(t, res.body, `"field":"link_id"`)
		res = call(http.MethodPost, "/api/v1/tasks", `{"title":"X","due":"tomorrow","assignee_name":"x"}`, nil)
		require.Equal(t, http.StatusBadRequest, res.status, res.body)
		assert.Contains(t, res.body, "RFC 3339")
		assert.Contains(t, res.body, "Read-only")
		res = call(http.MethodGet, "/api/v1/tasks?due=soon", "", nil)
		require.Equal(t, http.StatusBadRequest, res.status, res.body)
		assert.Contains(t, res.body, `"field":"due"`)
		assert.Equal(t, http.StatusBadRequest, call(http.MethodGet, "/api/v1/tasks?link_id=3", "", nil).status, "an id needs its kind")
		assert.Len(t, taskIDs(t, call(http.MethodGet, "/api/v1/tasks", "", nil)), 2)
	})

	t.Run("get, with its ETag and 304", func(t *testing.T) {
		res := call(http.MethodGet, path, "", nil)
		require.Equal(t, http.StatusOK, res.status, res.body)
		assert.Equal(t, `"1"`, res.header.Get("ETag"))
		assert.Equal(t, http.StatusNotModified, call(http.MethodGet, path, "", map[string]string{"If-None-Match": `"1"`}).status)
	})

	t.Run("the list's filters", func(t *testing.T) {
		all := []int64{johns.ID, created.ID}
		assert.Equal(t, all, taskIDs(t, call(http.MethodGet, "/api/v1/tasks", "", nil)), "every rep's, newest first")
		assert.Equal(t, []int64{created.ID}, taskIDs(t, call(http.MethodGet, "/api/v1/tasks?assignee=me", "", nil)))
		assert.Equal(t, []int64{johns.ID}, taskIDs(t, call(http.MethodGet, fmt.Sprintf("/api/v1/tasks?assignee=%d", johns.AssigneeID), "", nil)))
		assert.Equal(t, []int64{created.ID}, taskIDs(t, call(http.MethodGet, "/api/v1/tasks?due=overdue", "", nil)))
		assert.Equal(t, []int64{created.ID}, taskIDs(t, call(http.MethodGet, "/api/v1/tasks?priority=high&status=open", "", nil)))
		assert.Empty(t, taskIDs(t, call(http.MethodGet, "/api/v1/tasks?status=done", "", nil)))
		assert.Equal(t, []int64{created.ID}, taskIDs(t, call(http.MethodGet, fmt.Sprintf("/api/v1/tasks?link_kind=lead&link_id=%d", l.ID()), "", nil)))
		assert.Empty(t, taskIDs(t, call(http.MethodGet, fmt.Sprintf("/api/v1/tasks?link_kind=contact&link_id=%d", l.ID()), "", nil)))
		assert.Equal(t, []int64{johns.ID}, taskIDs(t, call(http.MethodGet, "/api/v1/tasks?limit=1", "", nil)))
	})

	t.Run("patch with If-Match: 428, 412, 409, then saved", func(t *testing.T) {
		assert.Equal(t, http.StatusPreconditionRequired, call(http.MethodPatch, path, `{"title":"Call Ada"}`, nil).status)
		// John renames it on its page meanwhile.
		tk, err := a.tasks.Get(t.Context(), created.ID)
		require.NoError(t, err)
		require.Equal(t, http.StatusSeeOther, john.post(fmt.Sprintf("/tasks/%d", created.ID),
			taskForm(tk, 1, map[string]string{"title": "Call Ada about the engine"})).status)

		res := call(http.MethodPatch, path, `{"priority":"low"}`, map[string]string{"If-Match": `"1"`})
		require.Equal(t, http.StatusPreconditionFailed, res.status, res.body)
		assert.Equal(t, `"2"`, res.header.Get("ETag"))
		assert.Contains(t, res.body, `"title":"Call Ada about the engine"`, "the current task")
		res = call(http.MethodPatch, path, `{"priority":"low","version":1}`, map[string]string{"If-Match": `"1"`})
		assert.Equal(t, http.StatusConflict, res.status, res.body)

		res = call(http.MethodPatch, path, `{"priority":"low","due":null}`, map[string]string{"If-Match": `"2"`, "Content-Type": "application/merge-patch+json"})
		require.Equal(t, http.StatusOK, res.status, res.body)
		assert.Equal(t, `"3"`, res.header.Get("ETag"))
		got := decodeTask(t, res)
		assert.Equal(t, "low", got.Priority)
		assert.Nil(t, got.Due, "null clears the due time")
		assert.Equal(t, "Call Ada about the engine", got.Title, "John's rename kept")
	})

	t.Run("delete with If-Match, then 410", func(t *testing.T) {
		johnsPath := fmt.Sprintf("/api/v1/tasks/%d", johns.ID)
		assert.Equal(t, http.StatusPreconditionFailed, call(http.MethodDelete, johnsPath, "", map[string]string{"If-Match": `"7"`}).status)
		assert.Equal(t, http.StatusNoContent, call(http.MethodDelete, johnsPath, "", map[string]string{"If-Match": `"1"`}).status)
		assert.Equal(t, http.StatusGone, call(http.MethodGet, johnsPath, "", nil).status)
	})
}

func TestTasksAPI_twoClientsCompletingOneTaskAtOnceIsOneCompletion(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria := a.rep("maria")
	l := a.seedLead(lead.Fields{Name: "Ada Lovelace"})
	tk := maria.addTaskFrom(lead.Kind, l.ID(), "Call Ada back", "")
	path := fmt.Sprintf("/api/v1/tasks/%d", tk.ID())
	tokens := make([]string, 2)
	for i, email := range []string{"maria@example.com", "john@example.com"} {
		a.rep(email[:len(email)-len("@example.com")])
		var err error
		tokens[i], err = a.createToken(email)
		require.NoError(t, err)
	}

	var wg sync.WaitGroup
	answers := make([]response, 2)
	for i, token := range tokens {
		wg.Go(func() {
			answers[i] = a.apiCall(http.MethodPatch, path, token, `{"done":true}`, map[string]string{"If-Match": `"1"`})
		})
	}
	wg.Wait()

	for _, res := range answers {
		require.Equal(t, http.StatusOK, res.status, res.body)
		assert.Equal(t, `"2"`, res.header.Get("ETag"), "both see the one completion")
		assert.True(t, decodeTask(t, res).Done)
	}
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

	// A stale patch asking for anything else is still refused.
	res := a.apiCall(http.MethodPatch, path, tokens[0], `{"done":true,"priority":"low"}`, map[string]string{"If-Match": `"1"`})
	assert.Equal(t, http.StatusPreconditionFailed, res.status, res.body)
	// So is one that does not complete it, even one asking for what is saved.
	for _, body := range []string{`{}`, fmt.Sprintf(`{"title":%q}`, got.Fields().Title)} {
		res = a.apiCall(http.MethodPatch, path, tokens[0], body, map[string]string{"If-Match": `"1"`})
		assert.Equal(t, http.StatusPreconditionFailed, res.status, body)
	}
}
