package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/delivery/api"
	"crm/delivery/api/apitest"
	"crm/domain"
	"crm/domain/user"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
	"crm/usecase/auth"
	"crm/usecase/contacts"
	"crm/usecase/deals"
	"crm/usecase/leads"
)

// The concrete use case services are what cmd/crm hands to NewHandler.
var (
	_ api.LeadService    = (*leads.Service)(nil)
	_ api.ContactService = (*contacts.Service)(nil)
	_ api.DealService    = (*deals.Service)(nil)
)

// mariaToken is the read-write token the test token store knows.
const mariaToken = "maria-test-token_0123456789"

// mariaReadOnlyToken is a read-only token of hers.
const mariaReadOnlyToken = "maria-read-only_0123456789"

var maria = user.User{ID: 1, Email: "maria@example.com", Name: "Maria"}

// tokenStore stands in for the token store in PostgreSQL until it exists.
type tokenStore struct{}

func (tokenStore) AuthenticateToken(_ context.Context, token string) (auth.Bearer, error) {
	switch token {
	case mariaToken:
		return auth.Bearer{User: maria}, nil
	case mariaReadOnlyToken:
		return auth.Bearer{User: maria, ReadOnly: true}, nil
	}
	return auth.Bearer{}, fmt.Errorf("authenticate token: %w", domain.ErrUnauthenticated)
}

// client is the API on a fresh database, served by httptest, with the
// services behind it for arranging state directly.
type client struct {
	t        *testing.T
	srv      *httptest.Server
	leads    *leads.Service
	contacts *contacts.Service
	deals    *deals.Service
}

func newClient(t *testing.T) *client {
	t.Helper()
	db := pgtest.New(t)
	// Maria, whom the test tokens name, is a user of the database: what
	// she creates is hers.
	u, err := postgres.NewUserRepository(db.Pool).Create(t.Context(), maria, "x")
	require.NoError(t, err)
	require.Equal(t, maria.ID, u.ID)
	c := &client{
		t:        t,
		leads:    leads.NewService(postgres.NewLeadRepository(db.Pool)),
		contacts: contacts.NewService(postgres.NewContactRepository(db.Pool)),
		deals:    deals.NewService(postgres.NewDealRepository(db.Pool)),
	}
	c.srv = httptest.NewServer(api.NewHandler(api.Config{
		Leads: c.leads, Contacts: c.contacts, Deals: c.deals, Tokens: tokenStore{},
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}))
	t.Cleanup(c.srv.Close)
	return c
}

// newClientWithAda is newClient with Ada's lead created through the API,
// at version 1; it returns the lead's path too.
func newClientWithAda(t *testing.T) (*client, string) {
	t.Helper()
	c := newClient(t)
	return c, c.createLead(adaJSON)
}

// response is what a request got back.
type response struct {
	status int
	header http.Header
	body   []byte
}

// h is the headers of a request. Every request carries Maria's token and,
// with a body, Content-Type: application/json unless h says otherwise; an
// empty value removes the header.
type h map[string]string

// do sends a request and reads the whole response.
func (c *client) do(method, path, body string, headers h) response {
	c.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(c.t.Context(), method, c.srv.URL+path, rd)
	require.NoError(c.t, err)
	req.Header.Set("Authorization", "Bearer "+mariaToken)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for name, value := range headers {
		if value == "" {
			req.Header.Del(name)
		} else {
			req.Header.Set(name, value)
		}
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	require.NoError(c.t, err)
	for _, p := range checker(c.t, c.srv.URL).Check(req, res.StatusCode, res.Header, data) {
		c.t.Errorf("the answer %d to %s %s does not match openapi.yaml: %s\nbody: %.300s", res.StatusCode, method, path, p, data)
	}
	return response{status: res.StatusCode, header: res.Header, body: data}
}

var (
	checkerOnce sync.Once
	theChecker  *apitest.Checker
	checkerErr  error
)

// checker is the answers' checker, built once from the description the
// API at base serves.
func checker(t *testing.T, base string) *apitest.Checker {
	t.Helper()
	checkerOnce.Do(func() {
		res, err := http.Get(base + "/api/v1/openapi.yaml")
		if err != nil {
			checkerErr = err
			return
		}
		defer res.Body.Close()
		spec, err := io.ReadAll(res.Body)
		if err != nil {
			checkerErr = err
			return
		}
		theChecker, checkerErr = apitest.NewChecker(spec)
	})
	require.NoError(t, checkerErr)
	return theChecker
}

func (c *client) get(path string, headers h) response { return c.do(http.MethodGet, path, "", headers) }

func (c *client) post(path, body string, headers h) response {
	return c.do(http.MethodPost, path, body, headers)
}

func (c *client) patch(path, body string, headers h) response {
	return c.do(http.MethodPatch, path, body, headers)
}

// object decodes a JSON object response.
func (r response) object(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), "body: %s", r.body)
	return m
}

func (r response) String() string { return fmt.Sprintf("%d %s", r.status, r.body) }

// requireProblem checks that r is a problem document of status and type
// (given without the urn:crm:problem: prefix) and returns it.
func requireProblem(t *testing.T, r response, status int, kind string) map[string]any {
	t.Helper()
	require.Equal(t, status, r.status, "body: %s", r.body)
	assert.Equal(t, "application/problem+json", r.header.Get("Content-Type"))
	p := r.object(t)
	assert.Equal(t, "urn:crm:problem:"+kind, p["type"])
	assert.Equal(t, float64(status), p["status"])
	assert.NotEmpty(t, p["title"])
	assert.NotEmpty(t, p["detail"])
	return p
}

// requireCreated checks that r answers a POST to collection with 201, the
// new resource's Location and the ETag of version 1, and returns its body.
func requireCreated(t *testing.T, r response, collection string) map[string]any {
	t.Helper()
	require.Equal(t, http.StatusCreated, r.status, "body: %s", r.body)
	assert.Regexp(t, `^`+collection+`/\d+$`, r.header.Get("Location"))
	assert.Equal(t, `"1"`, r.header.Get("ETag"))
	return r.object(t)
}

// fieldErrors returns the errors extension of a problem as field → message.
func fieldErrors(t *testing.T, p map[string]any) map[string]string {
	t.Helper()
	list, ok := p["errors"].([]any)
	require.True(t, ok, "the problem has no errors member: %v", p)
	out := map[string]string{}
	for _, e := range list {
		fe := e.(map[string]any)
		field, _ := fe["field"].(string)
		out[field], _ = fe["message"].(string)
	}
	return out
}

// createLead creates a lead through the API and returns its path.
func (c *client) createLead(body string) string {
	c.t.Helper()
	res := c.post("/api/v1/leads", body, nil)
	require.Equal(c.t, http.StatusCreated, res.status, "body: %s", res.body)
	return res.header.Get("Location")
}

// createContact creates a contact through the API and returns its id.
func (c *client) createContact(body string) int64 {
	c.t.Helper()
	res := c.post("/api/v1/contacts", body, nil)
	require.Equal(c.t, http.StatusCreated, res.status, "body: %s", res.body)
	return int64(res.object(c.t)["id"].(float64))
}

const adaJSON = `{"name":"Ada Lovelace","email":"ada@example.com","company":"Analytical Engines","score":70,"notes":"Met at the expo."}`
