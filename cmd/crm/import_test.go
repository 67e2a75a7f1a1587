package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/cmd/crm/app"
	"crm/domain/lead"
	"crm/domain/user"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
	"crm/usecase/imports"
	"crm/usecase/leads"
)

// csvFile writes content to a file of the test's and returns its path.
func csvFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
	return path
}

func TestImportCommandLineMistakesShowUsageAndExit2(t *testing.T) {
	t.Parallel()
	db := map[string]string{"DATABASE_URL": "postgres://crm:crm@127.0.0.1:1/crm"}
	file := csvFile(t, "a.csv", "name\nAda\n")
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"import"}, "import needs what to import and a file"},
		{[]string{"import", "leads"}, "import needs what to import and a file"},
		{[]string{"import", "deals", file}, `import takes leads or contacts, got "deals"`},
		{[]string{"import", "leads", file, "b.csv"}, "import needs what to import and a file"},
		{[]string{"import", "leads", file, "--as", " "}, "--as needs the name"},
		{[]string{"import", "leads", file, "--now"}, "flag provided but not defined: -now"},
	} {
		code, stdout, stderr := runCrm(t, db, tc.args...)
		assert.Equal(t, exitUsage, code, tc.args)
		assert.Empty(t, stdout, tc.args)
		assert.Contains(t, stderr, tc.says, tc.args)
	}
}

func TestImportCommandRefusesABadFileWithExit1AndWritesNothing(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	vars := map[string]string{"DATABASE_URL": db.URL}
	for name, c := range map[string]struct{ content, says string }{
		"ragged":   {"name,email\nAda,ada@example.com\nGrace\n", "refused: Line 3 has 1 cell but the header has 2"},
		"latin1":   {"name\nZo\xe9\n", "refused: Line 2 is not UTF-8"},
		"no name":  {"E-mail,Company\nada@example.com,Engines\n", "refused: No column is mapped to Name"},
		"no file?": {"", "refused: The file is empty"},
	} {
		for _, dry := range []string{"", "--dry-run"} {
			args := []string{"import", "leads", csvFile(t, "bad.csv", c.content)}
			if dry != "" {
				args = append(args, dry)
			}
			code, _, stderr := runCrm(t, vars, args...)
			assert.Equal(t, exitFail, code, name)
			assert.Contains(t, stderr, "crm import: "+c.says, name)
		}
	}
	code, _, stderr := runCrm(t, vars, "import", "leads", filepath.Join(t.TempDir(), "missing.csv"))
	assert.Equal(t, exitFail, code)
	assert.Contains(t, stderr, "open the file to import")

	var n int
	require.NoError(t, db.Pool.QueryRow(t.Context(), `SELECT (SELECT count(*) FROM imports) + (SELECT count(*) FROM leads)`).Scan(&n))
	assert.Zero(t, n, "no import and no lead was stored")
}

func TestImportCommandDryRunsThenImports(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	vars := map[string]string{"DATABASE_URL": db.URL}
	leadSvc := leads.NewService(postgres.NewLeadRepository(db.Pool))
	ada, err := leadSvc.Create(t.Context(), "john", lead.Fields{Name: "Ada Lovelace", Email: "ada@example.com"})
	require.NoError(t, err)
	file := csvFile(t, "fair.csv", "\xef\xbb\xbfName,E-mail,Lead score,Colour\n"+
		"Ada Lovelace,ada@example.com,90,green\n"+
		"Grace Hopper,grace@example.com,85,blue\n"+
		"Eve,eve@example.com,@SUM(1),red\n")

	code, stdout, stderr := runCrm(t, vars, "import", "leads", file, "--dry-run", "--update")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "fair.csv: 3 rows. The file began with a byte order mark; it was removed.\n")
	assert.Contains(t, stdout, `  "Lead score" → Score`+"\n")
	assert.Contains(t, stdout, `  "Colour" → not imported`+"\n")
	assert.Contains(t, stdout, fmt.Sprintf("line 2: update (/leads/%d): Updates #%d Ada Lovelace (version 1): Score.\n", ada.ID(), ada.ID()))
	assert.Contains(t, stdout, `line 4: invalid: "Lead score" looks like a spreadsheet formula ("@SUM(1)"): formulas are not imported.`)
	assert.Regexp(t, `Dry run: 3 rows: 1 create, 1 update, 1 invalid \(.*\)\.\nNothing was written\.\n$`, stdout)
	unchanged, err := leadSvc.Get(t.Context(), ada.ID())
	require.NoError(t, err)
	assert.Equal(t, int64(1), unchanged.Version(), "a dry run writes nothing")

	code, stdout, stderr = runCrm(t, vars, "import", "leads", file, "--update", "--as", "maria")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, fmt.Sprintf("line 2: updated (/leads/%d)", ada.ID()))
	assert.Regexp(t, `Imported: 3 rows: 1 created, 1 updated, 1 invalid \(.*\)\.\n$`, stdout)
	updated, err := leadSvc.Get(t.Context(), ada.ID())
	require.NoError(t, err)
	assert.Equal(t, 90, updated.Fields().Score)
	assert.Equal(t, "maria", updated.UpdatedBy())

	code, stdout, stderr = runCrm(t, vars, "import", "leads", file)
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `Imported: 3 rows: 2 duplicate, 1 invalid`, stdout, "a second import of the file adds nobody twice")
}

func TestImportCommandResumesAnInterruptedImportOfTheSameFile(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	vars := map[string]string{"DATABASE_URL": db.URL}
	var content strings.Builder
	content.WriteString("name\n")
	for i := range imports.ChunkSize + 10 {
		fmt.Fprintf(&content, "Lead %d\n", i)
	}
	file := csvFile(t, "big.csv", content.String())
	// An import of the file started by a process that died before its
	// first chunk.
	svc := app.NewLeadImports(db.Pool, nil)
	imp, err := svc.Upload(t.Context(), "maria", 0, "big.csv", []byte(content.String()))
	require.NoError(t, err)
	_, err = svc.Check(t.Context(), "maria", imp.ID, imp.Mapping, false)
	require.NoError(t, err)
	require.NoError(t, svc.StartNow(t.Context(), imp.ID))

	code, stdout, stderr := runCrm(t, vars, "import", "leads", file)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, fmt.Sprintf("Resuming import %d of big.csv (by maria) at row 1 of %d.\n", imp.ID, imports.ChunkSize+10))
	assert.Contains(t, stdout, fmt.Sprintf("Imported: %d rows: %d created", imports.ChunkSize+10, imports.ChunkSize+10))
	assert.Contains(t, stderr, fmt.Sprintf("import: %d/%d rows (100%%)", imports.ChunkSize+10, imports.ChunkSize+10))
	var n int
	require.NoError(t, db.Pool.QueryRow(t.Context(), `SELECT count(*) FROM leads`).Scan(&n))
	assert.Equal(t, imports.ChunkSize+10, n)
}

func TestUserNamedFindsTheOneUserAnImportIsMadeAs(t *testing.T) {
	users := []user.User{{ID: 1, Email: "maria@example.com", Name: "Maria"}, {ID: 2, Email: "john@example.com", Name: "John"},
		{ID: 3, Email: "john.b@example.com", Name: "John"}}
	for _, c := range []struct {
		as   string
		want int64
	}{
		{"maria@example.com", 1}, {"MARIA@example.com", 1}, {"maria", 1},
		{"john", 0},               // two users have that name
		{"john.b@example.com", 3}, // an email is one user's
		{"import", 0},
	} {
		u, ok := userNamed(users, c.as)
		assert.Equal(t, c.want != 0, ok, c.as)
		assert.Equal(t, c.want, u.ID, c.as)
	}
}
