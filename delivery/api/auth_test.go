package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEveryRouteNeedsABearerToken(t *testing.T) {
	t.Parallel()
	c := newFakeClient(t, nil, &syncBuffer{}) // no route may reach a service

	for _, route := range []struct{ method, path string }{
		{http.MethodGet, "/api/v1/leads"}, {http.MethodPost, "/api/v1/leads"}, {http.MethodGet, "/api/v1/leads/1"},
		{http.MethodPatch, "/api/v1/leads/1"}, {http.MethodDelete, "/api/v1/leads/1"}, {http.MethodPost, "/api/v1/leads/1/status"},
		{http.MethodGet, "/api/v1/contacts"}, {http.MethodPost, "/api/v1/contacts"}, {http.MethodGet, "/api/v1/contacts/1"},
		{http.MethodPatch, "/api/v1/contacts/1"}, {http.MethodGet, "/api/v1/deals"}, {http.MethodPost, "/api/v1/deals"},
		{http.MethodGet, "/api/v1/deals/1"}, {http.MethodPatch, "/api/v1/deals/1"}, {http.MethodPost, "/api/v1/deals/1/stage"},
	} {
		res := c.do(route.method, route.path, `{"name":"Ada"}`, h{"Authorization": "", "If-Match": `"1"`})
		requireProblem(t, res, http.StatusUnauthorized, "unauthenticated")
		assert.Equal(t, "Bearer", res.header.Get("WWW-Authenticate"), "%s %s", route.method, route.path)
	}
}

func TestABadTokenIs401(t *testing.T) {
	t.Parallel()
	c := newClient(t)

	for _, auth := range []string{"Bearer wrong-token", "Bearer ", "Bearer two words", "Bearer " + mariaToken + "\u00e9"} {
		res := c.get("/api/v1/leads", h{"Authorization": auth})
		requireProblem(t, res, http.StatusUnauthorized, "unauthenticated")
		assert.Equal(t, `Bearer error="invalid_token"`, res.header.Get("WWW-Authenticate"), auth)
	}
	res := c.get("/api/v1/leads", h{"Authorization": "Basic bWFyaWE6c2VjcmV0"})
	requireProblem(t, res, http.StatusUnauthorized, "unauthenticated")
	assert.Equal(t, "Bearer", res.header.Get("WWW-Authenticate"))

	res = c.get("/api/v1/leads", h{"Authorization": "bearer " + mariaToken})
	assert.Equal(t, http.StatusOK, res.status, "the scheme is case-insensitive")
}

func TestTheOpenAPIDescriptionNeedsNoToken(t *testing.T) {
	t.Parallel()
	c := newFakeClient(t, nil, &syncBuffer{})

	res := c.get("/api/v1/openapi.yaml", h{"Authorization": ""})
	assert.Equal(t, http.StatusOK, res.status)
	assert.Equal(t, "application/yaml", res.header.Get("Content-Type"))
	assert.Contains(t, string(res.body), "openapi: 3.1")
}

func TestAReadOnlyTokenReadsButNeverWrites(t *testing.T) {
	t.Parallel()
	c, path := newClientWithAda(t)
	reader := h{"Authorization": "Bearer " + mariaReadOnlyToken}

	res := c.get(path, reader)
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	for name, res := range map[string]response{
		"create": c.post("/api/v1/leads", `{"name":"Grace"}`, reader),
		"patch":  c.patch(path, `{"score":1}`, h{"Authorization": "Bearer " + mariaReadOnlyToken, "If-Match": `"1"`}),
		"move":   c.post(path+"/status", `{"status":"CONTACTED"}`, h{"Authorization": "Bearer " + mariaReadOnlyToken, "If-Match": `"1"`}),
		"delete": c.do(http.MethodDelete, path, "", h{"Authorization": "Bearer " + mariaReadOnlyToken, "If-Match": `"1"`}),
	} {
		p := requireProblem(t, res, http.StatusForbidden, "forbidden")
		assert.Contains(t, p["detail"], "This token may only read", name)
	}
	res = c.get(path, nil)
	assert.Equal(t, `"1"`, res.header.Get("ETag"), "nothing was written")
}
