package pgtest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/infrastructure/postgres/pgtest"
)

func TestNew_GivesEachCallItsOwnMigratedDatabase(t *testing.T) {
	t.Parallel()
	a, b := pgtest.New(t), pgtest.New(t)
	require.NotEqual(t, a.URL, b.URL)

	_, err := a.Pool.Exec(t.Context(), `INSERT INTO leads (name) VALUES ('Only in a')`)
	require.NoError(t, err)

	var n int
	require.NoError(t, b.Pool.QueryRow(t.Context(), `SELECT count(*) FROM leads`).Scan(&n))
	assert.Zero(t, n)
}

func TestNewEmpty_HasNoSchema(t *testing.T) {
	t.Parallel()
	db := pgtest.NewEmpty(t)

	var exists bool
	require.NoError(t, db.Pool.QueryRow(t.Context(), `SELECT to_regclass('leads') IS NOT NULL`).Scan(&exists))
	assert.False(t, exists)
}
