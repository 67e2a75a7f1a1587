package postgres_test

import (
	"bytes"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
)

// lockedBuffer is a log the pool's connections may write while the test
// reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestSlowQueriesAreLoggedByNameWithoutTheirArguments(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	var logs lockedBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	// A threshold well above the default: on a loaded machine a fast
	// statement can take a few hundred milliseconds, and would be logged.
	pool, err := postgres.Connect(t.Context(), db.URL, postgres.Timeouts{}, postgres.LogSlowQueries(log, time.Second))
	require.NoError(t, err)
	t.Cleanup(pool.Close)

	_, err = pool.Exec(t.Context(), `SELECT pg_sleep($1), $2::text, $3::int`, 1.05, "ann@example.com", 987654)
	require.NoError(t, err)
	_, err = pool.Exec(t.Context(), `SELECT $1::text`, "fast@example.com")
	require.NoError(t, err)

	out := logs.String()
	assert.Contains(t, out, "level=WARN msg=\"slow query\" statement=\"SELECT pg_sleep\" duration=")
	assert.Equal(t, 1, bytes.Count([]byte(out), []byte("slow query")), "a fast statement is not logged:\n%s", out)
	assert.NotContains(t, out, "987654", "arguments are never logged")
	assert.NotContains(t, out, "@example.com", "arguments are never logged")
}

func TestSlowQueriesThatFailAreLoggedWithTheirCodeOnly(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	var logs lockedBuffer
	pool, err := postgres.Connect(t.Context(), db.URL, postgres.Timeouts{},
		postgres.LogSlowQueries(slog.New(slog.NewTextHandler(&logs, nil)), 0))
	require.NoError(t, err)
	t.Cleanup(pool.Close)

	_, err = pool.Exec(t.Context(), `INSERT INTO users (email, name, password_hash, role) VALUES ($1, $1, 'x', 'nobody')`, "ann@example.com")
	require.Error(t, err)
	out := logs.String()
	assert.Contains(t, out, `statement="INSERT INTO users"`)
	assert.Contains(t, out, "sqlstate=")
	assert.NotContains(t, out, "ann@example.com", "neither the arguments nor the server's message reach the log")
	assert.NotContains(t, out, "nobody")
}
