package postgres

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"crm/domain"
	"crm/domain/contact"
	"crm/domain/lead"
	"crm/usecase/imports"
	"crm/usecase/record"
)

var (
	_ imports.Store[*lead.Lead]         = (*ImportStore[*lead.Lead, leadRow])(nil)
	_ imports.Store[*contact.Contact]   = (*ImportStore[*contact.Contact, contactRow])(nil)
	_ imports.ChunkTx[*contact.Contact] = chunkTx[*contact.Contact, contactRow]{}
)

// ImportStore keeps the imports of one kind of record (the imports and
// import_rows tables of migration 000019) and writes the records they
// import into the kind's table.
type ImportStore[A domain.AggregateRoot, R any] struct {
	pool *pgxpool.Pool
	t    *table[A, R]
}

// NewLeadImports returns the ImportStore of lead imports over pool.
func NewLeadImports(pool *pgxpool.Pool) *ImportStore[*lead.Lead, leadRow] {
	return &ImportStore[*lead.Lead, leadRow]{pool: pool, t: &leadsTable}
}

// NewContactImports returns the ImportStore of contact imports over pool.
func NewContactImports(pool *pgxpool.Pool) *ImportStore[*contact.Contact, contactRow] {
	return &ImportStore[*contact.Contact, contactRow]{pool: pool, t: &contactsTable}
}

// importRow is one row of imports as stored, but its content.
type importRow struct {
	ID         int64       `db:"id"`
	Kind       string      `db:"kind"`
	By         string      `db:"created_by"`
	Owner      *int64      `db:"owner_id"`
	FileName   string      `db:"file_name"`
	SHA256     []byte      `db:"content_sha256"`
	Header     []string    `db:"header"`
	Sample     []sampleRow `db:"sample"`
	BOM        bool        `db:"bom"`
	Separator  string      `db:"separator"`
	Mapping    []string    `db:"mapping"`
	Update     bool        `db:"update_existing"`
	Status     string      `db:"status"`
	RowsTotal  int         `db:"rows_total"`
	RowsDone   int         `db:"rows_done"`
	CreatedAt  time.Time   `db:"created_at"`
	FinishedAt *time.Time  `db:"finished_at"`
}

// sampleRow is one row of the preview's sample, as JSON in imports.sample.
type sampleRow struct {
	Line  int      `json:"line"`
	Cells []string `json:"cells"`
}

const importColumns = `id, kind, created_by, owner_id, file_name, content_sha256, header, sample, bom, separator, mapping,
    update_existing, status, rows_total, rows_done, created_at, finished_at`

func (r importRow) toDomain() imports.Import {
	imp := imports.Import{ID: r.ID, Kind: r.Kind, By: r.By, Owner: ownerOf(r.Owner), FileName: r.FileName, SHA256: r.SHA256, Header: r.Header,
		BOM: r.BOM, Mapping: imports.Mapping(r.Mapping), Update: r.Update, Status: imports.Status(r.Status),
		RowsTotal: r.RowsTotal, RowsDone: r.RowsDone, CreatedAt: r.CreatedAt}
	for _, s := range r.Sample {
		imp.Sample = append(imp.Sample, imports.DataRow{Line: s.Line, Cells: s.Cells})
	}
	if sep := []rune(r.Separator); len(sep) == 1 {
		imp.Separator = sep[0]
	}
	if r.FinishedAt != nil {
		imp.FinishedAt = *r.FinishedAt
	}
	return imp
}

func (s *ImportStore[A, R]) notFound(id int64) error {
	return &domain.NotFoundError{Kind: imports.Noun, ID: id}
}

// Add stores a new import of content.
func (s *ImportStore[A, R]) Add(ctx context.Context, imp imports.Import, content []byte) (imports.Import, error) {
	sample := make([]sampleRow, len(imp.Sample))
	for i, r := range imp.Sample {
		sample[i] = sampleRow{Line: r.Line, Cells: r.Cells}
	}
	mapping := []string(imp.Mapping)
	if mapping == nil {
		mapping = []string{}
	}
	rows, err := s.pool.Query(ctx, `
INSERT INTO imports (kind, created_by, owner_id, file_name, content, content_sha256, header, sample, bom, separator, mapping, rows_total)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
RETURNING `+importColumns,
		s.t.kind, imp.By, ownerArg(imp.Owner), imp.FileName, content, imp.SHA256, imp.Header, sample, imp.BOM, string(imp.Separator), mapping, imp.RowsTotal)
	if err != nil {
		return imports.Import{}, failedCommit("insert import", err)
	}
	row, err := pgx.CollectOneRow(rows, pgx.RowToStructByName[importRow])
	if err != nil {
		return imports.Import{}, failedCommit("insert import", err)
	}
	return row.toDomain(), nil
}

// Get returns import id, or a *domain.NotFoundError when it does not
// exist or is an import of another kind.
func (s *ImportStore[A, R]) Get(ctx context.Context, id int64) (imports.Import, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+importColumns+` FROM imports WHERE id = $1 AND kind = $2`, id, s.t.kind)
	if err != nil {
		return imports.Import{}, failed("select import", err)
	}
	row, err := pgx.CollectOneRow(rows, pgx.RowToStructByName[importRow])
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return imports.Import{}, s.notFound(id)
	case err != nil:
		return imports.Import{}, failed("select import", err)
	}
	return row.toDomain(), nil
}

// Content returns the file of import id.
func (s *ImportStore[A, R]) Content(ctx context.Context, id int64) ([]byte, error) {
	var content []byte
	err := s.pool.QueryRow(ctx, `SELECT content FROM imports WHERE id = $1 AND kind = $2`, id, s.t.kind).Scan(&content)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return nil, s.notFound(id)
	case err != nil:
		return nil, failed("select import content", err)
	}
	return content, nil
}

// Recent returns the newest imports of the kind, newest first.
func (s *ImportStore[A, R]) Recent(ctx context.Context, limit int) ([]imports.Import, error) {
	return s.list(ctx, `SELECT `+importColumns+` FROM imports WHERE kind = $1 ORDER BY id DESC LIMIT $2`, s.t.kind, limit)
}

// Running returns the newest running import of a file with sha.
func (s *ImportStore[A, R]) Running(ctx context.Context, sha []byte) (imports.Import, error) {
	got, err := s.list(ctx, `SELECT `+importColumns+` FROM imports
WHERE kind = $1 AND content_sha256 = $2 AND status = 'running' ORDER BY id DESC LIMIT 1`, s.t.kind, sha)
	if err != nil {
		return imports.Import{}, err
	}
	if len(got) == 0 {
		return imports.Import{}, s.notFound(0)
	}
	return got[0], nil
}

func (s *ImportStore[A, R]) list(ctx context.Context, sql string, args ...any) ([]imports.Import, error) {
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, failed("select imports", err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByName[importRow])
	if err != nil {
		return nil, failed("select imports", err)
	}
	out := make([]imports.Import, len(got))
	for i, r := range got {
		out[i] = r.toDomain()
	}
	return out, nil
}

// Check stores the dry run of import id, its rows in place of an earlier
// dry run's, in one transaction: a page never reads half of one.
func (s *ImportStore[A, R]) Check(ctx context.Context, id int64, m imports.Mapping, update bool, rows []imports.Result) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// The row lock taken here makes a second check, or a start, of the
		// same import wait for this one.
		tag, err := tx.Exec(ctx, `
UPDATE imports SET mapping = $3, update_existing = $4, status = 'checked', checked_at = now()
WHERE id = $1 AND kind = $2 AND status IN ('uploaded', 'checked')`, id, s.t.kind, []string(m), update)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return s.whyNot(ctx, tx, id, "checked again")
		}
		if _, err := tx.Exec(ctx, `DELETE FROM import_rows WHERE import_id = $1`, id); err != nil {
			return err
		}
		_, err = tx.CopyFrom(ctx, pgx.Identifier{"import_rows"},
			[]string{"import_id", "seq", "line", "planned", "reason", "hint", "record_id", "version"},
			pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
				r := rows[i]
				return []any{id, r.Seq, r.Line, string(r.Planned), r.Reason, r.Hint, nullID(r.RecordID), nullID(r.Version)}, nil
			}))
		return err
	})
	return s.refusedOr("store import check", err)
}

// Start moves import id from checked to running.
func (s *ImportStore[A, R]) Start(ctx context.Context, id int64) error {
	tag, err := s.pool.Exec(ctx, `
UPDATE imports SET status = 'running', heartbeat_at = now()
WHERE id = $1 AND kind = $2 AND status = 'checked'`, id, s.t.kind)
	if err != nil {
		return failedCommit("start import", err)
	}
	if tag.RowsAffected() == 0 {
		return s.refusedOr("start import", s.whyNot(ctx, s.pool, id, "started"))
	}
	return nil
}

// whyNot says why import id could not be what: it does not exist, or
// where it stands makes it impossible (a *domain.RuleError).
func (s *ImportStore[A, R]) whyNot(ctx context.Context, q querier, id int64, what string) error {
	var status string
	err := q.QueryRow(ctx, `SELECT status FROM imports WHERE id = $1 AND kind = $2`, id, s.t.kind).Scan(&status)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return s.notFound(id)
	case err != nil:
		return err
	}
	return imports.CannotBe(imports.Status(status), what)
}

// refusedOr passes the domain's refusals and not-found errors through
// and wraps any other error as a failure of op.
func (s *ImportStore[A, R]) refusedOr(op string, err error) error {
	var rule *domain.RuleError
	if err == nil || errors.As(err, &rule) || errors.Is(err, domain.ErrNotFound) {
		return err
	}
	return failed(op, err)
}

// Progress returns how far import id has come.
func (s *ImportStore[A, R]) Progress(ctx context.Context, id int64) (imports.Progress, error) {
	var p imports.Progress
	var status string
	err := s.pool.QueryRow(ctx, `
SELECT status, rows_done, rows_total,
       status = 'running' AND coalesce(heartbeat_at < now() - make_interval(secs => $3), false)
FROM imports WHERE id = $1 AND kind = $2`, id, s.t.kind, imports.StallAfter.Seconds()).Scan(&status, &p.Done, &p.Total, &p.Stalled)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return p, s.notFound(id)
	case err != nil:
		return p, failed("select import progress", err)
	}
	p.Status = imports.Status(status)
	return p, nil
}

// Counts counts the rows of import id by outcome (or plan, until run).
func (s *ImportStore[A, R]) Counts(ctx context.Context, id int64) (imports.Counts, error) {
	rows, err := s.pool.Query(ctx, `
SELECT coalesce(outcome, planned), count(*) FROM import_rows WHERE import_id = $1 GROUP BY 1`, id)
	if err != nil {
		return nil, failed("count import rows", err)
	}
	counts := imports.Counts{}
	var outcome string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&outcome, &n}, func() error {
		counts[imports.Outcome(outcome)] = n
		return nil
	})
	if err != nil {
		return nil, failed("count import rows", err)
	}
	return counts, nil
}

// worthReading are the rows of a report a rep should read: all but the
// rows created (or to be) without a hint.
const worthReading = `(coalesce(outcome, planned) NOT IN ('create', 'created') OR hint <> '')`

const resultColumns = `seq, line, planned, coalesce(outcome, ''), reason, hint, coalesce(record_id, 0), coalesce(version, 0)`

// Results returns the rows of import id worth reading, the first limit of them,
// and how many there are.
func (s *ImportStore[A, R]) Results(ctx context.Context, id int64, limit int) ([]imports.Result, int, error) {
	var total int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM import_rows WHERE import_id = $1 AND `+worthReading, id).Scan(&total)
	if err != nil {
		return nil, 0, failed("count import rows", err)
	}
	var out []imports.Result
	err = eachResult(ctx, s.pool, func(r imports.Result) error { out = append(out, r); return nil }, `
SELECT `+resultColumns+` FROM import_rows
WHERE import_id = $1 AND `+worthReading+` ORDER BY seq LIMIT $2`, id, limit)
	if err != nil {
		return nil, 0, failed("select import rows", err)
	}
	return out, total, nil
}

// All calls fn with every row of import id, in file order.
func (s *ImportStore[A, R]) All(ctx context.Context, id int64, fn func(imports.Result) error) error {
	err := eachResult(ctx, s.pool, fn, `SELECT `+resultColumns+` FROM import_rows WHERE import_id = $1 ORDER BY seq`, id)
	if err != nil {
		return s.refusedOr("select import rows", err)
	}
	return nil
}

// eachResult calls fn with each row sql (selecting resultColumns) reads.
func eachResult(ctx context.Context, q querier, fn func(imports.Result) error, sql string, args ...any) error {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	var r imports.Result
	var planned, outcome string
	_, err = pgx.ForEachRow(rows, []any{&r.Seq, &r.Line, &planned, &outcome, &r.Reason, &r.Hint, &r.RecordID, &r.Version},
		func() error {
			r.Planned, r.Outcome = imports.Outcome(planned), imports.Outcome(outcome)
			return fn(r)
		})
	return err
}

func nullID(n int64) *int64 {
	if n == 0 {
		return nil
	}
	return &n
}

// ByEmail returns the live records whose email, in lower case, is one of
// emails, by that email, newest first.
func (s *ImportStore[A, R]) ByEmail(ctx context.Context, emails []string) (map[string][]A, error) {
	return byEmail(ctx, s.pool, s.t, emails)
}

// ByNameCompany returns the ids of the live records whose name and
// company are one of pairs, compared in lower case, newest first.
func (s *ImportStore[A, R]) ByNameCompany(ctx context.Context, pairs []imports.NameCompany) (map[imports.NameCompany][]int64, error) {
	out := map[imports.NameCompany][]int64{}
	if len(pairs) == 0 {
		return out, nil
	}
	names, companies := make([]string, len(pairs)), make([]string, len(pairs))
	for i, p := range pairs {
		names[i], companies[i] = p.Name, p.Company
	}
	// Each name is looked up in the index on lower(name), as in byEmail.
	rows, err := s.pool.Query(ctx, `
SELECT k.name, k.company, t.id
FROM unnest($1::text[], $2::text[]) AS k(name, company)
CROSS JOIN LATERAL (
    SELECT id, deleted_at FROM `+s.t.name+` WHERE lower(name) = lower(k.name) AND lower(company) = lower(k.company) OFFSET 0
) AS t
WHERE t.`+live+`
ORDER BY t.id DESC`, lookupMode, names, companies)
	if err != nil {
		return nil, failed("select "+s.t.name+" by name and company", err)
	}
	var p imports.NameCompany
	var id int64
	_, err = pgx.ForEachRow(rows, []any{&p.Name, &p.Company, &id}, func() error {
		out[p] = append(out[p], id)
		return nil
	})
	if err != nil {
		return nil, failed("select "+s.t.name+" by name and company", err)
	}
	return out, nil
}

// lookupMode plans an import's lookups each time they run. An import
// grows its table from one chunk to the next, faster than autovacuum
// analyzes it: a prepared statement's generic plan, made while the table
// was small, may read the whole table for every chunk, while a plan made
// for the run at hand sees the table's current size.
const lookupMode = pgx.QueryExecModeExec

// byEmail finds, on q, the live records of t whose email is one of
// emails in lower case. Which email found which record is read from the
// emails as given, so the caller's keys find them whatever case rules
// the two sides lower by.
func byEmail[A domain.AggregateRoot, R any](ctx context.Context, q querier, t *table[A, R], emails []string) (map[string][]A, error) {
	out := map[string][]A{}
	if len(emails) == 0 {
		return out, nil
	}
	// Each email is looked up in the index on lower(email)
	// (leads_email_prefix_idx, contacts_email_idx), by a lateral join, and
	// is planned at each run (lookupMode). OFFSET 0 keeps "live" out of the
	// lookup: with it inside, the planner (its statistics behind a table an
	// import grows) combined the email index with a partial index of every
	// live row, and read all of them for each email (1.6 ms an email at
	// 50,000 leads, against 0.003 ms).
	rows, err := q.Query(ctx, `
SELECT k.email, t.id
FROM unnest($1::text[]) AS k(email)
CROSS JOIN LATERAL (
    SELECT id, deleted_at FROM `+t.name+` WHERE lower(email) = lower(k.email) AND email <> '' OFFSET 0
) AS t
WHERE t.`+live+`
ORDER BY t.id DESC`, lookupMode, emails)
	if err != nil {
		return nil, failed("select "+t.name+" by email", err)
	}
	found := map[string][]int64{}
	var ids []int64
	var email string
	var id int64
	_, err = pgx.ForEachRow(rows, []any{&email, &id}, func() error {
		found[email] = append(found[email], id)
		ids = append(ids, id)
		return nil
	})
	if err != nil {
		return nil, failed("select "+t.name+" by email", err)
	}
	byID, err := load(ctx, q, t, ids)
	if err != nil {
		return nil, err
	}
	for email, ids := range found {
		for _, id := range ids {
			if a, ok := byID[id]; ok {
				out[email] = append(out[email], a)
			}
		}
	}
	return out, nil
}

// load reads the records ids of t, by id.
func load[A domain.AggregateRoot, R any](ctx context.Context, q querier, t *table[A, R], ids []int64) (map[int64]A, error) {
	out := make(map[int64]A, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.Query(ctx, `SELECT `+t.columns+` FROM `+t.name+` WHERE id = ANY($1)`, lookupMode, ids)
	if err != nil {
		return nil, failed("select "+t.name, err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByName[R])
	if err != nil {
		return nil, failed("select "+t.name, err)
	}
	for _, row := range got {
		a := t.toDomain(row)
		out[a.ID()] = a
	}
	return out, nil
}

// Chunk runs fn in one READ COMMITTED transaction whose first statement
// moves import id's progress from from to to, if it still stands at from
// and is running; the last chunk also marks it done and drops its file.
// That row stays locked until the commit, so a second run of the import
// waits here, then finds the progress moved and gets imports.ErrMoved,
// writing nothing: each chunk is imported once, however many runs there
// are, and a run killed half-way leaves the progress of the last chunk
// it committed.
func (s *ImportStore[A, R]) Chunk(ctx context.Context, id int64, from, to int,
	fn func(ctx context.Context, tx imports.ChunkTx[A]) error) error {
	var fnErr error
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		// A chunk's statements take milliseconds, but the planner, whose
		// statistics lag behind a table the import grows, costs its lookups
		// high enough to compile them first (JIT): 266 ms a lookup, against
		// 6 ms to run it.
		if _, err := tx.Exec(ctx, `SET LOCAL jit = off`); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `
UPDATE imports SET rows_done = $4, heartbeat_at = now(),
    status = CASE WHEN $4 = rows_total THEN 'done' ELSE status END,
    finished_at = CASE WHEN $4 = rows_total THEN now() END,
    content = CASE WHEN $4 = rows_total THEN ''::bytea ELSE content END
WHERE id = $1 AND kind = $2 AND status = 'running' AND rows_done = $3`, id, s.t.kind, from, to)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return imports.ErrMoved
		}
		fnErr = fn(ctx, chunkTx[A, R]{tx: tx, t: s.t, id: id, from: from, to: to})
		return fnErr
	})
	switch {
	case errors.Is(err, imports.ErrMoved):
		return imports.ErrMoved
	case fnErr != nil:
		return fnErr
	case err != nil:
		return failed("import chunk", err)
	}
	return nil
}

// chunkTx is one chunk of an import, rows from to to of import id, in its
// transaction.
type chunkTx[A domain.AggregateRoot, R any] struct {
	tx       pgx.Tx
	t        *table[A, R]
	id       int64
	from, to int
}

func (c chunkTx[A, R]) Planned(ctx context.Context) ([]imports.Result, error) {
	var out []imports.Result
	err := eachResult(ctx, c.tx, func(r imports.Result) error { out = append(out, r); return nil }, `
SELECT `+resultColumns+` FROM import_rows WHERE import_id = $1 AND seq >= $2 AND seq < $3 ORDER BY seq`,
		c.id, c.from, c.to)
	if err != nil {
		return nil, failed("select import rows", err)
	}
	return out, nil
}

func (c chunkTx[A, R]) ByEmail(ctx context.Context, emails []string) (map[string][]A, error) {
	return byEmail(ctx, c.tx, c.t, emails)
}

func (c chunkTx[A, R]) Load(ctx context.Context, ids []int64) (map[int64]A, error) {
	return load(ctx, c.tx, c.t, ids)
}

// Records is the kind's repository on the chunk's transaction: each of
// its writes is a savepoint in it (see store.atomically), so a refused
// update leaves the chunk's other rows to commit.
func (c chunkTx[A, R]) Records() record.Repository[A] {
	st := c.t.on(c.tx)
	return &st
}

// CreateMany stores as, new records, as Create stores one (the same
// columns from the table's args, the same events in activity, the
// triggers of versions and lead status counts fired by the statement) and
// returns their ids, each at version 1. It copies them in bulk, with ids
// drawn from the table's own sequence first, so each record's events name
// its id; and sends no live notice, as nobody has a page open on a record
// that did not exist.
func (c chunkTx[A, R]) CreateMany(ctx context.Context, as []A) ([]int64, error) {
	if len(as) == 0 {
		return nil, nil
	}
	ids := make([]int64, 0, len(as))
	rows, err := c.tx.Query(ctx, `SELECT nextval(pg_get_serial_sequence($1, 'id')) FROM generate_series(1, $2)`, c.t.name, len(as))
	if err != nil {
		return nil, failed("draw "+c.t.name+" ids", err)
	}
	var id int64
	if _, err := pgx.ForEachRow(rows, []any{&id}, func() error { ids = append(ids, id); return nil }); err != nil {
		return nil, failed("draw "+c.t.name+" ids", err)
	}
	slices.Sort(ids) // records in file order get ids in file order

	args := make([]pgx.NamedArgs, len(as))
	for i, a := range as {
		args[i] = c.t.args(a)
	}
	columns := slices.Sorted(func(yield func(string) bool) {
		for name := range args[0] {
			if !yield(name) {
				return
			}
		}
	})
	_, err = c.tx.CopyFrom(ctx, pgx.Identifier{c.t.name}, append([]string{"id"}, columns...),
		pgx.CopyFromSlice(len(as), func(i int) ([]any, error) {
			values := make([]any, 0, len(columns)+1)
			values = append(values, ids[i])
			for _, name := range columns {
				values = append(values, args[i][name])
			}
			return values, nil
		}))
	if err != nil {
		st := c.t.on(c.tx)
		if refused := st.refused(err); refused != nil {
			return nil, refused
		}
		return nil, failed("copy "+c.t.name, err)
	}

	var events [][]any
	for i, a := range as {
		for _, ev := range a.DomainEvents() {
			changes, refs := ev.Changes, ev.Refs
			if changes == nil {
				changes = []domain.Change{}
			}
			if refs == nil {
				refs = map[string]int64{}
			}
			events = append(events, []any{c.t.kind, ids[i], int64(1), ev.Name, ev.Actor, changes, refs})
		}
	}
	_, err = c.tx.CopyFrom(ctx, pgx.Identifier{"activity"},
		[]string{"aggregate_kind", "aggregate_id", "version", "event", "actor", "changes", "refs"}, pgx.CopyFromRows(events))
	if err != nil {
		return nil, failed("copy "+c.t.kind+" events", err)
	}
	for _, a := range as {
		a.ClearEvents()
	}
	return ids, nil
}

// Done stores what the chunk did with its rows.
func (c chunkTx[A, R]) Done(ctx context.Context, rows []imports.Result) error {
	seqs, outcomes, reasons := make([]int, len(rows)), make([]string, len(rows)), make([]string, len(rows))
	recordIDs := make([]int64, len(rows))
	for i, r := range rows {
		seqs[i], outcomes[i], reasons[i], recordIDs[i] = r.Seq, string(r.Outcome), r.Reason, r.RecordID
	}
	_, err := c.tx.Exec(ctx, `
UPDATE import_rows r SET outcome = u.outcome, reason = u.reason, record_id = nullif(u.record_id, 0)
FROM unnest($2::int[], $3::text[], $4::text[], $5::bigint[]) AS u(seq, outcome, reason, record_id)
WHERE r.import_id = $1 AND r.seq = u.seq`, c.id, seqs, outcomes, reasons, recordIDs)
	if err != nil {
		return failed("store import rows", err)
	}
	return nil
}
