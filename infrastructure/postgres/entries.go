package postgres

import (
	"context"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"crm/domain/entry"
	"crm/usecase/entries"
)

var _ entries.Repository = (*EntryRepository)(nil)

// EntryRepository stores entries in the entries table; store has the
// writes and reads every aggregate shares, this file the entry's row, SQL
// and a record's timeline of them.
type EntryRepository struct {
	store[*entry.Entry, entryRow]
}

// NewEntryRepository returns an EntryRepository over pool.
func NewEntryRepository(pool *pgxpool.Pool) *EntryRepository {
	return &EntryRepository{entriesTable.on(pool)}
}

// entryRow is one row of entries (or entry_versions) as stored.
type entryRow struct {
	stamps
	Type       string    `db:"type"`
	Body       string    `db:"body"`
	Outcome    string    `db:"outcome"`
	Duration   int       `db:"duration"`
	RecordKind string    `db:"record_kind"`
	RecordID   int64     `db:"record_id"`
	AuthorID   int64     `db:"author_id"`
	Author     string    `db:"author"`
	OccurredAt time.Time `db:"occurred_at"`
	Hidden     bool      `db:"hidden"`
}

const entryColumns = `id, type, body, outcome, duration, record_kind, record_id, author_id, author, occurred_at, hidden, ` + stampColumns

var entriesTable = table[*entry.Entry, entryRow]{
	kind: entry.Kind, name: "entries", columns: entryColumns,
	insert: `
INSERT INTO entries (type, body, outcome, duration, record_kind, record_id, author_id, author, occurred_at, hidden, updated_by)
VALUES (@type, @body, @outcome, @duration, @record_kind, @record_id, @author_id, @author, @occurred_at, @hidden, @updated_by)
RETURNING ` + entryColumns,
	// The record, the author and when it happened are not written: an
	// entry keeps them from when it was logged.
	update: `
UPDATE entries
SET type = @type, body = @body, outcome = @outcome, duration = @duration, hidden = @hidden,
    ` + stampUpdate + `
WHERE id = @id AND version = @version
RETURNING ` + entryColumns,
	versions: `SELECT ` + entryColumns + ` FROM entry_versions WHERE id = $1`,
	history:  ownEvents,
	toDomain: func(r entryRow) *entry.Entry {
		return stamped(entry.Rehydrate(entry.Snapshot{
			Fields: entry.Fields{Type: entry.Type(r.Type), Body: r.Body, Outcome: entry.Outcome(r.Outcome), Duration: r.Duration},
			Record: entry.Ref{Kind: r.RecordKind, ID: r.RecordID}, Author: entry.Author{ID: r.AuthorID, Name: r.Author},
			OccurredAt: r.OccurredAt.UTC(), Hidden: r.Hidden,
		}), r.stamps)
	},
	args: func(e *entry.Entry) pgx.NamedArgs {
		f, rec, a := e.Fields(), e.RecordRef(), e.Author()
		return pgx.NamedArgs{"type": string(f.Type), "body": f.Body, "outcome": string(f.Outcome), "duration": f.Duration,
			"record_kind": rec.Kind, "record_id": rec.ID, "author_id": a.ID, "author": a.Name,
			"occurred_at": e.OccurredAt(), "hidden": e.Hidden(), "updated_by": e.UpdatedBy()}
	},
}

// recordEntries is one page of a record's timeline of entries: the row
// comparison on (occurred_at, id) goes down entries_timeline_idx from the
// cursor on, whose predicate the query repeats.
const recordEntries = `SELECT ` + entryColumns + ` FROM entries
WHERE record_kind = $1 AND record_id = $2 AND deleted_at IS NULL AND (occurred_at, id) < ($3, $4)
ORDER BY occurred_at DESC, id DESC LIMIT $5`

// OfRecord returns at most limit live entries of rec, newest first,
// strictly older than after.
func (r *EntryRepository) OfRecord(ctx context.Context, rec entry.Ref, after entries.Cursor, limit int) ([]*entry.Entry, error) {
	at, id := after.At, after.ID
	if at.IsZero() {
		at, id = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), math.MaxInt64
	}
	out, err := r.all(ctx, recordEntries, rec.Kind, rec.ID, at, id, limit)
	if err != nil {
		return nil, failed("select entries", err)
	}
	return out, nil
}
