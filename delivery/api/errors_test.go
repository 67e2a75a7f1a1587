package api_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/delivery/api"
	"crm/domain"
	"crm/domain/lead"
	"crm/usecase/leads"
	"crm/usecase/record"
)

// brokenLeads fails every read with err, as a lead store in trouble would.
type brokenLeads struct {
	api.LeadService
	err error
}

func (b brokenLeads) Get(context.Context, int64) (*lead.Lead, error) { return nil, b.err }

func (b brokenLeads) List(context.Context, leads.ListQuery) (record.Page[*lead.Lead], error) {
	return record.Page[*lead.Lead]{}, b.err
}

// syncBuffer is a log the handler writes while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.String()
}

// newFakeClient serves the API over leads, without a database.
func newFakeClient(t *testing.T, leads api.LeadService, log *syncBuffer) *client {
	t.Helper()
	c := &client{t: t}
	c.srv = httptest.NewServer(api.NewHandler(api.Config{Leads: leads, Tokens: tokenStore{}, Logger: slog.New(slog.NewTextHandler(log, nil))}))
	t.Cleanup(c.srv.Close)
	return c
}

func TestUnexpectedErrorsAre500WithoutTheirText(t *testing.T) {
	t.Parallel()
	var log syncBuffer
	c := newFakeClient(t, brokenLeads{err: fmt.Errorf("get lead 7: %w", errors.New(`relation "leads_secret" does not exist`))}, &log)

	for _, path := range []string{"/api/v1/leads/7", "/api/v1/leads"} {
		res := c.get(path, nil)
		p := requireProblem(t, res, http.StatusInternalServerError, "internal")
		assert.NotContains(t, string(res.body), "leads_secret")
		assert.NotContains(t, string(res.body), "relation")
		id := res.header.Get("X-Request-Id")
		require.NotEmpty(t, id)
		assert.Equal(t, id, p["request_id"])
		assert.Contains(t, p["detail"], id, "the detail says which request to quote")
		assert.Contains(t, log.String(), "leads_secret", "the cause is in the log")
		assert.Contains(t, log.String(), id)
	}
}

func TestAnUnreachableDatabaseIs503WithRetryAfter(t *testing.T) {
	t.Parallel()
	c := newFakeClient(t, brokenLeads{err: fmt.Errorf("get lead 7: select lead: %w: dial tcp: refused", domain.ErrUnavailable)}, &syncBuffer{})

	res := c.get("/api/v1/leads/7", nil)
	requireProblem(t, res, http.StatusServiceUnavailable, "unavailable")
	assert.Equal(t, "5", res.header.Get("Retry-After"))
	assert.NotContains(t, string(res.body), "dial tcp")
}

func TestUnknownResourcesAre404(t *testing.T) {
	t.Parallel()
	c := newClient(t)

	for _, path := range []string{"/api/v1/leads/999", "/api/v1/contacts/999", "/api/v1/deals/999",
		"/api/v1/leads/abc", "/api/v1/leads/0", "/api/v1/leads/-1", "/api/v1/leads/99999999999999999999", "/api/v1/nothing"} {
		requireProblem(t, c.get(path, nil), http.StatusNotFound, "not-found")
	}
	requireProblem(t, c.patch("/api/v1/leads/999", `{"score":1}`, h{"If-Match": `"1"`}), http.StatusNotFound, "not-found")
	requireProblem(t, c.post("/api/v1/deals/999/stage", `{"stage":"WON"}`, h{"If-Match": `"1"`}), http.StatusNotFound, "not-found")
}

func TestAnotherMethodIs405WithAllow(t *testing.T) {
	t.Parallel()
	c := newClient(t)

	res := c.do(http.MethodPut, "/api/v1/leads/1", `{"name":"Ada"}`, nil)
	requireProblem(t, res, http.StatusMethodNotAllowed, "method-not-allowed")
	assert.Equal(t, "GET, PATCH, DELETE", res.header.Get("Allow"))

	res = c.do(http.MethodDelete, "/api/v1/contacts/1", "", nil)
	requireProblem(t, res, http.StatusMethodNotAllowed, "method-not-allowed")
	assert.Equal(t, "GET, PATCH", res.header.Get("Allow"))
}

// TestMountedUnderThePageRouter serves the API the way cmd/crm does, as
// the handler of /api/v1/* in a parent chi router, whose route context the
// API's own router then shares.
func TestMountedUnderThePageRouter(t *testing.T) {
	t.Parallel()
	c := newClient(t)
	parent := chi.NewRouter()
	parent.Handle("/api/v1/*", c.srv.Config.Handler)
	parent.Get("/leads/{id}", func(http.ResponseWriter, *http.Request) {})
	c.srv = httptest.NewServer(parent)
	t.Cleanup(c.srv.Close)

	path := c.createLead(adaJSON)
	res := c.patch(path, `{"score":90}`, h{"If-Match": `"1"`})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, `"2"`, res.header.Get("ETag"))
	requireProblem(t, c.get("/api/v1/leads/999", nil), http.StatusNotFound, "not-found")
	requireProblem(t, c.get("/api/v1/nothing", nil), http.StatusNotFound, "not-found")
	res = c.do(http.MethodPut, path, adaJSON, nil)
	requireProblem(t, res, http.StatusMethodNotAllowed, "method-not-allowed")
	assert.Equal(t, "GET, PATCH, DELETE", res.header.Get("Allow"))
}

// waitingLeads answers a read only when its request ends, as a read stuck
// behind a slow database does.
type waitingLeads struct {
	api.LeadService
	started chan struct{}
}

func (w waitingLeads) Get(ctx context.Context, id int64) (*lead.Lead, error) {
	close(w.started)
	<-ctx.Done()
	return nil, fmt.Errorf("get lead %d: %w", id, ctx.Err())
}

func TestAClientThatLeavesIsNotAServerError(t *testing.T) {
	t.Parallel()
	var log syncBuffer
	leads := waitingLeads{started: make(chan struct{})}
	c := newFakeClient(t, leads, &log)
	ctx, cancel := context.WithCancel(t.Context())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.srv.URL+"/api/v1/leads/7", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+mariaToken)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if res, err := http.DefaultClient.Do(req); err == nil {
			res.Body.Close()
		}
	}()
	<-leads.started
	cancel()
	<-done

	require.Eventually(t, func() bool { return strings.Contains(log.String(), "api client went away") }, 5*time.Second, 10*time.Millisecond)
	assert.Contains(t, log.String(), "status=499")
	assert.NotContains(t, log.String(), "level=ERROR", "a client leaving is not a server error")
}

// savesBreak reads lead 7 at version 1 and fails every save of it with err.
type savesBreak struct {
	brokenLeads
}

func (s savesBreak) Get(context.Context, int64) (*lead.Lead, error) {
	l, err := lead.New(lead.Fields{Name: "Ada", Score: 10}, "ana")
	if err != nil {
		return nil, err
	}
	l.Stamp(domain.Meta{ID: 7, Version: 1})
	return l, nil
}

func (s savesBreak) Update(context.Context, string, *lead.Lead, lead.Fields) (*lead.Lead, error) {
	return nil, s.err
}

func TestA503SaysNothingWasSavedOnlyWhenTheWriteSurelyDidNotCommit(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		err       error
		says, not string
	}{
		"the connection broke during the commit": {
			err:  fmt.Errorf("update lead: %w: unexpected EOF", domain.ErrCommitUnknown),
			says: "may or may not have landed — GET the resource to see", not: "Nothing was saved",
		},
		"the database could not be reached": {
			err:  fmt.Errorf("update lead: %w: dial tcp: refused", domain.ErrUnavailable),
			says: "Nothing was saved", not: "may or may not",
		},
	} {
		c := newFakeClient(t, savesBreak{brokenLeads{err: tc.err}}, &syncBuffer{})

		res := c.patch("/api/v1/leads/7", `{"score":20}`, h{"If-Match": `"1"`})

		p := requireProblem(t, res, http.StatusServiceUnavailable, "unavailable")
		assert.Contains(t, p["detail"], tc.says, name)
		assert.NotContains(t, p["detail"], tc.not, name)
		assert.Equal(t, "5", res.header.Get("Retry-After"), name)
	}
}
