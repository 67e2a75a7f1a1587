package api_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestContacts(t *testing.T) {
	t.Parallel()
	c := newClient(t)

	res := c.post("/api/v1/contacts", `{"name":"Grace Hopper","email":"grace@navy.mil","phone":"+1 555 0100","company":"US Navy"}`, nil)
	created := requireCreated(t, res, "/api/v1/contacts")
	path := res.header.Get("Location")
	for _, key := range []string{"id", "version", "name", "email", "phone", "company", "created_at", "updated_at", "updated_by"} {
		assert.Contains(t, created, key)
	}

	res = c.get(path, nil)
	require.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, `"1"`, res.header.Get("ETag"))
	assert.Equal(t, http.StatusNotModified, c.get(path, h{"If-None-Match": `"1"`}).status)

	requireProblem(t, c.patch(path, `{"company":"Navy"}`, nil), http.StatusPreconditionRequired, "precondition-required")

	res = c.patch(path, `{"company":"Navy"}`, h{"If-Match": `"1"`})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, `"2"`, res.header.Get("ETag"))
	assert.Equal(t, "Navy", res.object(t)["company"])
	assert.Equal(t, "grace@navy.mil", res.object(t)["email"])
	assert.Equal(t, "Maria", res.object(t)["updated_by"])

	res = c.patch(path, `{"phone":"+1 555 0199"}`, h{"If-Match": `"1"`})
	p := requireProblem(t, res, http.StatusPreconditionFailed, "precondition-failed")
	assert.Equal(t, `"2"`, res.header.Get("ETag"))
	assert.Equal(t, "Navy", p["current"].(map[string]any)["company"])

	res = c.patch(path, `{"version":1,"phone":"+1 555 0199"}`, h{"If-Match": `"1"`})
	requireProblem(t, res, http.StatusConflict, "version-conflict")

	p = requireProblem(t, c.patch(path, `{"email":"nope"}`, h{"If-Match": `"2"`}), http.StatusUnprocessableEntity, "validation-failed")
	assert.Contains(t, fieldErrors(t, p), "email")

	p = requireProblem(t, c.patch(path, `{"title":"Admiral"}`, h{"If-Match": `"2"`}), http.StatusBadRequest, "malformed-request")
	assert.Equal(t, "Unknown field.", fieldErrors(t, p)["title"])

	c.createContact(`{"name":"Katherine Johnson"}`)
	page := c.get("/api/v1/contacts?limit=1", nil).object(t)
	require.Len(t, page["items"].([]any), 1)
	assert.Equal(t, "Katherine Johnson", page["items"].([]any)[0].(map[string]any)["name"])
	next := page["next"].(float64)
	page = c.get("/api/v1/contacts?limit=1&after="+strconv.FormatInt(int64(next), 10), nil).object(t)
	assert.Equal(t, "Grace Hopper", page["items"].([]any)[0].(map[string]any)["name"])
	page = c.get("/api/v1/contacts?q=hopper", nil).object(t)
	assert.Len(t, page["items"].([]any), 1)
}
