package postgres

import (
	"context"
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

// newestEntries and olderEntries are pages of a record's timeline of
// entries: each goes down entries_timeline_idx, whose predicate they
// repeat, the second from the cursor on, by the row comparison on
// (occurred_at, id). The cursor's occurred_at is read from its row by the
// primary key, as it never changes. Two statements rather than one with an
// OR on the cursor, which a generic plan could not turn into an index
// condition.
const (
	newestEntries = `SELECT ` + entryColumns + ` FROM entries
WHERE record_kind = $1 AND record_id = $2 AND deleted_at IS NULL
ORDER BY occurred_at DESC, id DESC LIMIT $3`
	olderEntries = `SELECT ` + entryColumns + ` FROM entries
WHERE record_kind = $1 AND record_id = $2 AND deleted_at IS NULL
  AND (occurred_at, id) < ((SELECT occurred_at FROM entries WHERE id = $4), $4)
ORDER BY occurred_at DESC, id DESC LIMIT $3`
)

// OfRecord returns at most limit live entries of rec, newest first, after
// entry after (0 for the newest).
func (r *EntryRepository) OfRecord(ctx context.Context, rec entry.Ref, after int64, limit int) ([]*entry.Entry, error) {
	var out []*entry.Entry
	var err error
	if after == 0 {
		out, err = r.all(ctx, newestEntries, rec.Kind, rec.ID, limit)
	} else {
		out, err = r.all(ctx, olderEntries, rec.Kind, rec.ID, limit, after)
	}
	if err != nil {
		return nil, failed("select entries", err)
	}
	return out, nil
}
