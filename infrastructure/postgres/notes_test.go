package postgres_test

// Notes on contacts and deals (migration 000021).

import (
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/contact"
	"crm/domain/deal"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
)

// TestSchema_VersionsTablesHoldTheirTablesColumnsInOrder: record_versions()
// copies a saved row with SELECT *, so a column added to a table must sit
// at the same position in its versions table, with the same type; a
// mismatch would fail every save, or store one column's value in another.
func TestSchema_VersionsTablesHoldTheirTablesColumnsInOrder(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	columns := func(table string) []string {
		rows, err := db.Pool.Query(t.Context(), `SELECT column_name || ' ' || data_type FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table)
		require.NoError(t, err)
		var cols []string
		for rows.Next() {
			var c string
			require.NoError(t, rows.Scan(&c))
			cols = append(cols, c)
		}
		require.NoError(t, rows.Err())
		return cols
	}
	for table, versions := range map[string]string{"contacts": "contact_versions", "deals": "deal_versions", "saved_views": "saved_view_versions",
		"tasks": "task_versions", "entries": "entry_versions"} {
		assert.Equal(t, columns(table), columns(versions), table)
	}
	assert.Contains(t, columns("contacts"), "notes text")
	assert.Contains(t, columns("deals"), "notes text")
}

func TestSchema_NotesOfContactsAndDealsHaveTheLeadsLimit(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	var contactID, dealID int64
	require.NoError(t, db.Pool.QueryRow(t.Context(), `INSERT INTO contacts (name, notes) VALUES ('Ada', $1) RETURNING id`,
		strings.Repeat("é", 10_000)).Scan(&contactID), "the limit itself is allowed")
	require.NoError(t, db.Pool.QueryRow(t.Context(), `INSERT INTO deals (title, amount_minor, currency, contact_id, notes)
		VALUES ('Engines', 100, 'EUR', $1, $2) RETURNING id`, contactID, strings.Repeat("é", 10_000)).Scan(&dealID))

	for table, id := range map[string]int64{"contacts": contactID, "deals": dealID} {
		_, err := db.Pool.Exec(t.Context(), `UPDATE `+table+` SET notes = repeat('x', 10001) WHERE id = $1`, id)
		var pgErr *pgconn.PgError
		require.True(t, errors.As(err, &pgErr), "want a PostgreSQL error, got %v", err)
		assert.Equal(t, "23514", pgErr.Code)
		assert.Equal(t, table+"_notes_length", pgErr.ConstraintName)
	}
}

// TestMigrate_ContactsAndDealsSavedBeforeNotesKeepTheirHistory: records
// and versions saved before migration 000021 read back with empty notes,
// and the next save is compared with them as usual.
func TestMigrate_ContactsAndDealsSavedBeforeNotesKeepTheirHistory(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	require.NoError(t, postgres.MigrateDown(t.Context(), db.URL, 1))
	var contactID, dealID int64
	require.NoError(t, db.Pool.QueryRow(t.Context(), `INSERT INTO contacts (name) VALUES ('Ada') RETURNING id`).Scan(&contactID))
	require.NoError(t, db.Pool.QueryRow(t.Context(), `INSERT INTO deals (title, amount_minor, currency, contact_id)
		VALUES ('Engines', 100, 'EUR', $1) RETURNING id`, contactID).Scan(&dealID))

	require.NoError(t, postgres.MigrateUp(t.Context(), db.URL))

	contacts := postgres.NewContactRepository(db.Pool)
	saved, err := contacts.Update(t.Context(), contactID, 1, func(c *contact.Contact) (bool, error) {
		f := c.Fields()
		f.Notes = "Prefers email.\n"
		changed, err := c.Edit(f, "maria")
		return len(changed) > 0, err
	})
	require.NoError(t, err)
	old, err := contacts.Version(t.Context(), contactID, 1)
	require.NoError(t, err)
	assert.Empty(t, old.Fields().Notes)
	assert.Equal(t, "Prefers email.\n", saved.Fields().Notes)
	v2, err := contacts.Version(t.Context(), contactID, 2)
	require.NoError(t, err)
	assert.Equal(t, "Prefers email.\n", v2.Fields().Notes, "the versions table holds the notes too")

	deals := postgres.NewDealRepository(db.Pool)
	d, err := deals.Update(t.Context(), dealID, 1, func(d *deal.Deal) (bool, error) {
		f := d.Fields()
		f.Notes = "Budget signed."
		changed, err := d.Edit(f, "maria")
		return len(changed) > 0, err
	})
	require.NoError(t, err)
	assert.Equal(t, "Budget signed.", d.Fields().Notes)
	dv, err := deals.Version(t.Context(), dealID, 2)
	require.NoError(t, err)
	assert.Equal(t, "Budget signed.", dv.Fields().Notes)
}
