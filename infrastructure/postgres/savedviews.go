package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"crm/domain/savedview"
	"crm/usecase/record"
	"crm/usecase/savedviews"
)

var _ savedviews.Repository = (*SavedViewRepository)(nil)

// SavedViewRepository stores saved views in the saved_views table; store
// has the writes and reads every aggregate shares, this file the view's
// row, SQL and tabs.
type SavedViewRepository struct {
	store[*savedview.View, savedViewRow]
}

// NewSavedViewRepository returns a SavedViewRepository over pool.
func NewSavedViewRepository(pool *pgxpool.Pool) *SavedViewRepository {
	return &SavedViewRepository{savedViewsTable.on(pool)}
}

// savedViewRow is one row of saved_views (or saved_view_versions) as stored.
type savedViewRow struct {
	stamps
	Name    string `db:"name"`
	Query   string `db:"query"`
	Shared  bool   `db:"shared"`
	OwnerID int64  `db:"owner_id"`
	Owner   string `db:"owner"`
}

const savedViewColumns = `id, name, query, shared, owner_id, owner, ` + stampColumns

var savedViewsTable = table[*savedview.View, savedViewRow]{
	kind: savedview.Kind, name: "saved_views", columns: savedViewColumns,
	insert: `
INSERT INTO saved_views (name, query, shared, owner_id, owner, updated_by)
VALUES (@name, @query, @shared, @owner_id, @owner, @updated_by)
RETURNING ` + savedViewColumns,
	// The owner is not written: a view keeps the rep who saved it.
	update: `
UPDATE saved_views
SET name = @name, query = @query, shared = @shared,
    ` + stampUpdate + `
WHERE id = @id AND version = @version
RETURNING ` + savedViewColumns,
	versions: `SELECT ` + savedViewColumns + ` FROM saved_view_versions WHERE id = $1`,
	history:  ownEvents,
	toDomain: func(r savedViewRow) *savedview.View {
		return stamped(savedview.Rehydrate(savedview.Snapshot{
			Fields: savedview.Fields{Name: r.Name, Query: r.Query, Shared: r.Shared},
			Owner:  savedview.Owner{ID: r.OwnerID, Name: r.Owner},
		}), r.stamps)
	},
	args: func(v *savedview.View) pgx.NamedArgs {
		f, o := v.Fields(), v.Owner()
		return pgx.NamedArgs{"name": f.Name, "query": f.Query, "shared": f.Shared,
			"owner_id": o.ID, "owner": o.Name, "updated_by": v.UpdatedBy()}
	},
}

// visibleViews are a rep's tabs: their own live views (saved_views_owner_idx)
// and every shared one, by name as the lead list sorts names (the ICU root
// collation, migration 000015).
const visibleViews = `SELECT ` + savedViewColumns + ` FROM saved_views
WHERE deleted_at IS NULL AND (owner_id = $1 OR shared)
ORDER BY name COLLATE "und-x-icu", id LIMIT $2`

// Visible returns the live views user rep sees, by name; at most
// record.MaxPageSize.
func (r *SavedViewRepository) Visible(ctx context.Context, rep int64) ([]*savedview.View, error) {
	rows, err := r.db.Query(ctx, visibleViews, rep, record.MaxPageSize)
	if err != nil {
		return nil, failed("select saved views", err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByName[savedViewRow])
	if err != nil {
		return nil, failed("select saved views", err)
	}
	out := make([]*savedview.View, len(got))
	for i, row := range got {
		out[i] = r.t.toDomain(row)
	}
	return out, nil
}
