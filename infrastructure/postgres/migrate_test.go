package postgres_test

// The migrations, and the schema they build.

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/lead"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
	"crm/migrations"
	"crm/usecase/record"
)

func TestMigrate_UpDownUpOnAnEmptyDatabase(t *testing.T) {
	t.Parallel()
	db := pgtest.NewEmpty(t)
	ctx := t.Context()

	version, dirty, err := postgres.MigrationVersion(ctx, db.URL)
	require.NoError(t, err)
	assert.Zero(t, version)
	assert.False(t, dirty)

	require.NoError(t, postgres.MigrateUp(ctx, db.URL))
	version, dirty, err = postgres.MigrationVersion(ctx, db.URL)
	require.NoError(t, err)
	assert.Equal(t, latestMigration(t), version)
	assert.False(t, dirty)
	assert.True(t, tableExists(t, db, "leads"))
	assert.True(t, tableExists(t, db, "lead_versions"))
	require.NoError(t, postgres.MigrateUp(ctx, db.URL), "nothing to do is success")

	require.NoError(t, postgres.MigrateDown(ctx, db.URL, stepsBackTo(t, 1)))
	version, _, err = postgres.MigrationVersion(ctx, db.URL)
	require.NoError(t, err)
	assert.Zero(t, version)
	assert.False(t, tableExists(t, db, "leads"))

	require.NoError(t, postgres.MigrateUp(ctx, db.URL))
	assert.True(t, tableExists(t, db, "leads"))
}

func TestMigrate_ConcurrentUpsAllSucceedWithOneSchema(t *testing.T) {
	t.Parallel()
	db := pgtest.NewEmpty(t)
	errs := make([]error, 5)
	atOnce(len(errs), func(i int) { errs[i] = postgres.MigrateUp(t.Context(), db.URL) })

	for i, err := range errs {
		assert.NoError(t, err, "instance %d", i)
	}
	version, dirty, err := postgres.MigrationVersion(t.Context(), db.URL)
	require.NoError(t, err)
	assert.Equal(t, latestMigration(t), version)
	assert.False(t, dirty)
	rows, err := db.Pool.Query(t.Context(), `SELECT indexname FROM pg_indexes WHERE tablename = 'leads' ORDER BY 1`)
	require.NoError(t, err)
	var indexes []string
	for rows.Next() {
		var name string
		require.NoError(t, rows.Scan(&name))
		indexes = append(indexes, name)
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, []string{"leads_company_prefix_idx", "leads_company_sort_idx", "leads_created_sort_idx", "leads_deleted_idx",
		"leads_email_prefix_idx", "leads_live_status_created_idx", "leads_name_prefix_idx", "leads_name_sort_idx", "leads_owner_idx", "leads_pkey",
		"leads_score_sort_idx", "leads_search_trgm_idx", "leads_source_idx", "leads_status_sort_idx", "leads_unassigned_idx"}, indexes)
	assert.Equal(t, 1, countRows(t, db.Pool, `SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'`))
	assert.Equal(t, 1, countRows(t, db.Pool, `SELECT count(*) FROM schema_migrations`))
}

func TestMigrate_DirtyDatabaseIsAClearError(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	_, err := db.Pool.Exec(t.Context(), `UPDATE schema_migrations SET dirty = true`)
	require.NoError(t, err)

	err = postgres.MigrateUp(t.Context(), db.URL)
	require.Error(t, err)
	assert.Contains(t, err.Error(), fmt.Sprintf("dirty at migration %d", latestMigration(t)))
	_, dirty, err := postgres.MigrationVersion(t.Context(), db.URL)
	require.NoError(t, err)
	assert.True(t, dirty)
}

func TestMigrate_URLs(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)

	postgresql := "postgresql" + strings.TrimPrefix(db.URL, "postgres")
	assert.NoError(t, postgres.MigrateUp(t.Context(), postgresql), "postgresql:// is accepted too")
	err := postgres.MigrateUp(t.Context(), "mysql://crm:secret@localhost/crm")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "secret")
	assert.Error(t, postgres.MigrateDown(t.Context(), db.URL, 0), "zero steps is refused, not everything")
}

func TestConnect_ReachesTheDatabase(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)

	pool, err := postgres.Connect(t.Context(), db.URL, postgres.Timeouts{})
	require.NoError(t, err)
	defer pool.Close()
	assert.NoError(t, pool.Ping(t.Context()))
	assert.Equal(t, "0", show(t, pool, "statement_timeout"), "no bound unless asked")

	_, err = postgres.Connect(t.Context(), "postgres://crm:wrong-password@127.0.0.1:1/crm?connect_timeout=2", postgres.Timeouts{})
	assert.Error(t, err)
}

func TestConnect_ServingTimeoutsBoundEveryStatementUnlessTheURLSaysOtherwise(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)

	pool, err := postgres.Connect(t.Context(), db.URL, postgres.ServingTimeouts)
	require.NoError(t, err)
	defer pool.Close()
	assert.Equal(t, "8s", show(t, pool, "statement_timeout"))
	assert.Equal(t, "3s", show(t, pool, "lock_timeout"))
	assert.Equal(t, "30s", show(t, pool, "idle_in_transaction_session_timeout"))
	_, err = pool.Exec(t.Context(), `SET statement_timeout = '50ms'; SELECT pg_sleep(1)`)
	assert.ErrorContains(t, err, "statement timeout", "the server ends a statement past its bound")

	own, err := postgres.Connect(t.Context(), db.URL+"&statement_timeout=60000", postgres.ServingTimeouts)
	require.NoError(t, err)
	defer own.Close()
	assert.Equal(t, "1min", show(t, own, "statement_timeout"), "the URL's own setting wins")
}

func show(t *testing.T, pool *pgxpool.Pool, setting string) string {
	t.Helper()
	var v string
	require.NoError(t, pool.QueryRow(t.Context(), "SHOW "+setting).Scan(&v))
	return v
}

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

func tableExists(t *testing.T, db *pgtest.DB, name string) bool {
	t.Helper()
	var exists bool
	require.NoError(t, db.Pool.QueryRow(t.Context(), `SELECT to_regclass($1) IS NOT NULL`, name).Scan(&exists))
	return exists
}

// stepsBackTo is how many migrations take the schema back to just before
// migration n: those numbered n or later. Counted, not subtracted, as a
// branch's migrations may leave a gap in the numbers until they are merged.
func stepsBackTo(t *testing.T, n uint) int {
	t.Helper()
	names, err := fs.Glob(migrations.FS, "*.up.sql")
	require.NoError(t, err)
	steps := 0
	for _, name := range names {
		m, err := strconv.ParseUint(strings.SplitN(name, "_", 2)[0], 10, 32)
		require.NoError(t, err, name)
		if uint(m) >= n {
			steps++
		}
	}
	return steps
}

// latestMigration is the highest migration number in migrations.FS.
func latestMigration(t *testing.T) uint {
	t.Helper()
	names, err := fs.Glob(migrations.FS, "*.up.sql")
	require.NoError(t, err)
	require.NotEmpty(t, names)
	var latest uint
	for _, name := range names {
		n, err := strconv.ParseUint(strings.SplitN(name, "_", 2)[0], 10, 32)
		require.NoError(t, err, name)
		latest = max(latest, uint(n))
	}
	return latest
}

func TestMigrate_TextSavedBeforeIsBroughtToNFCAsANewVersion(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	// Back to the schema before 000008, whatever came after it.
	require.NoError(t, postgres.MigrateDown(t.Context(), db.URL, stepsBackTo(t, 8)))
	const nfd, nfc = "Zoe\u0301", "Zo\u00e9"
	var decomposed, composed int64
	require.NoError(t, db.Pool.QueryRow(t.Context(), `INSERT INTO leads (name, notes) VALUES ($1, $1) RETURNING id`, nfd).Scan(&decomposed))
	require.NoError(t, db.Pool.QueryRow(t.Context(), `INSERT INTO leads (name) VALUES ($1) RETURNING id`, nfc).Scan(&composed))

	require.NoError(t, postgres.MigrateUp(t.Context(), db.URL))

	l, err := postgres.NewLeadRepository(db.Pool).Get(t.Context(), decomposed)
	require.NoError(t, err)
	assert.Equal(t, nfc, l.Fields().Name)
	assert.Equal(t, nfc, l.Fields().Notes)
	assert.Equal(t, int64(2), l.Version(), "the change is a version of its own")
	assert.Equal(t, 2, countRows(t, db.Pool, `SELECT count(*) FROM lead_versions WHERE lead_id = $1`, decomposed))
	untouched, err := postgres.NewLeadRepository(db.Pool).Get(t.Context(), composed)
	require.NoError(t, err)
	assert.Equal(t, int64(1), untouched.Version(), "text already in NFC is left alone")
}

func TestMigrate_ContactsSharingAnEmailKeepTheOldestLive(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	// Back to the schema before 000009, whatever came after it.
	require.NoError(t, postgres.MigrateDown(t.Context(), db.URL, stepsBackTo(t, 9)))
	var ids [3]int64
	for i, email := range []string{"ada@example.com", "ADA@example.com", "grace@navy.mil"} {
		require.NoError(t, db.Pool.QueryRow(t.Context(), `INSERT INTO contacts (name, email) VALUES ('Ada', $1) RETURNING id`, email).Scan(&ids[i]))
	}

	require.NoError(t, postgres.MigrateUp(t.Context(), db.URL))

	repo := postgres.NewContactRepository(db.Pool)
	for i, wantDeleted := range []bool{false, true, false} {
		c, err := repo.Get(t.Context(), ids[i])
		require.NoError(t, err)
		assert.Equal(t, wantDeleted, c.Deleted(), "contact %d", i)
	}
	dup, err := repo.Get(t.Context(), ids[1])
	require.NoError(t, err)
	assert.Equal(t, int64(2), dup.Version(), "deleted as a version of its own")
	assert.Equal(t, "duplicate email", dup.UpdatedBy(), "saying why")
}

func TestMigrate_StatusCountsStartFromTheLeadsAlreadyThere(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	// Back to the schema before 000013, whatever came after it.
	require.NoError(t, postgres.MigrateDown(t.Context(), db.URL, stepsBackTo(t, 13)))
	_, err := db.Pool.Exec(t.Context(), `INSERT INTO leads (name, status) VALUES ('Ada', 'NEW'), ('Grace', 'NEW'), ('Alan', 'LOST')`)
	require.NoError(t, err)
	_, err = db.Pool.Exec(t.Context(), `INSERT INTO leads (name, status, deleted_at) VALUES ('Gone', 'NEW', now())`)
	require.NoError(t, err)

	require.NoError(t, postgres.MigrateUp(t.Context(), db.URL))

	counts, err := postgres.NewLeadRepository(db.Pool).CountByStatus(t.Context())
	require.NoError(t, err)
	assert.Equal(t, map[lead.Status]int{"NEW": 2, "CONTACTED": 0, "QUALIFIED": 0, "CONVERTED": 0, "LOST": 1}, counts, "live leads only")
}

func TestMigrate_TextOwnersBecomeTheUsersTheyName(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	// Back to the schema before the owners (000024), whatever came after.
	require.NoError(t, postgres.MigrateDown(ctx, db.URL, stepsBackBefore(t, "owners")))
	var maria, john int64
	require.NoError(t, db.Pool.QueryRow(ctx, `INSERT INTO users (email, name, password_hash) VALUES ('maria@example.com', 'Maria', 'x') RETURNING id`).Scan(&maria))
	require.NoError(t, db.Pool.QueryRow(ctx, `INSERT INTO users (email, name, password_hash) VALUES ('jsmith@example.com', 'John Smith', 'x') RETURNING id`).Scan(&john))
	_, err := db.Pool.Exec(ctx, `INSERT INTO leads (name, owner, updated_by) VALUES
		('By name', 'maria', 'maria'), ('By email', 'JSmith', 'jsmith'), ('Nobody named', 'farah', 'farah'), ('No owner', '', 'ana')`)
	require.NoError(t, err)
	_, err = db.Pool.Exec(ctx, `UPDATE leads SET score = 10, version = version + 1 WHERE name = 'Nobody named'`)
	require.NoError(t, err)

	require.NoError(t, postgres.MigrateUp(ctx, db.URL))

	owners := map[string]*int64{}
	rows, err := db.Pool.Query(ctx, `SELECT name, owner_id FROM leads`)
	require.NoError(t, err)
	for rows.Next() {
		var name string
		var owner *int64
		require.NoError(t, rows.Scan(&name, &owner))
		owners[name] = owner
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, map[string]*int64{"By name": &maria, "By email": &john, "Nobody named": nil, "No owner": nil}, owners,
		"a name matches ignoring case, as does the part of an email before the @")

	repo := postgres.NewLeadRepository(db.Pool)
	var farahs int64
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT id FROM leads WHERE name = 'Nobody named'`).Scan(&farahs))
	l, err := repo.Get(ctx, farahs)
	require.NoError(t, err)
	assert.Equal(t, int64(2), l.Version(), "the mapping is no save")
	page, err := repo.History(ctx, farahs, record.Paging{})
	require.NoError(t, err)
	require.NotEmpty(t, page.Items)
	assert.Equal(t, "migration", page.Items[0].Actor)
	assert.Equal(t, int64(2), page.Items[0].Version)
	assert.Equal(t, []domain.Change{{Field: lead.FieldOwner, Old: "farah", New: ""}}, page.Items[0].Changes,
		"the text that named nobody stays in the history")
	old, err := repo.Version(ctx, farahs, 1)
	require.NoError(t, err)
	assert.Zero(t, old.Fields().Owner)

	var byName int64
	require.NoError(t, db.Pool.QueryRow(ctx, `SELECT id FROM leads WHERE name = 'By name'`).Scan(&byName))
	first, err := repo.Version(ctx, byName, 1)
	require.NoError(t, err)
	assert.Equal(t, maria, first.Fields().Owner, "kept versions name the user too, so a stale save does not see an owner change")

	// And back: the text comes back, the user's name or the text kept.
	require.NoError(t, postgres.MigrateDown(ctx, db.URL, stepsBackBefore(t, "owners")))
	texts := map[string]string{}
	rows, err = db.Pool.Query(ctx, `SELECT name, owner FROM leads`)
	require.NoError(t, err)
	for rows.Next() {
		var name, owner string
		require.NoError(t, rows.Scan(&name, &owner))
		texts[name] = owner
	}
	require.NoError(t, rows.Err())
	assert.Equal(t, map[string]string{"By name": "Maria", "By email": "John Smith", "Nobody named": "farah", "No owner": ""}, texts)
}
