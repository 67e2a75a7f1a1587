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

// TestSchema_ChecksRejectWhatTheDomainRejects writes raw rows past the domain
// and expects the named CHECK constraint to stop each one.
func TestSchema_ChecksRejectWhatTheDomainRejects(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	long := func(n int) string { return strings.Repeat("é", n) } // characters, not bytes

	_, err := db.Pool.Exec(t.Context(), `INSERT INTO leads (name, email, company, phone, source, notes, score, status)
		VALUES ($1, $2, $3, $4, $5, $6, 100, 'CONVERTED')`,
		long(200), long(254), long(200), long(40), long(200), long(10000))
	require.NoError(t, err, "every limit itself is allowed")
	var id int64
	require.NoError(t, db.Pool.QueryRow(t.Context(), `INSERT INTO leads (name, status, score) VALUES ('Ada', 'QUALIFIED', 50) RETURNING id`).Scan(&id))

	for _, tc := range []struct {
		name, set, constraint string
	}{
		{"score above 100", "score = 500", "leads_score_range"},
		{"score below 0", "score = -1", "leads_score_range"},
		{"empty name", "name = ''", "leads_name_length"},
		{"name over 200", "name = repeat('x', 201)", "leads_name_length"},
		{"email over 254", "email = repeat('x', 255)", "leads_email_length"},
		{"company over 200", "company = repeat('x', 201)", "leads_company_length"},
		{"phone over 40", "phone = repeat('1', 41)", "leads_phone_length"},
		{"source over 200", "source = repeat('x', 201)", "leads_source_length"},
		{"notes over 10000", "notes = repeat('x', 10001)", "leads_notes_length"},
		{"unknown status", "status = 'WON'", "leads_status_known"},
		{"converted below 80", "status = 'CONVERTED', score = 79", "leads_converted_score"},
		{"version 0", "version = 0", "leads_version_positive"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := db.Pool.Exec(t.Context(), `UPDATE leads SET `+tc.set+` WHERE id = $1`, id)
			var pgErr *pgconn.PgError
			require.True(t, errors.As(err, &pgErr), "want a PostgreSQL error, got %v", err)
			assert.Equal(t, "23514", pgErr.Code)
			assert.Equal(t, tc.constraint, pgErr.ConstraintName)
		})
	}

	_, err = db.Pool.Exec(t.Context(), `INSERT INTO leads (id, name) VALUES (999, 'Picked id')`)
	assert.Error(t, err, "ids come from the identity only, so they are never reused")
}
