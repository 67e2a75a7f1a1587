package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"crm/domain/entry"
	"crm/usecase/trash"
)

var (
	_ trash.Repository = (*TrashRepository)(nil)
	_ trash.Purger     = (*TrashRepository)(nil)
)

// TrashRepository reads the deleted rows of every aggregate's table, and
// purges them.
type TrashRepository struct{ db querier }

// NewTrashRepository returns a TrashRepository over pool.
func NewTrashRepository(pool *pgxpool.Pool) *TrashRepository { return &TrashRepository{db: pool} }

// trashed is every deleted row as a Trash item; each branch reads its
// table's partial index on deleted_at, which holds deleted rows only. A
// saved view is there only for the rep who could see it (@viewer's own,
// or shared), as it is everywhere else; an entry only for its author, the
// one who may restore it, titled by its type and the start of its text.
const trashed = `(
  SELECT 'lead' AS kind, id, version, name AS title, updated_by, deleted_at FROM leads WHERE deleted_at IS NOT NULL
  UNION ALL
  SELECT 'contact', id, version, name, updated_by, deleted_at FROM contacts WHERE deleted_at IS NOT NULL
  UNION ALL
  SELECT 'deal', id, version, title, updated_by, deleted_at FROM deals WHERE deleted_at IS NOT NULL
  UNION ALL
  SELECT 'view', id, version, name, updated_by, deleted_at FROM saved_views
  WHERE deleted_at IS NOT NULL AND (shared OR owner_id = @viewer)
  UNION ALL
  SELECT 'task', id, version, title, updated_by, deleted_at FROM tasks WHERE deleted_at IS NOT NULL
  UNION ALL
  SELECT 'entry', id, version,
         initcap(type) || CASE WHEN body ~ '[^[:space:]]' THEN ': ' || left(btrim(regexp_replace(body, '\s+', ' ', 'g')), 60) ELSE '' END,
         updated_by, deleted_at FROM entries
  WHERE deleted_at IS NOT NULL AND author_id = @viewer
) AS trashed`

// trashRow is one row of trashed.
type trashRow struct {
	Kind      string    `db:"kind"`
	ID        int64     `db:"id"`
	Version   int64     `db:"version"`
	Title     string    `db:"title"`
	UpdatedBy string    `db:"updated_by"`
	DeletedAt time.Time `db:"deleted_at"`
}

// List returns one page of deleted records, most recently deleted first.
func (r *TrashRepository) List(ctx context.Context, q trash.Query) (trash.Page, error) {
	args := pgx.NamedArgs{"limit": q.Limit + 1, "viewer": q.Viewer}
	where := ""
	if q.After != nil {
		where = ` WHERE (deleted_at, kind, id) < (@at, @kind, @id)`
		args["at"], args["kind"], args["id"] = q.After.At, q.After.Kind, q.After.ID
	}
	rows, err := r.db.Query(ctx, `SELECT kind, id, version, title, updated_by, deleted_at FROM `+trashed+where+
		` ORDER BY deleted_at DESC, kind DESC, id DESC LIMIT @limit`, args)
	if err != nil {
		return trash.Page{}, failed("select trash", err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByName[trashRow])
	if err != nil {
		return trash.Page{}, failed("select trash", err)
	}
	var page trash.Page
	for i, row := range got {
		if i == q.Limit {
			last := page.Items[i-1]
			page.Next = &trash.Cursor{At: last.DeletedAt, Kind: last.Kind, ID: last.ID}
			break
		}
		page.Items = append(page.Items, trash.Item{Kind: row.Kind, ID: row.ID, Version: row.Version,
			Title: row.Title, DeletedBy: row.UpdatedBy, DeletedAt: row.DeletedAt})
	}
	return page, nil
}

// purges are the statements of a purge, deals first: a deal purged frees
// its lead and contact to be purged in the same run. A lead or contact a
// deal still refers to stays (the deal's history names it) until the deal
// is purged too. Each removes the rows, their versions and their activity.
var purges = []struct {
	kind, table, versions, versionID, unreferenced string
}{
	{"entry", "entries", "entry_versions", "id", ""},
	{"deal", "deals", "deal_versions", "id", ""},
	{"lead", "leads", "lead_versions", "lead_id", ` AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.lead_id = t.id)`},
	{"contact", "contacts", "contact_versions", "id", ` AND NOT EXISTS (SELECT 1 FROM deals d WHERE d.contact_id = t.id)`},
	{"view", "saved_views", "saved_view_versions", "id", ""},
	{"task", "tasks", "task_versions", "id", ""},
}

// Purge removes for good, in one transaction, every record deleted before
// before: its row, every saved version and its history. It is the one
// hard delete, and a deliberate act (crm purge, or an admin in the
// browser): until then a delete can be undone from the Trash.
func (r *TrashRepository) Purge(ctx context.Context, before time.Time) (trash.Purged, error) {
	var n trash.Purged
	counts := map[string]*int64{"deal": &n.Deals, "lead": &n.Leads, "contact": &n.Contacts, "view": &n.Views, "task": &n.Tasks, "entry": &n.Entries}
	err := transact(ctx, r.db.Begin, "purge", func(tx pgx.Tx) error {
		for _, p := range purges {
			var ids []int64
			rows, err := tx.Query(ctx, `DELETE FROM `+p.table+` t WHERE deleted_at < $1`+p.unreferenced+` RETURNING id`, before)
			if err == nil {
				ids, err = pgx.CollectRows(rows, pgx.RowTo[int64])
			}
			if err != nil {
				return failed("purge "+p.table, err)
			}
			if _, err := tx.Exec(ctx, `DELETE FROM `+p.versions+` WHERE `+p.versionID+` = ANY($1)`, ids); err != nil {
				return failed("purge "+p.versions, err)
			}
			if _, err := tx.Exec(ctx, `DELETE FROM activity WHERE aggregate_kind = $1 AND aggregate_id = ANY($2)`, p.kind, ids); err != nil {
				return failed("purge "+p.kind+" activity", err)
			}
			*counts[p.kind] = int64(len(ids))
			gone, err := purgeEntriesOf(ctx, tx, p.kind, ids)
			if err != nil {
				return failed("purge", err)
			}
			n.Entries += gone
		}
		return nil
	})
	if err != nil {
		return trash.Purged{}, err
	}
	return n, nil
}

// purgeEntriesOf removes for good the timeline entries of the records of
// kind ids, purged in the same transaction, live or deleted: an entry is
// about its record and is not to outlive it. It returns how many.
func purgeEntriesOf(ctx context.Context, tx pgx.Tx, kind string, ids []int64) (int64, error) {
	if !slices.Contains(entry.RecordKinds, kind) || len(ids) == 0 {
		return 0, nil
	}
	rows, err := tx.Query(ctx, `DELETE FROM entries WHERE record_kind = $1 AND record_id = ANY($2) RETURNING id`, kind, ids)
	if err != nil {
		return 0, fmt.Errorf("purge the entries of %ss: %w", kind, err)
	}
	entries, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return 0, fmt.Errorf("purge the entries of %ss: %w", kind, err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM entry_versions WHERE id = ANY($1)`, entries); err != nil {
		return 0, fmt.Errorf("purge the entries' versions of %ss: %w", kind, err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM activity WHERE aggregate_kind = $1 AND aggregate_id = ANY($2)`, entry.Kind, entries); err != nil {
		return 0, fmt.Errorf("purge the entries' activity of %ss: %w", kind, err)
	}
	return int64(len(entries)), nil
}
