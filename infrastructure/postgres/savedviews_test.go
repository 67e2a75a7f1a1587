package postgres_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/infrastructure/postgres/pgtest"
)

func TestSchema_SavedViewChecksRejectWhatTheDomainRejects(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	owner := newRep(t, db, "maria")
	var id int64
	require.NoError(t, db.Pool.QueryRow(t.Context(), `INSERT INTO saved_views (name, query, owner_id, owner)
		VALUES ($1, $2, $3, 'maria') RETURNING id`, strings.Repeat("é", 60), strings.Repeat("é", 2000), owner.ID).Scan(&id),
		"every limit itself is allowed")

	for _, tc := range []struct {
		name, set, code, constraint string
	}{
		{"empty name", "name = ''", "23514", "saved_views_name_length"},
		{"name over 60", "name = repeat('x', 61)", "23514", "saved_views_name_length"},
		{"query over 2000", "query = repeat('x', 2001)", "23514", "saved_views_query_length"},
		{"version 0", "version = 0", "23514", "saved_views_version_positive"},
		{"an owner who is not a user", "owner_id = 999999", "23503", "saved_views_owner_fkey"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := db.Pool.Exec(t.Context(), `UPDATE saved_views SET `+tc.set+` WHERE id = $1`, id)
			var pgErr *pgconn.PgError
			require.True(t, errors.As(err, &pgErr), "want a PostgreSQL error, got %v", err)
			assert.Equal(t, tc.code, pgErr.Code)
			assert.Equal(t, tc.constraint, pgErr.ConstraintName)
		})
	}

	_, err := db.Pool.Exec(t.Context(), `INSERT INTO activity (aggregate_kind, aggregate_id, version, event) VALUES ('view', $1, 1, 'ViewCreated')`, id)
	assert.NoError(t, err, "activity takes a view's events")
	_, err = db.Pool.Exec(t.Context(), `INSERT INTO activity (aggregate_kind, aggregate_id, version, event) VALUES ('task', $1, 1, 'TaskCreated')`, id)
	assert.Error(t, err, "and still only the kinds it knows")
}
