package api_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCreateLeadAnswers201WithLocationAndETag(t *testing.T) {
	t.Parallel()
	c := newClient(t)

	res := c.post("/api/v1/leads", adaJSON, nil)
	l := requireCreated(t, res, "/api/v1/leads")
	assert.Equal(t, "application/json", res.header.Get("Content-Type"))
	assert.Equal(t, "Ada Lovelace", l["name"])
	assert.Equal(t, float64(70), l["score"])
	assert.Equal(t, float64(1), l["version"])
	assert.Equal(t, "NEW", l["status"])
	assert.Equal(t, float64(maria.ID), l["owner_id"], "a new lead belongs to whoever creates it")
	assert.Equal(t, "Maria", l["updated_by"])
	for _, key := range []string{"id", "email", "company", "phone", "source", "notes", "created_at", "updated_at"} {
		assert.Contains(t, l, key)
	}
}

func TestGetLeadCarriesItsVersionAsETagAndHonoursIfNoneMatch(t *testing.T) {
	t.Parallel()
	c, path := newClientWithAda(t)

	res := c.get(path, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, `"1"`, res.header.Get("ETag"), "a strong validator, quotes included")
	assert.Equal(t, float64(1), res.object(t)["version"])

	for _, inm := range []string{`"1"`, `W/"1"`, `"7", "1"`, `*`} {
		res := c.get(path, h{"If-None-Match": inm})
		assert.Equal(t, http.StatusNotModified, res.status, "If-None-Match: %s", inm)
		assert.Equal(t, `"1"`, res.header.Get("ETag"))
		assert.Empty(t, res.body)
	}

	res = c.get(path, h{"If-None-Match": `"2"`})
	assert.Equal(t, http.StatusOK, res.status, "another version is no match")

	t.Run("If-Match on a read fails with the current representation when stale", func(t *testing.T) {
		res := c.get(path, h{"If-Match": `"2"`})
		p := requireProblem(t, res, http.StatusPreconditionFailed, "precondition-failed")
		assert.Equal(t, `"1"`, res.header.Get("ETag"))
		assert.Equal(t, float64(1), p["current"].(map[string]any)["version"])
	})
	t.Run("a malformed If-None-Match is 400", func(t *testing.T) {
		requireProblem(t, c.get(path, h{"If-None-Match": `1`}), http.StatusBadRequest, "malformed-request")
	})
}

// TestEditConflictTranscript is the story of an edit through the API: no
// If-Match, then a stale one, then the current one.
func TestEditConflictTranscript(t *testing.T) {
	t.Parallel()
	c, path := newClientWithAda(t)

	// Someone else saves first: the lead is at version 2.
	res := c.patch(path, `{"phone":"+44 20 7946 0000"}`, h{"If-Match": `"1"`})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)

	res = c.patch(path, `{"score":85}`, nil)
	p := requireProblem(t, res, http.StatusPreconditionRequired, "precondition-required")
	t.Logf("PATCH %s (no If-Match) → %d, type %s", path, res.status, p["type"])

	res = c.patch(path, `{"score":85}`, h{"If-Match": `"1"`})
	p = requireProblem(t, res, http.StatusPreconditionFailed, "precondition-failed")
	assert.Equal(t, `"2"`, res.header.Get("ETag"))
	current := p["current"].(map[string]any)
	assert.Equal(t, float64(2), current["version"])
	assert.Equal(t, "+44 20 7946 0000", current["phone"], "the current representation shows the other save")
	assert.Equal(t, float64(70), current["score"], "nothing of the refused edit was saved")
	t.Logf("PATCH %s If-Match: \"1\" → %d, ETag %s, current.version %v", path, res.status, res.header.Get("ETag"), current["version"])

	res = c.patch(path, `{"score":85}`, h{"If-Match": res.header.Get("ETag")})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, `"3"`, res.header.Get("ETag"))
	l := res.object(t)
	assert.Equal(t, float64(85), l["score"])
	assert.Equal(t, "+44 20 7946 0000", l["phone"], "a merge patch keeps the fields it does not name")
	assert.Equal(t, float64(3), l["version"])
	assert.Equal(t, "Maria", l["updated_by"])
	t.Logf("PATCH %s If-Match: \"2\" → %d, ETag %s", path, res.status, res.header.Get("ETag"))
}

func TestPatchLeadRefusesWritesWithoutAVersion(t *testing.T) {
	t.Parallel()
	c, path := newClientWithAda(t)

	p := requireProblem(t, c.patch(path, `{"score":85}`, nil), http.StatusPreconditionRequired, "precondition-required")
	assert.Contains(t, p["detail"], "If-Match")

	p = requireProblem(t, c.patch(path, `{"score":85}`, h{"If-Match": "*"}), http.StatusPreconditionRequired, "precondition-required")
	assert.Contains(t, p["detail"], "a version is required")

	for _, bad := range []string{`1`, `"1`, `"1" "2"`, `W/1`} {
		requireProblem(t, c.patch(path, `{"score":85}`, h{"If-Match": bad}), http.StatusBadRequest, "malformed-request")
	}

	res := c.get(path, nil)
	assert.Equal(t, `"1"`, res.header.Get("ETag"), "nothing was saved")
	assert.Equal(t, float64(70), res.object(t)["score"])
}

func TestPatchLeadWithAStaleBodyVersionIs409(t *testing.T) {
	t.Parallel()
	c, path := newClientWithAda(t)
	require.Equal(t, http.StatusOK, c.patch(path, `{"notes":"Called."}`, h{"If-Match": `"1"`}).status)

	res := c.patch(path, `{"version":1,"score":85}`, h{"If-Match": `"1"`})
	p := requireProblem(t, res, http.StatusConflict, "version-conflict")
	assert.Equal(t, `"2"`, res.header.Get("ETag"))
	assert.Equal(t, float64(2), p["current"].(map[string]any)["version"])
	assert.Equal(t, "Called.", p["current"].(map[string]any)["notes"])

	t.Run("a body version that disagrees with If-Match is 400", func(t *testing.T) {
		p := requireProblem(t, c.patch(path, `{"version":1,"score":85}`, h{"If-Match": `"2"`}), http.StatusBadRequest, "malformed-request")
		assert.Contains(t, fieldErrors(t, p), "version")
	})
	t.Run("a current body version is accepted", func(t *testing.T) {
		res := c.patch(path, `{"version":2,"score":85}`, h{"If-Match": `"2"`})
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
		assert.Equal(t, `"3"`, res.header.Get("ETag"))
	})
}

func TestTwoPatchesFromTheSameETagSaveOnlyOnce(t *testing.T) {
	t.Parallel()
	c, path := newClientWithAda(t)
	tag := c.get(path, nil).header.Get("ETag")

	first := c.patch(path, `{"score":90}`, h{"If-Match": tag})
	require.Equal(t, http.StatusOK, first.status, "body: %s", first.body)
	assert.Equal(t, `"2"`, first.header.Get("ETag"))

	second := c.patch(path, `{"notes":"Mine."}`, h{"If-Match": tag})
	p := requireProblem(t, second, http.StatusPreconditionFailed, "precondition-failed")
	assert.Equal(t, `"2"`, second.header.Get("ETag"))
	assert.Equal(t, float64(90), p["current"].(map[string]any)["score"])
	assert.Equal(t, "Met at the expo.", p["current"].(map[string]any)["notes"])
}

// TestConcurrentPatchesFromTheSameETag sends several edits of the same
// version at once: whether a loser is caught by the API's own check or by
// the compare-and-swap in the database, it gets 412 and exactly one saves.
func TestConcurrentPatchesFromTheSameETag(t *testing.T) {
	t.Parallel()
	c, path := newClientWithAda(t)

	const n = 8
	results := make([]response, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			results[i] = c.patch(path, `{"score":`+strconv.Itoa(i)+`}`, h{"If-Match": `"1"`})
		})
	}
	wg.Wait()

	won := 0
	for _, res := range results {
		switch res.status {
		case http.StatusOK:
			won++
			assert.Equal(t, `"2"`, res.header.Get("ETag"))
		case http.StatusPreconditionFailed:
			p := requireProblem(t, res, http.StatusPreconditionFailed, "precondition-failed")
			assert.Equal(t, `"2"`, res.header.Get("ETag"))
			assert.Equal(t, float64(2), p["current"].(map[string]any)["version"])
		default:
			t.Errorf("unexpected answer %s", res)
		}
	}
	assert.Equal(t, 1, won)
	assert.Equal(t, `"2"`, c.get(path, nil).header.Get("ETag"))
}

func TestLeadFieldErrorsAre422(t *testing.T) {
	t.Parallel()
	c, path := newClientWithAda(t)

	res := c.patch(path, `{"name":"  ","email":"not-an-email","score":500}`, h{"If-Match": `"1"`})
	p := requireProblem(t, res, http.StatusUnprocessableEntity, "validation-failed")
	errs := fieldErrors(t, p)
	assert.Equal(t, "Name is required.", errs["name"])
	assert.Equal(t, "Email must look like name@example.com.", errs["email"])
	assert.Equal(t, "Score must be between 0 and 100; got 500.", errs["score"])
	assert.Equal(t, `"1"`, c.get(path, nil).header.Get("ETag"), "nothing was saved")

	p = requireProblem(t, c.post("/api/v1/leads", `{"email":"ada@example.com"}`, nil), http.StatusUnprocessableEntity, "validation-failed")
	assert.Equal(t, "Name is required.", fieldErrors(t, p)["name"])
}

func TestPatchThatChangesNothingKeepsTheVersion(t *testing.T) {
	t.Parallel()
	c, path := newClientWithAda(t)

	res := c.patch(path, `{"name":"Ada Lovelace"}`, h{"If-Match": `"1"`, "Content-Type": "application/merge-patch+json"})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, `"1"`, res.header.Get("ETag"))
}

func TestDeleteLead(t *testing.T) {
	t.Parallel()
	c, path := newClientWithAda(t)
	require.Equal(t, http.StatusOK, c.patch(path, `{"score":75}`, h{"If-Match": `"1"`}).status)

	requireProblem(t, c.do(http.MethodDelete, path, "", nil), http.StatusPreconditionRequired, "precondition-required")
	res := c.do(http.MethodDelete, path, "", h{"If-Match": `"1"`})
	requireProblem(t, res, http.StatusPreconditionFailed, "precondition-failed")
	assert.Equal(t, `"2"`, res.header.Get("ETag"))

	res = c.do(http.MethodDelete, path, "", h{"If-Match": `"2"`})
	require.Equal(t, http.StatusNoContent, res.status, "body: %s", res.body)
	assert.Empty(t, res.body)

	// Deleted is gone, whatever If-Match says, for every read and write,
	// and the detail says who deleted it.
	for name, res := range map[string]response{
		"get":             c.get(path, nil),
		"get if changed":  c.get(path, h{"If-None-Match": `"3"`}),
		"delete again":    c.do(http.MethodDelete, path, "", h{"If-Match": `"3"`}),
		"delete, no If":   c.do(http.MethodDelete, path, "", nil),
		"patch current":   c.patch(path, `{"score":1}`, h{"If-Match": `"3"`}),
		"patch stale":     c.patch(path, `{"score":1}`, h{"If-Match": `"1"`}),
		"patch any":       c.patch(path, `{"score":1}`, h{"If-Match": `*`}),
		"move":            c.post(path+"/status", `{"status":"CONTACTED"}`, h{"If-Match": `"3"`}),
		"move, malformed": c.post(path+"/status", `{`, h{"If-Match": `"3"`}),
	} {
		p := requireProblem(t, res, http.StatusGone, "gone")
		assert.Contains(t, p["detail"], "Maria deleted it at", name)
	}
	list := c.get("/api/v1/leads", nil)
	require.Equal(t, http.StatusOK, list.status)
	assert.NotContains(t, list.body, `"Ada Lovelace"`, "a deleted lead leaves the list")
}

func TestLeadStatusMoves(t *testing.T) {
	t.Parallel()
	c, path := newClientWithAda(t)

	res := c.post(path+"/status", `{"status":"CONTACTED"}`, h{"If-Match": `"1"`})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, `"2"`, res.header.Get("ETag"))
	assert.Equal(t, "CONTACTED", res.object(t)["status"])
	assert.Equal(t, "Maria", res.object(t)["updated_by"])

	t.Run("a move the state machine refuses is 422 and says why", func(t *testing.T) {
		p := requireProblem(t, c.post(path+"/status", `{"status":"NEW"}`, h{"If-Match": `"2"`}), http.StatusUnprocessableEntity, "rule-violated")
		assert.Equal(t, "Cannot move from CONTACTED to NEW.", fieldErrors(t, p)["status"])
	})
	t.Run("converting is refused: it needs the contact and deal", func(t *testing.T) {
		res := c.post(path+"/status", `{"status":"QUALIFIED"}`, h{"If-Match": `"2"`})
		require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
		p := requireProblem(t, c.post(path+"/status", `{"status":"CONVERTED"}`, h{"If-Match": `"3"`}), http.StatusUnprocessableEntity, "rule-violated")
		assert.Contains(t, fieldErrors(t, p)["status"], "converted")
	})
	t.Run("an unknown status is 422", func(t *testing.T) {
		p := requireProblem(t, c.post(path+"/status", `{"status":"WON"}`, h{"If-Match": `"3"`}), http.StatusUnprocessableEntity, "validation-failed")
		assert.Contains(t, fieldErrors(t, p)["status"], "is not a status")
	})
	t.Run("a move needs If-Match, and a current one", func(t *testing.T) {
		requireProblem(t, c.post(path+"/status", `{"status":"LOST"}`, nil), http.StatusPreconditionRequired, "precondition-required")
		res := c.post(path+"/status", `{"status":"LOST"}`, h{"If-Match": `"1"`})
		requireProblem(t, res, http.StatusPreconditionFailed, "precondition-failed")
		assert.Equal(t, `"3"`, res.header.Get("ETag"))
		res = c.post(path+"/status", `{"status":"LOST","version":1}`, h{"If-Match": `"1"`})
		requireProblem(t, res, http.StatusConflict, "version-conflict")
	})
	t.Run("the status is required", func(t *testing.T) {
		p := requireProblem(t, c.post(path+"/status", `{}`, h{"If-Match": `"3"`}), http.StatusBadRequest, "malformed-request")
		assert.Contains(t, fieldErrors(t, p), "status")
	})
}

func TestListLeads(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	for _, name := range []string{"Ada", "Grace", "Katherine"} {
		c.createLead(`{"name":"` + name + `"}`)
	}
	contacted := c.createLead(`{"name":"Hedy"}`)
	require.Equal(t, http.StatusOK, c.post(contacted+"/status", `{"status":"CONTACTED"}`, h{"If-Match": `"1"`}).status)

	res := c.get("/api/v1/leads?limit=3", nil)
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	page := res.object(t)
	items := page["items"].([]any)
	require.Len(t, items, 3)
	assert.Equal(t, "Hedy", items[0].(map[string]any)["name"], "newest first")
	assert.Equal(t, float64(2), items[0].(map[string]any)["version"])
	next := page["next"].(float64)

	res = c.get("/api/v1/leads?limit=3&after="+strconv.FormatInt(int64(next), 10), nil)
	page = res.object(t)
	assert.Len(t, page["items"].([]any), 1)
	assert.Nil(t, page["next"], "the last page has no next")
	assert.Contains(t, string(res.body), `"next":null`)

	page = c.get("/api/v1/leads?status=CONTACTED", nil).object(t)
	assert.Len(t, page["items"].([]any), 1)
	page = c.get("/api/v1/leads?q=grac", nil).object(t)
	assert.Len(t, page["items"].([]any), 1)

	for _, bad := range []string{"limit=0", "limit=201", "limit=x", "after=-1", "status=WON", "q=%00", "q=%FF"} {
		p := requireProblem(t, c.get("/api/v1/leads?"+bad, nil), http.StatusBadRequest, "malformed-request")
		assert.Contains(t, fieldErrors(t, p), strings.SplitN(bad, "=", 2)[0], bad)
	}
}

func TestListLeadsSortsFiltersAndPagesBySortKey(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	for i, name := range []string{"bea", "Ann", "cid", "Dora", "eli"} {
		c.createLead(fmt.Sprintf(`{"name":%q,"score":%d,"source":%q}`, name, (i*30)%100, []string{"Web", "Fair"}[i%2]))
	}
	var names []string
	query := "/api/v1/leads?sort=name&limit=2"
	for range 5 {
		page := c.get(query, nil).object(t)
		for _, it := range page["items"].([]any) {
			names = append(names, it.(map[string]any)["name"].(string))
		}
		if page["next"] == nil {
			assert.NotContains(t, page, "next_key")
			break
		}
		query = fmt.Sprintf("/api/v1/leads?sort=name&limit=2&after=%d&key=%s", int64(page["next"].(float64)), url.QueryEscape(page["next_key"].(string)))
	}
	assert.Equal(t, []string{"Ann", "bea", "cid", "Dora", "eli"}, names, "as people read them, page by page")

	page := c.get("/api/v1/leads?source=Web&score_min=10&sort=score&dir=asc", nil).object(t)
	var got []string
	for _, it := range page["items"].([]any) {
		got = append(got, it.(map[string]any)["name"].(string))
	}
	assert.Equal(t, []string{"eli", "cid"}, got, "Web leads scoring 10 or more, lowest first")

	for _, bad := range []string{"sort=owner", "dir=up", "score_min=101", "created_from=yesterday", "sort=score&after=3&key=x"} {
		p := requireProblem(t, c.get("/api/v1/leads?"+bad, nil), http.StatusBadRequest, "malformed-request")
		assert.NotEmpty(t, fieldErrors(t, p), bad)
	}
}
