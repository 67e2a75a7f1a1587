package postgres_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/contact"
	"crm/domain/lead"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
	"crm/usecase/contacts"
	"crm/usecase/imports"
	"crm/usecase/leads"
	"crm/usecase/record"
)

// checked uploads csv as rep by, user owner, and runs its dry run with the
// mapping its header gives, returning the import's id and the dry run's
// report.
func checked[S interface {
	Upload(ctx context.Context, by string, owner int64, name string, content []byte) (imports.Import, error)
	Check(ctx context.Context, by string, id int64, m imports.Mapping, update bool) (imports.Report, error)
}](t *testing.T, svc S, by string, owner int64, csv string, update bool) (int64, imports.Report) {
	t.Helper()
	imp, err := svc.Upload(t.Context(), by, owner, "people.csv", []byte(csv))
	require.NoError(t, err)
	report, err := svc.Check(t.Context(), by, imp.ID, imp.Mapping, update)
	require.NoError(t, err)
	return imp.ID, report
}

// resultsByLine reads every row of import id's report, by line.
func resultsByLine(t *testing.T, each func(context.Context, int64, func(imports.Result) error) error, id int64) map[int]imports.Result {
	t.Helper()
	out := map[int]imports.Result{}
	require.NoError(t, each(t.Context(), id, func(r imports.Result) error { out[r.Line] = r; return nil }))
	return out
}

func TestImport_ARecordEditedAfterTheDryRunIsAConflictAndIsNotOverwritten(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	repo := postgres.NewLeadRepository(db.Pool)
	leadSvc := leads.NewService(repo)
	ada, err := leadSvc.Create(ctx, "john", lead.Fields{Name: "Ada Lovelace", Email: "ada@example.com", Phone: "555 0100", Score: 70})
	require.NoError(t, err)
	bob, err := leadSvc.Create(ctx, "john", lead.Fields{Name: "Bob", Email: "bob@example.com", Company: "Acme"})
	require.NoError(t, err)
	svc := imports.NewService(imports.Leads, postgres.NewLeadImports(db.Pool), nil)
	var maria int64
	require.NoError(t, db.Pool.QueryRow(ctx, `INSERT INTO users (email, name, password_hash) VALUES ('maria@example.com', 'maria', 'x') RETURNING id`).Scan(&maria))

	id, report := checked(t, svc, "maria", maria, "Name,Email,Phone,Score\n"+
		"Ada Lovelace,ADA@example.com,555 0199,\n"+
		"Bob,bob@example.com,555 0200,40\n"+
		"Grace Hopper,grace@example.com,,85\n", true)
	assert.Equal(t, imports.Counts{imports.Update: 2, imports.Create: 1}, report.Counts)
	planned := resultsByLine(t, svc.EachResult, id)
	assert.Equal(t, ada.ID(), planned[2].RecordID)
	assert.Equal(t, int64(1), planned[2].Version, "the version the dry run saw")

	// John saves Ada's score after the dry run.
	saved, err := leadSvc.Save(ctx, "john", ada.ID(), 1, lead.Fields{Name: "Ada Lovelace", Email: "ada@example.com", Phone: "555 0100", Score: 90})
	require.NoError(t, err)
	require.Equal(t, int64(2), saved.Record.Version())

	require.NoError(t, svc.StartNow(ctx, id))
	require.NoError(t, svc.Run(ctx, id, nil))

	done := resultsByLine(t, svc.EachResult, id)
	assert.Equal(t, imports.Conflict, done[2].Outcome)
	assert.Equal(t, fmt.Sprintf("#%d was saved by john since the dry run (version 1, now 2): not overwritten.", ada.ID()), done[2].Reason)
	now, err := repo.Get(ctx, ada.ID())
	require.NoError(t, err)
	assert.Equal(t, int64(2), now.Version(), "nothing was written to Ada")
	assert.Equal(t, "555 0100", now.Fields().Phone)
	assert.Equal(t, 90, now.Fields().Score, "John's save is kept")

	assert.Equal(t, imports.Updated, done[3].Outcome)
	bobNow, err := repo.Get(ctx, bob.ID())
	require.NoError(t, err)
	assert.Equal(t, int64(2), bobNow.Version(), "a compare-and-swap from the version the dry run saw")
	assert.Equal(t, "555 0200", bobNow.Fields().Phone)
	assert.Equal(t, 40, bobNow.Fields().Score)
	assert.Equal(t, "Acme", bobNow.Fields().Company, "a field the file does not have is kept")
	assert.Equal(t, "maria", bobNow.UpdatedBy())
	page, err := repo.History(ctx, bob.ID(), record.Paging{})
	require.NoError(t, err)
	history := page.Items
	require.NotEmpty(t, history)
	assert.Equal(t, lead.EventUpdated, history[0].Name, "an update is in the record's history like any save")
	assert.Equal(t, "maria", history[0].Actor)
	assert.Equal(t, int64(2), history[0].Version)

	assert.Equal(t, imports.Created, done[4].Outcome)
	grace, err := repo.Get(ctx, done[4].RecordID)
	require.NoError(t, err)
	assert.Equal(t, "Grace Hopper", grace.Fields().Name)
	assert.Equal(t, lead.StatusNew, grace.Status())
	assert.Equal(t, "maria", grace.UpdatedBy(), "made by the rep who imported it, as a lead made on the page")
	assert.Equal(t, maria, grace.Fields().Owner, "hers, as a lead she makes on the page is")
	assert.Zero(t, bobNow.Fields().Owner, "an update does not give the record to the importer")
	page, err = repo.History(ctx, grace.ID(), record.Paging{})
	require.NoError(t, err)
	history = page.Items
	require.Len(t, history, 1)
	assert.Equal(t, lead.EventCreated, history[0].Name)
	assert.Equal(t, "maria", history[0].Actor)
	assert.Equal(t, int64(1), history[0].Version)
	assert.Contains(t, history[0].Changes, domain.Change{Field: "score", Old: "0", New: "85"})

	p, err := svc.Progress(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, imports.Progress{Status: imports.StatusDone, Done: 3, Total: 3}, p)
	content, err := svc.Get(ctx, id)
	require.NoError(t, err)
	assert.False(t, content.FinishedAt.IsZero())
	requireExactCounts(t, db.Pool)
}

func TestImport_ResumesAfterAnInterruptedRunAndImportsEachRowOnce(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	svc := imports.NewService(imports.Leads, postgres.NewLeadImports(db.Pool), nil)
	const n = 2*imports.ChunkSize + 500
	var csv strings.Builder
	csv.WriteString("name,company\n") // no emails: only the progress keeps rows from being imported twice
	for i := range n {
		fmt.Fprintf(&csv, "Lead %d,Company %d\n", i, i%7)
	}
	id, _ := checked(t, svc, "maria", 0, csv.String(), false)
	require.NoError(t, svc.StartNow(ctx, id))

	// The instance running it goes away after the first chunk.
	killed, kill := context.WithCancel(ctx)
	err := svc.Run(killed, id, func(imports.Progress) { kill() })
	require.Error(t, err)
	p, err := svc.Progress(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, imports.StatusRunning, p.Status)
	assert.Equal(t, imports.ChunkSize, p.Done, "the progress of the chunk that committed")
	assert.Equal(t, imports.ChunkSize, countRows(t, db.Pool, `SELECT count(*) FROM leads`), "exactly what the progress says")

	// Two instances resume it at once.
	errs := make([]error, 2)
	atOnce(2, func(i int) { errs[i] = svc.Run(context.Background(), id, nil) })
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
	assert.Equal(t, n, countRows(t, db.Pool, `SELECT count(*) FROM leads`))
	assert.Equal(t, n, countRows(t, db.Pool, `SELECT count(DISTINCT name) FROM leads`), "each row once")
	assert.Equal(t, n, countRows(t, db.Pool, `SELECT count(*) FROM activity WHERE event = 'LeadCreated'`))
	assert.Equal(t, n, countRows(t, db.Pool, `SELECT count(*) FROM lead_versions`))
	assert.Equal(t, n, countRows(t, db.Pool, `SELECT count(*) FROM import_rows WHERE import_id = $1 AND outcome = 'created'`, id))
	report, err := svc.Report(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, imports.Counts{imports.Created: n}, report.Counts)
	assert.Equal(t, imports.StatusDone, report.Status)
	content, err := postgres.NewLeadImports(db.Pool).Content(ctx, id)
	require.NoError(t, err)
	assert.Empty(t, content, "the file is dropped once imported")
	requireExactCounts(t, db.Pool)

	assert.NoError(t, svc.Run(ctx, id, nil), "a run of a done import does nothing")
	assert.Equal(t, n, countRows(t, db.Pool, `SELECT count(*) FROM leads`))
}

func TestImport_AContactAddedSinceTheDryRunIsNotDuplicated(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	contactSvc := contacts.NewService(postgres.NewContactRepository(db.Pool))
	svc := imports.NewService(imports.Contacts, postgres.NewContactImports(db.Pool), nil)
	id, report := checked(t, svc, "maria", 0,
		"First name,Last name,E-mail address,Organisation\nAda,Lovelace,ada@example.com,Engines\nGrace,Hopper,grace@example.com,Navy\n", false)
	assert.Equal(t, imports.Counts{imports.Create: 2}, report.Counts)

	// John adds Ada by hand meanwhile; contacts have one per email.
	added, err := contactSvc.Create(ctx, "john", contact.Fields{Name: "Ada L.", Email: "Ada@Example.com"})
	require.NoError(t, err)
	require.NoError(t, svc.StartNow(ctx, id))
	require.NoError(t, svc.Run(ctx, id, nil))

	done := resultsByLine(t, svc.EachResult, id)
	assert.Equal(t, imports.Duplicate, done[2].Outcome)
	assert.Equal(t, added.ID(), done[2].RecordID)
	assert.Contains(t, done[2].Reason, "added since the dry run")
	assert.Equal(t, imports.Created, done[3].Outcome)
	grace, err := contactSvc.Get(ctx, done[3].RecordID)
	require.NoError(t, err)
	assert.Equal(t, contact.Fields{Name: "Grace Hopper", Email: "grace@example.com", Company: "Navy"}, grace.Fields())
	assert.Equal(t, 2, countRows(t, db.Pool, `SELECT count(*) FROM contacts`))
	assert.Equal(t, 1, countRows(t, db.Pool, `SELECT count(*) FROM activity WHERE aggregate_kind = 'contact' AND aggregate_id = $1`, grace.ID()))
}

func TestImport_AStartedImportCannotBeCheckedAgain(t *testing.T) {
	t.Parallel()
	db := pgtest.New(t)
	ctx := t.Context()
	svc := imports.NewService(imports.Leads, postgres.NewLeadImports(db.Pool), nil)
	imp, err := svc.Upload(ctx, "maria", 0, "a.csv", []byte("name\nAda\n"))
	require.NoError(t, err)
	assert.ErrorContains(t, svc.StartNow(ctx, imp.ID), "Check the file (the dry run) before importing it.")
	_, err = svc.Check(ctx, "maria", imp.ID, imp.Mapping, false)
	require.NoError(t, err)
	require.NoError(t, svc.StartNow(ctx, imp.ID))
	_, err = svc.Check(ctx, "maria", imp.ID, imp.Mapping, true)
	assert.ErrorContains(t, err, "This import is running, so it cannot be checked again.")
	assert.ErrorContains(t, svc.StartNow(ctx, imp.ID), "This import is running, so it cannot be started.")
	_, err = svc.Check(ctx, "john", imp.ID, imp.Mapping, true)
	assert.ErrorContains(t, err, "Only maria, who uploaded this file, can import it")

	contactImports := imports.NewService(imports.Contacts, postgres.NewContactImports(db.Pool), nil)
	_, err = contactImports.Get(ctx, imp.ID)
	assert.ErrorContains(t, err, "import 1 not found", "a lead import is not a contact import")
}
