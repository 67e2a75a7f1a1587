package functional

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/delivery/api/apitest"
	"crm/usecase/auth"
)

// apiCall sends a JSON request to the API with bearer token (none when
// empty) and extra headers.
func (a *instance) apiCall(method, path, token, body string, headers map[string]string) response {
	a.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, a.srv.URL+path, r)
	require.NoError(a.t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res := a.send(req)
	for _, p := range a.checker().Check(req, res.status, res.header, []byte(res.body)) {
		a.t.Errorf("the answer %d to %s %s does not match openapi.yaml: %s\nbody: %.300s", res.status, method, path, p, res.body)
	}
	return res
}

var (
	specOnce    sync.Once
	specChecker *apitest.Checker
	specErr     error
)

// checker checks API answers against the description the app serves,
// read once.
func (a *instance) checker() *apitest.Checker {
	a.t.Helper()
	specOnce.Do(func() {
		res := a.anonymous(http.MethodGet, "/api/v1/openapi.yaml", nil)
		specChecker, specErr = apitest.NewChecker([]byte(res.body))
	})
	require.NoError(a.t, specErr)
	return specChecker
}

// TestAPIEditWithConditionalRequests is the API's conflict story through
// the whole app: a real token from the token store, 428 without If-Match,
// 412 with a stale ETag, 200 with the current one.
func TestAPIEditWithConditionalRequests(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(ada)
	token, err := a.createToken("maria@example.com")
	require.NoError(t, err)
	path := "/api/v1/leads/" + strconv.FormatInt(l.ID(), 10)

	res := a.apiCall(http.MethodGet, path, "", "", nil)
	assert.Equal(t, http.StatusUnauthorized, res.status, "no token")
	assert.Equal(t, "application/problem+json", res.header.Get("Content-Type"))
	assert.Equal(t, http.StatusUnauthorized, a.apiCall(http.MethodGet, path, "crm_"+strings.Repeat("x", 43), "", nil).status)

	res = a.apiCall(http.MethodGet, path, token, "", nil)
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Equal(t, `"1"`, res.header.Get("ETag"))

	// Ann saves through the pages meanwhile.
	require.Equal(t, http.StatusSeeOther, a.post(leadPath(l), leadForm(l, 1, map[string]string{"phone": "+1 555 0100"})).status)

	res = a.apiCall(http.MethodPatch, path, token, `{"score":85}`, nil)
	assert.Equal(t, http.StatusPreconditionRequired, res.status, res.body)

	res = a.apiCall(http.MethodPatch, path, token, `{"score":85}`, map[string]string{"If-Match": `"1"`})
	require.Equal(t, http.StatusPreconditionFailed, res.status, res.body)
	assert.Equal(t, `"2"`, res.header.Get("ETag"))
	var problem struct {
		Type    string `json:"type"`
		Current struct {
			Phone     string `json:"phone"`
			UpdatedBy string `json:"updated_by"`
		} `json:"current"`
	}
	require.NoError(t, json.Unmarshal([]byte(res.body), &problem))
	assert.Equal(t, "urn:crm:problem:precondition-failed", problem.Type)
	assert.Equal(t, "+1 555 0100", problem.Current.Phone)
	assert.Equal(t, "Ann Example", problem.Current.UpdatedBy)
	assert.Equal(t, 70, a.lead(l.ID()).Fields().Score, "nothing saved")

	res = a.apiCall(http.MethodPatch, path, token, `{"score":85}`, map[string]string{"If-Match": `"2"`})
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Equal(t, `"3"`, res.header.Get("ETag"))
	saved := a.lead(l.ID())
	assert.Equal(t, 85, saved.Fields().Score)
	assert.Equal(t, "+1 555 0100", saved.Fields().Phone)
	assert.Equal(t, "maria", saved.UpdatedBy(), "the token's rep")

	// A browser on another site gets no further: the API needs a token
	// it cannot send, and its own format says so.
	res = a.apiCall(http.MethodPatch, path, "", `{"score":1}`, map[string]string{"If-Match": `"3"`, "Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
	assert.Equal(t, http.StatusUnauthorized, res.status)
	assert.Equal(t, 85, a.lead(l.ID()).Fields().Score)
}

// createToken issues an API token for the rep with email, as `crm token
// create` does.
func (a *instance) createToken(email string) (string, error) {
	token, _, err := a.auth.CreateToken(context.Background(), email, auth.TokenOptions{})
	return token, err
}
