package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"crm/usecase/admin"
)

var _ admin.Log = (*AuditLog)(nil)

// AuditLog keeps the audit log in the audit table (migration 000011).
type AuditLog struct{ db querier }

// NewAuditLog returns the AuditLog over pool.
func NewAuditLog(pool *pgxpool.Pool) *AuditLog { return &AuditLog{db: pool} }

// Record appends e, stamped with the database's time.
func (l *AuditLog) Record(ctx context.Context, e admin.Entry) error {
	_, err := l.db.Exec(ctx, `INSERT INTO audit (actor, action, target, done, detail) VALUES ($1, $2, $3, $4, $5)`,
		e.Actor, e.Action, e.Target, e.Done, e.Detail)
	if err != nil {
		return failed("record audit entry", err)
	}
	return nil
}

// auditRow is one row of audit.
type auditRow struct {
	ID     int64     `db:"id"`
	At     time.Time `db:"at"`
	Actor  string    `db:"actor"`
	Action string    `db:"action"`
	Target string    `db:"target"`
	Done   bool      `db:"done"`
	Detail string    `db:"detail"`
}

// List returns up to limit entries older than entry before (all for 0),
// newest first.
func (l *AuditLog) List(ctx context.Context, before int64, limit int) ([]admin.Entry, error) {
	rows, err := l.db.Query(ctx, `SELECT id, at, actor, action, target, done, detail FROM audit
		WHERE $1 = 0 OR id < $1 ORDER BY id DESC LIMIT $2`, before, limit)
	if err != nil {
		return nil, failed("read audit log", err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByName[auditRow])
	if err != nil {
		return nil, failed("read audit log", err)
	}
	out := make([]admin.Entry, len(got))
	for i, r := range got {
		out[i] = admin.Entry{ID: r.ID, At: r.At, Actor: r.Actor, Action: r.Action, Target: r.Target, Done: r.Done, Detail: r.Detail}
	}
	return out, nil
}
