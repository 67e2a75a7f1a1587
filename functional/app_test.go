package functional

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"crm/delivery/api"
	"crm/delivery/web"
	"crm/domain/lead"
	"crm/infrastructure/password"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
	"crm/usecase/auth"
	"crm/usecase/contacts"
	"crm/usecase/conversion"
	"crm/usecase/deals"
	"crm/usecase/leads"
)

// app is the whole CRM on a fresh database, served by httptest. Its
// requests are signed in as Ann unless a test says otherwise.
type app struct {
	t        *testing.T
	db       *pgtest.DB
	leads    *leads.Service
	contacts *contacts.Service
	deals    *deals.Service
	auth     *auth.Service
	feed     *postgres.Feed
	srv      *httptest.Server
	// session is Ann's session cookie, sent with every request of do.
	session *http.Cookie
}

// The reps every app knows, signed in by name; each password is the
// email's local part followed by testPasswordSuffix.
const (
	defaultRep         = "ann"
	testPasswordSuffix = "-test-password"
)

var testReps = map[string]string{"ann": "Ann Example", "maria": "maria", "john": "john"}

func newApp(t *testing.T) *app {
	t.Helper()
	db := pgtest.New(t)
	a := newInstance(t, db, db.Pool)
	for login, name := range testReps {
		_, err := a.auth.AddUser(context.Background(), login+"@example.com", name, login+testPasswordSuffix)
		require.NoError(t, err)
	}
	a.session = a.signIn(defaultRep)
	return a
}

// secondInstance starts another app on a's database with a pool of its
// own, as a second server behind a load balancer would be; a's sessions
// are valid on it.
func (a *app) secondInstance() *app {
	a.t.Helper()
	pool, err := pgxpool.New(context.Background(), a.db.URL)
	require.NoError(a.t, err)
	a.t.Cleanup(pool.Close)
	b := newInstance(a.t, a.db, pool)
	b.session = a.session
	return b
}

// newInstance serves the whole app over pool, a connection pool to db.
func newInstance(t *testing.T, db *pgtest.DB, pool *pgxpool.Pool) *app {
	t.Helper()
	leadRepo, contactRepo := postgres.NewLeadRepository(pool), postgres.NewContactRepository(pool)
	svc := leads.NewService(leadRepo)
	contactSvc := contacts.NewService(contactRepo)
	dealSvc := deals.NewService(postgres.NewDealRepository(pool))
	conversionSvc := conversion.NewService(postgres.NewUnitOfWork(pool), leadRepo, contactRepo)
	// The cheapest bcrypt cost: these tests sign in often, and what they
	// check does not depend on how slow the hash is.
	authSvc := auth.NewService(postgres.NewUserRepository(pool), postgres.NewTokenRepository(pool),
		postgres.NewLoginFailures(pool, time.Hour), password.Bcrypt{Cost: bcrypt.MinCost}, auth.DefaultLimits)
	sessions := scs.New()
	sessions.Store = postgres.NewSessionStore(pool)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	feed := postgres.NewFeed(pool, 100, log)
	apiHandler := api.NewHandler(api.Config{Leads: svc, Contacts: contactSvc, Deals: dealSvc, Tokens: authSvc, Logger: log})
	srv := httptest.NewServer(web.NewRouter(web.Config{Leads: svc, Contacts: contactSvc, Deals: dealSvc,
		Conversion: conversionSvc, Auth: authSvc, Sessions: sessions, API: apiHandler, Live: feed,
		Logger: log, Ready: pool.Ping}))
	t.Cleanup(srv.Close)
	// Stopped before the server closes, so open live streams end, and
	// before the database is dropped, so its connection is gone.
	liveCtx, stopLive := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { feed.Run(liveCtx); close(stopped) }()
	t.Cleanup(func() { stopLive(); <-stopped })
	select {
	case <-feed.Ready():
	case <-time.After(10 * time.Second):
		t.Fatal("the live feed did not start listening")
	}
	return &app{t: t, db: db, leads: svc, contacts: contactSvc, deals: dealSvc, auth: authSvc, feed: feed, srv: srv}
}

// signIn signs rep in through the login form and returns the session cookie.
func (a *app) signIn(rep string) *http.Cookie {
	a.t.Helper()
	res := a.anonymous(http.MethodPost, "/login", url.Values{
		"email": {rep + "@example.com"}, "password": {rep + testPasswordSuffix}, "next": {"/leads"}})
	require.Equal(a.t, http.StatusSeeOther, res.status, res.body)
	for _, c := range (&http.Response{Header: res.header}).Cookies() {
		if c.Name == "session" {
			return c
		}
	}
	a.t.Fatalf("sign-in as %s set no session cookie; headers: %v", rep, res.header)
	return nil
}

// seedLead stores a lead through the use case, as a rep would.
func (a *app) seedLead(f lead.Fields) *lead.Lead {
	a.t.Helper()
	l, err := a.leads.Create(context.Background(), "seed", f)
	require.NoError(a.t, err)
	return l
}

// lead reads a lead straight from the store.
func (a *app) lead(id int64) *lead.Lead {
	a.t.Helper()
	l, err := a.leads.Get(context.Background(), id)
	require.NoError(a.t, err)
	return l
}

// response is a finished request: status, headers and the body as text.
type response struct {
	status int
	header http.Header
	body   string
}

// do sends a request as Ann without following redirects; htmx adds the
// header htmx 4 sends.
func (a *app) do(method, path string, form url.Values, htmx bool) response {
	a.t.Helper()
	return a.doWith(a.session, method, path, form, htmx)
}

// anonymous sends a request with no session.
func (a *app) anonymous(method, path string, form url.Values) response {
	a.t.Helper()
	return a.doWith(nil, method, path, form, false)
}

// doWith sends a request with session (none when nil).
func (a *app) doWith(session *http.Cookie, method, path string, form url.Values, htmx bool) response {
	a.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, a.srv.URL+path, body)
	require.NoError(a.t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if htmx {
		req.Header.Set("HX-Request", "true")
	}
	if session != nil {
		req.AddCookie(session)
	}
	return a.send(req)
}

func (a *app) send(req *http.Request) response {
	a.t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	require.NoError(a.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(a.t, err)
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

func (a *app) get(path string) response     { return a.do(http.MethodGet, path, nil, false) }
func (a *app) getHTMX(path string) response { return a.do(http.MethodGet, path, nil, true) }
func (a *app) post(path string, form url.Values) response {
	return a.do(http.MethodPost, path, form, false)
}
func (a *app) postHTMX(path string, form url.Values) response {
	return a.do(http.MethodPost, path, form, true)
}

// leadForm is the edit form as the page would post it for l, with changes.
func leadForm(l *lead.Lead, version int64, changes map[string]string) url.Values {
	f := l.Fields()
	v := url.Values{"version": {strconv.FormatInt(version, 10)}}
	for _, name := range lead.EditableFields {
		v.Set(name, f.Get(name))
	}
	for k, val := range changes {
		v.Set(k, val)
	}
	return v
}
