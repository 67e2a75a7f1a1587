package postgres_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/user"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
	"crm/usecase/conversion"
)

// A failover kills the primary at any moment, including between the
// server committing a write and the app reading that it did. These tests
// put a proxy between the pool and PostgreSQL that lets a statement through
// and loses its answer once the server has finished with it, so the write
// surely landed, and check that the error says the outcome is unknown; and
// that a connection lost before the commit was sent says nothing was saved.

func TestAWriteWhoseAnswerIsLostAfterTheServerCommittedIsOfUnknownOutcome(t *testing.T) {
	t.Parallel()
	db, proxy := proxied(t)
	leads := postgres.NewLeadRepository(db)
	l := create(t, leads, ada())

	proxy.cutAfter("UPDATE leads")
	_, err := leads.Update(t.Context(), l.ID(), 1, setScore(90, "bob"))

	require.ErrorIs(t, err, domain.ErrCommitUnknown)
	assert.ErrorIs(t, err, domain.ErrUnavailable, "still a 503")
	stored := must(leads.Get(context.Background(), l.ID()))(t)
	assert.Equal(t, int64(2), stored.Version(), "the save landed although its answer was lost")
	assert.Equal(t, 90, stored.Fields().Score)
}

func TestAUnitOfWorkWhoseCommitAnswerIsLostIsOfUnknownOutcome(t *testing.T) {
	t.Parallel()
	db, proxy := proxied(t)
	leads := postgres.NewLeadRepository(db)
	l := create(t, leads, ada())

	// The simple query's text ends in a NUL: BEGIN's "read committed" does
	// not match.
	proxy.cutAfter("commit\x00")
	err := postgres.NewUnitOfWork(db).Do(t.Context(), func(ctx context.Context, r conversion.Repos) error {
		_, err := r.Leads().Update(ctx, l.ID(), 1, setScore(90, "bob"))
		return err
	})

	require.ErrorIs(t, err, domain.ErrCommitUnknown)
	assert.Equal(t, int64(2), must(leads.Get(context.Background(), l.ID()))(t).Version(), "the commit landed")
}

func TestAUnitOfWorkCutBeforeItsCommitSavedNothing(t *testing.T) {
	t.Parallel()
	db, proxy := proxied(t)
	leads := postgres.NewLeadRepository(db)
	l := create(t, leads, ada())

	// The server runs the update inside the transaction, then loses the
	// session before any COMMIT: it rolls back.
	proxy.cutAfter("UPDATE leads")
	err := postgres.NewUnitOfWork(db).Do(t.Context(), func(ctx context.Context, r conversion.Repos) error {
		_, err := r.Leads().Update(ctx, l.ID(), 1, setScore(90, "bob"))
		return err
	})

	require.ErrorIs(t, err, domain.ErrUnavailable)
	assert.NotErrorIs(t, err, domain.ErrCommitUnknown)
	assert.Equal(t, int64(1), must(leads.Get(context.Background(), l.ID()))(t).Version(), "nothing was saved")
}

func TestAPurgeWhoseCommitAnswerIsLostIsOfUnknownOutcome(t *testing.T) {
	t.Parallel()
	db, proxy := proxied(t)
	leads := postgres.NewLeadRepository(db)
	l := remove(t, leads, create(t, leads, ada()).ID(), "bob")

	proxy.cutAfter("commit\x00")
	_, err := postgres.NewTrashRepository(db).Purge(t.Context(), time.Now().Add(time.Hour))

	require.ErrorIs(t, err, domain.ErrCommitUnknown, "an admin told nothing was purged would purge again")
	_, err = leads.Get(context.Background(), l.ID())
	assert.ErrorIs(t, err, domain.ErrNotFound, "the purge landed")
}

func TestAPurgeCutBeforeItsCommitPurgedNothing(t *testing.T) {
	t.Parallel()
	db, proxy := proxied(t)
	leads := postgres.NewLeadRepository(db)
	l := remove(t, leads, create(t, leads, ada()).ID(), "bob")

	proxy.cutAfter("DELETE FROM leads")
	_, err := postgres.NewTrashRepository(db).Purge(t.Context(), time.Now().Add(time.Hour))

	require.ErrorIs(t, err, domain.ErrUnavailable)
	assert.NotErrorIs(t, err, domain.ErrCommitUnknown)
	assert.True(t, must(leads.Get(context.Background(), l.ID()))(t).Deleted(), "still in the Trash")
}

func TestAUserAddedWhoseAnswerIsLostIsOfUnknownOutcome(t *testing.T) {
	t.Parallel()
	db, proxy := proxied(t)
	users := postgres.NewUserRepository(db)

	proxy.cutAfter("INSERT INTO users")
	_, err := users.Create(t.Context(), user.User{Email: "kim@example.com", Name: "Kim"}, "hash")

	require.ErrorIs(t, err, domain.ErrCommitUnknown, "an admin told nothing was saved would add them again")
	_, _, err = users.ByEmail(context.Background(), "kim@example.com")
	assert.NoError(t, err, "the user was added")
}

func TestAWriteThatFindsNoConnectionSavedNothing(t *testing.T) {
	t.Parallel()
	db, proxy := proxied(t)
	l := create(t, postgres.NewLeadRepository(db), ada())
	proxy.ln.Close()
	proxy.dropAll()
	// A pool that has no connection yet and cannot open one.
	down, err := pgxpool.New(t.Context(), proxy.url)
	require.NoError(t, err)
	t.Cleanup(down.Close)

	_, err = postgres.NewLeadRepository(down).Update(t.Context(), l.ID(), 1, setScore(90, "bob"))

	require.ErrorIs(t, err, domain.ErrUnavailable)
	assert.NotErrorIs(t, err, domain.ErrCommitUnknown)
}

// cutProxy forwards PostgreSQL's wire protocol between clients and the
// server. Armed with cutAfter, it lets the next statement at or after a
// message holding the marker through, swallows the server's answer up to
// its ReadyForQuery (the server is then done: committed, outside a
// transaction) and closes both sides.
type cutProxy struct {
	ln     net.Listener
	target string
	url    string

	mu     sync.Mutex
	marker []byte
	conns  []net.Conn
}

// proxied returns a pool to a fresh database through a cutProxy.
func proxied(t *testing.T) (*pgxpool.Pool, *cutProxy) {
	t.Helper()
	db := pgtest.New(t)
	u, err := url.Parse(db.URL)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	p := &cutProxy{ln: ln, target: u.Host}
	t.Cleanup(func() { ln.Close(); p.dropAll() })
	u.Host = ln.Addr().String()
	p.url = u.String()
	go p.serve()
	pool, err := postgres.Connect(t.Context(), p.url, postgres.Timeouts{})
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool, p
}

func (p *cutProxy) cutAfter(marker string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.marker = []byte(marker)
}

func (p *cutProxy) dropAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
}

func (p *cutProxy) serve() {
	for {
		client, err := p.ln.Accept()
		if err != nil {
			return
		}
		server, err := net.Dial("tcp", p.target)
		if err != nil {
			client.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, client, server)
		p.mu.Unlock()
		cut := make(chan struct{})
		go p.fromClient(client, server, cut)
		go p.fromServer(server, client, cut)
	}
}

// fromClient forwards the startup message, then typed messages, closing
// cut when it forwards the statement to cut after.
func (p *cutProxy) fromClient(client, server net.Conn, cut chan struct{}) {
	defer server.Close()
	var size [4]byte
	if _, err := io.ReadFull(client, size[:]); err != nil {
		return
	}
	startup := make([]byte, binary.BigEndian.Uint32(size[:])-4)
	if _, err := io.ReadFull(client, startup); err != nil {
		return
	}
	if _, err := server.Write(append(size[:], startup...)); err != nil {
		return
	}
	seen := false
	for {
		typ, msg, err := readMessage(client)
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.marker != nil && bytes.Contains(msg, p.marker) {
			seen = true
		}
		last := seen && (typ == 'E' || typ == 'Q')
		if last {
			p.marker, seen = nil, false
			close(cut)
		}
		p.mu.Unlock()
		if _, err := server.Write(msg); err != nil {
			return
		}
	}
}

// fromServer forwards the server's messages until cut, then reads the
// rest of the answer without forwarding it and closes both sides.
func (p *cutProxy) fromServer(server, client net.Conn, cut chan struct{}) {
	defer client.Close()
	defer server.Close()
	for {
		typ, msg, err := readMessage(server)
		if err != nil {
			return
		}
		select {
		case <-cut:
			if typ == 'Z' {
				return
			}
			continue
		default:
		}
		if _, err := client.Write(msg); err != nil {
			return
		}
	}
}

// readMessage reads one typed message, returning its type and its bytes
// as they came (type, length and body).
func readMessage(r io.Reader) (byte, []byte, error) {
	head := make([]byte, 5)
	if _, err := io.ReadFull(r, head); err != nil {
		return 0, nil, err
	}
	n := binary.BigEndian.Uint32(head[1:])
	if n < 4 {
		return 0, nil, errors.New("bad message length")
	}
	msg := make([]byte, 5+n-4)
	copy(msg, head)
	if _, err := io.ReadFull(r, msg[5:]); err != nil {
		return 0, nil, err
	}
	return head[0], msg, nil
}
