package postgres_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/infrastructure/postgres"
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
	_, err = db.Pool.Exec(t.Context(), `INSERT INTO activity (aggregate_kind, aggregate_id, version, event) VALUES ('invoice', $1, 1, 'InvoiceCreated')`, id)
	assert.Error(t, err, "and still only the kinds it knows")
}

// BenchmarkSavedViewsVisible reads one rep's tabs, as every lead list
// page does, in a team of 50 reps who saved 10 views each and shared 2 of
// them: 500 views, of which a rep sees their 10 and the 98 others share.
func BenchmarkSavedViewsVisible(b *testing.B) {
	db := pgtest.New(b)
	ctx := b.Context()
	_, err := db.Pool.Exec(ctx, `INSERT INTO users (email, name, password_hash)
		SELECT 'rep' || i || '@example.com', 'rep ' || i, 'x' FROM generate_series(1, 50) i`)
	require.NoError(b, err)
	_, err = db.Pool.Exec(ctx, `INSERT INTO saved_views (name, query, shared, owner_id, owner, updated_by)
		SELECT 'View ' || v, 'sort=score&status=NEW', v <= 2, u.id, u.name, u.name
		FROM users u CROSS JOIN generate_series(1, 10) v`)
	require.NoError(b, err)
	_, err = db.Pool.Exec(ctx, `ANALYZE saved_views`)
	require.NoError(b, err)
	var rep int64
	require.NoError(b, db.Pool.QueryRow(ctx, `SELECT min(id) FROM users`).Scan(&rep))
	repo := postgres.NewSavedViewRepository(db.Pool)

	b.ResetTimer()
	for b.Loop() {
		vs, err := repo.Visible(ctx, rep)
		if err != nil || len(vs) != 108 {
			b.Fatalf("got %d views, %v", len(vs), err)
		}
	}
}
