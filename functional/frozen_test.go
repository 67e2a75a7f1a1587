package functional

import (
	"context"
	"crm/domain/user"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/cmd/crm/app"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
)

// freezer stands between the app and PostgreSQL and can stop passing
// bytes either way, as a database server that froze (not one that
// stopped: its connections stay open and never answer).
type freezer struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	thawed *sync.Cond
	frozen bool
}

func newFreezer(t *testing.T, target string) *freezer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	f := &freezer{ln: ln, target: target}
	f.thawed = sync.NewCond(&f.mu)
	t.Cleanup(func() { f.thaw(); ln.Close() })
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(client)
		}
	}()
	return f
}

func (f *freezer) serve(client net.Conn) {
	server, err := net.Dial("tcp", f.target)
	if err != nil {
		client.Close()
		return
	}
	go f.pipe(server, client)
	f.pipe(client, server)
}

// pipe copies src to dst, holding every chunk while frozen.
func (f *freezer) pipe(dst, src net.Conn) {
	defer dst.Close()
	defer src.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		f.mu.Lock()
		for f.frozen {
			f.thawed.Wait()
		}
		f.mu.Unlock()
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return // closed, by either side
		}
	}
}

func (f *freezer) freeze() { f.mu.Lock(); f.frozen = true; f.mu.Unlock() }

func (f *freezer) thaw() {
	f.mu.Lock()
	f.frozen = false
	f.mu.Unlock()
	f.thawed.Broadcast()
}

// Finding 6: with the database frozen, requests and /readyz answer 503
// within their deadlines instead of hanging, and everything recovers by
// itself once it answers again.
func TestAFrozenDatabaseIs503InTimeAndRecovers(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	u, err := url.Parse(db.URL)
	require.NoError(t, err)
	proxy := newFreezer(t, u.Host)
	u.Host = proxy.ln.Addr().String()
	pool, err := postgres.Connect(t.Context(), u.String(), postgres.ServingTimeouts)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	a := newInstanceWith(t, db, pool, app.Options{RequestTimeout: 2 * time.Second})
	_, err = a.auth.AddUser(context.Background(), "ann@example.com", "Ann Example", "ann"+testPasswordSuffix, user.RoleRep)
	require.NoError(t, err)
	a.session = a.signIn("ann")
	l := a.seedLead(ada)
	token, err := a.createToken("ann@example.com")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, a.get(leadPath(l)).status)

	proxy.freeze()
	for name, ask := range map[string]func() response{
		"a page": func() response { return a.get(leadPath(l)) },
		"a save": func() response { return a.post(leadPath(l), leadForm(l, 1, map[string]string{"score": "90"})) },
		"the API": func() response {
			return a.apiCall(http.MethodGet, "/api/v1/leads/"+strconv.FormatInt(l.ID(), 10), token, "", nil)
		},
		"/readyz": func() response { return a.anonymous(http.MethodGet, "/readyz", nil) },
	} {
		start := time.Now()
		res := ask()
		assert.Equal(t, http.StatusServiceUnavailable, res.status, "%s on a frozen database: %.200s", name, res.body)
		assert.NotEmpty(t, res.header.Get("Retry-After"), name)
		t.Logf("%s answered %d after %s", name, res.status, time.Since(start).Round(10*time.Millisecond))
	}

	proxy.thaw()
	require.Eventually(t, func() bool { return a.get(leadPath(l)).status == http.StatusOK }, 20*time.Second, 100*time.Millisecond,
		"the app recovers by itself")
	assert.Equal(t, http.StatusOK, a.anonymous(http.MethodGet, "/readyz", nil).status)
	assert.Equal(t, int64(1), a.lead(l.ID()).Version(), "the save that answered 503 wrote nothing")
}
