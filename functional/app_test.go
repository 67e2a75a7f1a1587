package functional

import (
	"context"
	"crm/domain/user"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"crm/cmd/crm/app"
	"crm/domain/lead"
	"crm/infrastructure/password"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
	"crm/usecase/auth"
	"crm/usecase/contacts"
	"crm/usecase/deals"
	"crm/usecase/entries"
	"crm/usecase/leads"
	"crm/usecase/savedviews"
	"crm/usecase/tasks"
)

// instance is the whole CRM on a fresh database, served by httptest. Its
// requests are signed in as Ann unless a test says otherwise.
type instance struct {
	t        *testing.T
	db       *pgtest.DB
	leads    *leads.Service
	contacts *contacts.Service
	deals    *deals.Service
	views    *savedviews.Service
	tasks    *tasks.Service
	entries  *entries.Service
	auth     *auth.Service
	feed     *postgres.Feed
	srv      *httptest.Server
	// session is Ann's session cookie, sent with every request of do.
	session *http.Cookie
}

// The reps every app knows, signed in by name; each password is the
// email's local part followed by testPasswordSuffix. Ann, the default,
// is the admin; maria and john are reps.
const (
	defaultRep         = "ann"
	testPasswordSuffix = "-test-password"
)

var testReps = map[string]string{"ann": "Ann Example", "maria": "maria", "john": "john"}

func newApp(t *testing.T) *instance {
	t.Helper()
	db := pgtest.New(t)
	a := newInstance(t, db, db.Pool)
	// Ann first: the first user of a CRM is its admin.
	for _, login := range append([]string{defaultRep}, slices.DeleteFunc(slices.Sorted(maps.Keys(testReps)), func(l string) bool { return l == defaultRep })...) {
		_, err := a.auth.AddUser(context.Background(), login+"@example.com", testReps[login], login+testPasswordSuffix, user.RoleRep)
		require.NoError(t, err)
	}
	a.session = a.signIn(defaultRep)
	return a
}

// secondInstance starts another app on a's database with a pool of its
// own, as a second server behind a load balancer would be; a's sessions
// are valid on it.
func (a *instance) secondInstance() *instance {
	a.t.Helper()
	pool, err := pgxpool.New(context.Background(), a.db.URL)
	require.NoError(a.t, err)
	a.t.Cleanup(pool.Close)
	b := newInstance(a.t, a.db, pool)
	b.session = a.session
	return b
}

// newInstance serves the whole app over pool, a connection pool to db,
// wired as crm serve wires it.
func newInstance(t *testing.T, db *pgtest.DB, pool *pgxpool.Pool) *instance {
	t.Helper()
	return newInstanceWith(t, db, pool, app.Options{})
}

// newInstanceWith is newInstance with opt, whose logger, hasher and
// watchers the tests' own replace.
func newInstanceWith(t *testing.T, db *pgtest.DB, pool *pgxpool.Pool, opt app.Options) *instance {
	t.Helper()
	opt.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	// The cheapest bcrypt cost: these tests sign in often, and what they
	// check does not depend on how slow the hash is.
	opt.Hasher = password.Bcrypt{Cost: bcrypt.MinCost}
	opt.LiveWatchers = 100
	crm := app.New(pool, opt)
	srv := httptest.NewServer(crm.Handler)
	t.Cleanup(srv.Close)
	// Stopped before the server closes, so open live streams end, and
	// before the database is dropped, so its connection is gone.
	background, stop := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { crm.Run(background); close(stopped) }()
	t.Cleanup(func() { stop(); <-stopped })
	select {
	case <-crm.Feed.Ready():
	case <-time.After(10 * time.Second):
		t.Fatal("the live feed did not start listening")
	}
	return &instance{t: t, db: db, leads: crm.Leads, contacts: crm.Contacts, deals: crm.Deals, views: crm.Views, tasks: crm.Tasks, entries: crm.Entries, auth: crm.Auth,
		feed: crm.Feed, srv: srv}
}

// signIn signs rep in through the login form and returns the session cookie.
func (a *instance) signIn(rep string) *http.Cookie {
	a.t.Helper()
	res := a.anonymous(http.MethodPost, "/login", url.Values{
		"email": {rep + "@example.com"}, "password": {rep + testPasswordSuffix}, "next": {"/leads"}})
	require.Equal(a.t, http.StatusSeeOther, res.status, res.body)
	for _, c := range (&http.Response{Header: res.header}).Cookies() {
		if c.Name == app.SessionCookie {
			return c
		}
	}
	a.t.Fatalf("sign-in as %s set no session cookie; headers: %v", rep, res.header)
	return nil
}

// seedLead stores a lead through the use case, as a rep would.
func (a *instance) seedLead(f lead.Fields) *lead.Lead {
	a.t.Helper()
	l, err := a.leads.Create(context.Background(), "seed", f)
	require.NoError(a.t, err)
	return l
}

// lead reads a lead straight from the store.
func (a *instance) lead(id int64) *lead.Lead {
	a.t.Helper()
	l, err := a.leads.Get(context.Background(), id)
	require.NoError(a.t, err)
	return l
}

// response is a finished request: status, headers and the body as text,
// and when the request was sent.
type response struct {
	status int
	header http.Header
	body   string
	sent   time.Time
}

// do sends a request as Ann without following redirects; htmx adds the
// header htmx 4 sends.
func (a *instance) do(method, path string, form url.Values, htmx bool) response {
	a.t.Helper()
	return a.doWith(a.session, method, path, form, htmx)
}

// anonymous sends a request with no session.
func (a *instance) anonymous(method, path string, form url.Values) response {
	a.t.Helper()
	return a.doWith(nil, method, path, form, false)
}

// doWith sends a request with session (none when nil).
func (a *instance) doWith(session *http.Cookie, method, path string, form url.Values, htmx bool) response {
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

func (a *instance) send(req *http.Request) response {
	a.t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	sent := time.Now()
	res, err := client.Do(req)
	require.NoError(a.t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(a.t, err)
	return response{status: res.StatusCode, header: res.Header, body: string(b), sent: sent}
}

func (a *instance) get(path string) response     { return a.do(http.MethodGet, path, nil, false) }
func (a *instance) getHTMX(path string) response { return a.do(http.MethodGet, path, nil, true) }
func (a *instance) post(path string, form url.Values) response {
	return a.do(http.MethodPost, path, form, false)
}
func (a *instance) postHTMX(path string, form url.Values) response {
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
