package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"crm/domain"
	"crm/usecase/record"
)

// table describes how one kind of aggregate is stored: the SQL that reads
// and writes its rows and how a row becomes the aggregate. It is what
// varies between kinds; store is the code that does not.
type table[A domain.AggregateRoot, R any] struct {
	kind string // e.g. "lead", as activity and errors name it
	name string // the table, e.g. "leads"
	// columns is the select list a row R is read from (pgx matches R's db
	// tags to it by name, so a column without a field fails loudly).
	columns string
	// insert stores a new row from the named arguments of args and returns
	// columns; update is the compare-and-swap: it writes only where id =
	// @id AND version = @version and bumps the version in the same
	// statement, so two saves from one version can never both succeed.
	insert, update string
	// versions selects the saved versions of aggregate $1 from the
	// *_versions table the triggers fill, as the same columns; the store
	// adds the conditions on version.
	versions string
	// history is the FROM item of the aggregate's history (see readHistory).
	history  string
	toDomain func(R) A
	// args returns the columns a save may set, named as insert and update
	// name them. Id, version and the timestamps are the database's to set.
	args func(A) pgx.NamedArgs
	// title names a record for the rep a save gives it to (see
	// domain.Saved.To); nil for a kind nobody owns.
	title func(A) string
	// refused turns the violation of a constraint a rep can cause, on an
	// insert or an update, into the domain error that says so, and returns
	// nil for anything else; nil when the table has none.
	refused func(error) error
}

// stamps are the columns every aggregate's row has besides its own state,
// domain.Meta with column names: a row struct embeds it, and pgx reads its
// fields as the row's own.
type stamps struct {
	ID        int64      `db:"id"`
	Version   int64      `db:"version"`
	CreatedAt time.Time  `db:"created_at"`
	UpdatedAt time.Time  `db:"updated_at"`
	UpdatedBy string     `db:"updated_by"`
	DeletedAt *time.Time `db:"deleted_at"` // NULL while not deleted
}

// stampColumns are the columns of stamps, for every select list.
const stampColumns = `version, created_at, updated_at, updated_by, deleted_at`

// stampUpdate sets the stamps of a row an update saves: the version and
// when and by whom, and deleted_at when the aggregate was deleted (kept from
// the delete on) or restored.
const stampUpdate = `updated_by = @updated_by, updated_at = now(), version = version + 1,
    deleted_at = CASE WHEN @deleted::boolean THEN coalesce(deleted_at, now()) END`

// stamped gives a, rehydrated from a row's own columns, the row's stamps.
func stamped[A interface{ Stamp(domain.Meta) }](a A, s stamps) A {
	m := domain.Meta{ID: s.ID, Version: s.Version, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, UpdatedBy: s.UpdatedBy}
	if s.DeletedAt != nil {
		m.DeletedAt = *s.DeletedAt
	}
	a.Stamp(m)
	return a
}

// store keeps the aggregates of one table. Each write is one statement:
// the compare-and-swap on the version column, which also writes the
// aggregate's domain events to activity and announces the save with
// pg_notify (see withEvents); no row lock is held between reading an
// aggregate and saving it. Built over a transaction, as a unit of work
// builds it, each write is a savepoint of that one (see atomically).
type store[A domain.AggregateRoot, R any] struct {
	db querier
	t  *table[A, R]
}

// on returns the store of t over db: the pool, or a unit of work's
// transaction.
func (t *table[A, R]) on(db querier) store[A, R] { return store[A, R]{db: db, t: t} }

func (s *store[A, R]) collect(rows pgx.Rows, err error) (A, error) {
	var zero A
	if err != nil {
		return zero, err
	}
	row, err := pgx.CollectOneRow(rows, pgx.RowToStructByName[R])
	if err != nil {
		return zero, err
	}
	return s.t.toDomain(row), nil
}

// all runs sql, a select of the table's columns, and returns its rows as
// aggregates.
func (s *store[A, R]) all(ctx context.Context, sql string, args ...any) ([]A, error) {
	rows, err := s.db.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByName[R])
	if err != nil {
		return nil, err
	}
	out := make([]A, len(got))
	for i, row := range got {
		out[i] = s.t.toDomain(row)
	}
	return out, nil
}

// titleOf is a's title for its save's notice, "" for a kind without one.
func (s *store[A, R]) titleOf(a A) string {
	if s.t.title == nil {
		return ""
	}
	return s.t.title(a)
}

// refused is the domain's refusal of a write that broke a constraint a
// rep can break, nil for any other error.
func (s *store[A, R]) refused(err error) error {
	if s.t.refused == nil {
		return nil
	}
	return s.t.refused(err)
}

func (s *store[A, R]) notFound(id int64) error { return &domain.NotFoundError{Kind: s.t.kind, ID: id} }

// Create stores a as a new aggregate with its events. The database assigns
// the id, version 1 and both timestamps, so the returned aggregate is what
// a later Get would return. A constraint the rep broke is reported as the
// domain error refused gives.
func (s *store[A, R]) Create(ctx context.Context, a A) (A, error) {
	var created A
	args, err := eventArgs(s.t.args(a), s.t.kind, s.titleOf(a), a.DomainEvents())
	if err == nil {
		err = s.atomically(ctx, func(q querier) (err error) {
			stmt := saveStatement(s.t.insert, args)
			created, err = s.collect(q.Query(ctx, stmt.sql, stmt.values(args)...))
			return err
		})
	}
	if err != nil {
		if refused := s.refused(err); refused != nil {
			return created, fmt.Errorf("create %s: %w", s.t.kind, refused)
		}
		return created, s.failedWrite("create "+s.t.kind, err)
	}
	a.ClearEvents()
	return created, nil
}

// atomically runs write, one statement, so that its failure inside a unit
// of work leaves the unit's transaction usable: there it gets a savepoint.
// On the pool a statement is atomic by itself, and the BEGIN and COMMIT of
// a transaction around it would only cost two round trips.
func (s *store[A, R]) atomically(ctx context.Context, write func(querier) error) error {
	if _, inUnit := s.db.(pgx.Tx); inUnit {
		return pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error { return write(tx) })
	}
	return write(s.db)
}

// failedWrite wraps the error of a write by atomically. On the pool the
// write commits by itself, so a connection lost after sending it leaves its
// outcome unknown (failedCommit); in a unit of work it is a savepoint, and
// such a loss rolls the whole transaction back.
func (s *store[A, R]) failedWrite(op string, err error) error {
	if _, inUnit := s.db.(pgx.Tx); inUnit {
		return failed(op, err)
	}
	return failedCommit(op, err)
}

// Get returns aggregate id, or a *domain.NotFoundError.
func (s *store[A, R]) Get(ctx context.Context, id int64) (A, error) {
	return s.read(ctx, id, `SELECT `+s.t.columns+` FROM `+s.t.name+` WHERE id = $1`, id)
}

// Version returns aggregate id as it was saved at version, or a
// *domain.NotFoundError when that version was never saved.
func (s *store[A, R]) Version(ctx context.Context, id, version int64) (A, error) {
	return s.read(ctx, id, s.t.versions+` AND version = $2`, id, version)
}

// Versions returns aggregate id as saved at every version from from to to,
// both included, oldest first; none for an aggregate never saved.
func (s *store[A, R]) Versions(ctx context.Context, id, from, to int64) ([]A, error) {
	out, err := s.all(ctx, s.t.versions+` AND version BETWEEN $2 AND $3 ORDER BY version`, id, from, to)
	if err != nil {
		return nil, failed("select "+s.t.kind+" versions", err)
	}
	return out, nil
}

// Lock returns aggregate id if it is still at version and holds its row
// lock until the surrounding transaction ends, so a unit of work can check
// the version first and write the aggregate last without anyone saving in
// between. A concurrent Lock or save waits for that transaction, then sees
// the new version and gets a *domain.OptimisticLockError. Outside a unit of
// work the lock ends with the statement, so only the check remains.
func (s *store[A, R]) Lock(ctx context.Context, id, version int64) (A, error) {
	a, err := s.read(ctx, id, `SELECT `+s.t.columns+` FROM `+s.t.name+` WHERE id = $1 FOR UPDATE`, id)
	if err == nil && a.Version() != version {
		var zero A
		return zero, staleVersion(s.t.kind, id, version, a.Version())
	}
	return a, err
}

// read runs a query of aggregate id's row.
func (s *store[A, R]) read(ctx context.Context, id int64, sql string, args ...any) (A, error) {
	a, err := s.collect(s.db.Query(ctx, sql, args...))
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return a, s.notFound(id)
	case err != nil:
		return a, failed("select "+s.t.kind, err)
	}
	return a, nil
}

// Update loads aggregate id, checks it is still at version, lets apply
// change it and, when apply reports a change, saves it at version+1
// together with the events apply recorded. It returns a
// *domain.NotFoundError (also when the aggregate is deleted meanwhile), a
// *domain.OptimisticLockError when someone else saved first, or apply's
// error unchanged; on any error nothing is written, events included. It
// does not retry: a stale save is the rep's to resolve.
func (s *store[A, R]) Update(ctx context.Context, id, version int64, apply func(A) (changed bool, err error)) (A, error) {
	current, err := s.Get(ctx, id)
	if err != nil {
		return current, err
	}
	if current.Version() != version {
		// Checked before apply so a stale caller never sees its change
		// validated against an aggregate it did not start from.
		var zero A
		return zero, staleVersion(s.t.kind, id, version, current.Version())
	}
	return s.UpdateLoaded(ctx, current, apply)
}

// UpdateLoaded is Update of current as the caller read it, at its version,
// without reading it again: for a caller that has just read it to check a
// precondition (an API write checks If-Match). The compare-and-swap still
// catches any save made since that read.
func (s *store[A, R]) UpdateLoaded(ctx context.Context, current A, apply func(A) (changed bool, err error)) (A, error) {
	var zero A
	id, version := current.ID(), current.Version()
	changed, err := apply(current)
	if err != nil {
		return zero, err
	}
	if !changed {
		// The version checked, as stored, rather than current, which apply
		// may have touched while reporting no change; and rather than what
		// is stored now, which may be a newer version someone else wrote:
		// a write that wrote nothing must not answer with another's.
		return s.Version(ctx, id, version)
	}
	args, err := eventArgs(s.t.args(current), s.t.kind, s.titleOf(current), current.DomainEvents())
	if err != nil {
		return zero, err
	}
	args["id"], args["version"], args["deleted"] = id, version, current.Deleted()
	var saved A
	err = s.atomically(ctx, func(q querier) (err error) {
		stmt := saveStatement(s.t.update, args)
		saved, err = s.collect(q.Query(ctx, stmt.sql, stmt.values(args)...))
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return zero, s.whyMissed(ctx, id, version)
	}
	if err != nil {
		if refused := s.refused(err); refused != nil {
			return zero, refused
		}
		return zero, s.failedWrite("update "+s.t.kind, err)
	}
	current.ClearEvents()
	return saved, nil
}

// History returns one page of aggregate id's recorded events, newest
// first, paged by event id.
func (s *store[A, R]) History(ctx context.Context, id int64, p record.Paging) (record.Page[domain.RecordedEvent], error) {
	return readHistory(ctx, s.db, s.t.history, s.t.kind, id, p)
}

// live is the condition of the rows lists show: those not deleted.
const live = `deleted_at IS NULL`

// page reads one page of the live aggregates matching where, conditions over
// the named args, newest first and paged by id (keyset): a page is as fast
// deep in the list as at its start, and aggregates added meanwhile do not
// shift later pages. mode is how the statement is planned (see planMode).
func (s *store[A, R]) page(ctx context.Context, where []string, args pgx.NamedArgs, p record.Paging, mode pgx.QueryExecMode) (record.Page[A], error) {
	return s.sortedPage(ctx, where, args, p, ordering{}, mode)
}

// ordering is the order of a page: by the SQL expression key, then by id,
// both ways. A zero ordering is newest first by id alone.
type ordering struct {
	key   string // "" for the id alone
	asc   bool
	after any // the key of the last row shown, with p.After its id
	// fixed says the key never changes once a row is stored (its creation
	// time), so a cursor needs only the id: the key is read from that row.
	fixed bool
	// join brings the key from a table of its own, whose column id names
	// the row (its index ends with it).
	join, id string
}

// idColumn is the column that breaks ties of the key.
func (o ordering) idColumn() string {
	if o.id != "" {
		return o.id
	}
	return `id`
}

// orderBy is the ORDER BY of o.
func (o ordering) orderBy() string {
	dir := ` DESC`
	if o.asc {
		dir = ` ASC`
	}
	if o.key == "" {
		return `id` + dir
	}
	return o.key + dir + `, ` + o.idColumn() + dir
}

// from is the FROM of table t in the order o.
func (o ordering) from(t string) string {
	if o.join == "" {
		return t
	}
	return t + ` ` + o.join
}

// exportTimeout bounds an export's one statement, which streams a whole
// view at the pace the client downloads it: far longer than a page's.
const exportTimeout = 10 * time.Minute

// each calls fn with every live aggregate matching where, in the order o,
// read from one snapshot by one statement whose rows are decoded one at a
// time, so a million rows take the memory of one.
func (s *store[A, R]) each(ctx context.Context, where []string, args pgx.NamedArgs, o ordering, fn func(A) error) error {
	where = append(where, live)
	var stopped error // fn's own, which says nothing of the database
	err := pgx.BeginFunc(ctx, s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, fmt.Sprintf(`SET LOCAL statement_timeout = %d`, exportTimeout.Milliseconds())); err != nil {
			return err
		}
		rows, err := tx.Query(ctx, `SELECT `+s.t.columns+` FROM `+o.from(s.t.name)+whereClause(where)+` ORDER BY `+o.orderBy(), args)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			row, err := pgx.RowToStructByName[R](rows)
			if err != nil {
				return err
			}
			if stopped = fn(s.t.toDomain(row)); stopped != nil {
				return stopped
			}
		}
		return rows.Err()
	})
	switch {
	case stopped != nil:
		return stopped
	case err != nil:
		return failed("export "+s.t.name, err)
	}
	return nil
}

// sortedPage is page in the order o, paged by keyset on (key, id): the row
// comparison reads the key's index from the last row shown on.
func (s *store[A, R]) sortedPage(ctx context.Context, where []string, args pgx.NamedArgs, p record.Paging, o ordering, mode pgx.QueryExecMode) (record.Page[A], error) {
	where = append(where, live)
	limit := p.Size()
	args["limit"] = limit + 1 // one more tells whether a next page exists
	past := ` < `
	if o.asc {
		past = ` > `
	}
	if p.After > 0 {
		args["after"] = p.After
		if o.key == "" {
			where = append(where, `id`+past+`@after`)
		} else {
			key := `@key`
			if o.fixed {
				key = `(SELECT ` + o.key + ` FROM ` + s.t.name + ` WHERE id = @after)`
			} else {
				args["key"] = o.after
			}
			where = append(where, `(`+o.key+`, `+o.idColumn()+`)`+past+`(`+key+`, @after)`)
		}
	}
	rows, err := s.db.Query(ctx, `SELECT `+s.t.columns+` FROM `+o.from(s.t.name)+whereClause(where)+
		` ORDER BY `+o.orderBy()+` LIMIT @limit`, mode, args)
	if err != nil {
		return record.Page[A]{}, failed("select "+s.t.name, err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByName[R])
	if err != nil {
		return record.Page[A]{}, failed("select "+s.t.name, err)
	}
	more := len(got) > limit
	if more {
		got = got[:limit]
	}
	page := record.Page[A]{Items: make([]A, len(got))}
	for i, row := range got {
		page.Items[i] = s.t.toDomain(row)
	}
	if more {
		page.Next = page.Items[limit-1].ID()
	}
	return page, nil
}

// whyMissed tells why a compare-and-swap on (id, expected) matched no row:
// the aggregate is gone (a *domain.NotFoundError) or at another version
// (the optimistic-lock error with that version).
//
// It asks with a second statement on purpose. Under READ COMMITTED a CAS
// that finds the row locked by a concurrent save waits for it, then re-checks
// the newly committed row and misses; a fallback SELECT inside the same
// statement (a CTE) would still read the statement's older snapshot and
// could answer "you started from 3, it is now at 3". This SELECT takes a
// fresh snapshot after the CAS finished, so it sees at least the state that
// made the CAS miss. Versions only grow and identity ids are never reused,
// so what it reads is either no row (the aggregate was deleted and cannot
// come back) or a version above expected: the current one, possibly newer
// still if more saves landed since, which is the version the rep must start
// from. This needs each statement to take its own snapshot: true on the
// pool, and in READ COMMITTED transactions (a REPEATABLE READ transaction
// gets a serialization failure from the CAS instead of zero rows).
func (s *store[A, R]) whyMissed(ctx context.Context, id, expected int64) error {
	var actual int64
	err := s.db.QueryRow(ctx, `SELECT version FROM `+s.t.name+` WHERE id = $1`, id).Scan(&actual)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return s.notFound(id)
	case err != nil:
		return failed("read version after missed save", err)
	case actual == expected:
		// Unreachable while versions only grow; refuse to report a conflict
		// with itself rather than confuse the rep.
		return fmt.Errorf("save missed but %s %d is still at version %d", s.t.kind, id, actual)
	}
	return staleVersion(s.t.kind, id, expected, actual)
}

// staleVersion is the optimistic-lock error of a caller that started from
// version expected of aggregate kind id, now at version actual.
func staleVersion(kind string, id, expected, actual int64) error {
	return &domain.OptimisticLockError{Kind: kind, ID: id, Expected: expected, Actual: actual}
}
