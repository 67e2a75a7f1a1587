package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"crm/domain"
)

// querier is what repositories run statements on: the pool, or the
// transaction of a unit of work. Begin on a transaction opens a savepoint,
// so a repository's own transaction nests inside a unit of work.
type querier interface {
	Begin(ctx context.Context) (pgx.Tx, error)
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

const insertActivity = `
INSERT INTO activity (aggregate_kind, aggregate_id, version, event, actor, changes, refs)
VALUES ($1, $2, $3, $4, $5, $6, $7)`

// recordEvents writes an aggregate's events, stamped with its id and the
// version the save produced, and announces the save on savedChannel.
// Callers run it in the transaction of the save, so both happen if and only
// if the save commits: PostgreSQL delivers a NOTIFY at commit and drops it
// on rollback.
func recordEvents(ctx context.Context, q querier, kind string, id, version int64, events []domain.Event) error {
	if len(events) == 0 {
		return nil
	}
	saved := domain.Saved{Kind: kind, ID: id, Version: version, Actor: events[len(events)-1].Actor,
		Event: events[len(events)-1].Name, Fields: []string{}, At: time.Now()}
	for _, ev := range events {
		if ev.Name == domain.EventDeleted || ev.Name == domain.EventRestored {
			// What open pages must hear first, even when the restore also
			// saved fields.
			saved.Event = ev.Name
		}
		for _, c := range ev.Changes {
			if !slices.Contains(saved.Fields, c.Field) {
				saved.Fields = append(saved.Fields, c.Field)
			}
		}
	}
	payload, err := json.Marshal(saved)
	if err != nil {
		return fmt.Errorf("encode save notice: %w", err)
	}
	if _, err := q.Exec(ctx, `SELECT pg_notify($1, $2)`, savedChannel, string(payload)); err != nil {
		return failed("notify save", err)
	}
	for _, ev := range events {
		changes, refs := ev.Changes, ev.Refs
		if changes == nil {
			changes = []domain.Change{}
		}
		if refs == nil {
			refs = map[string]int64{}
		}
		if _, err := q.Exec(ctx, insertActivity, kind, id, version, ev.Name, ev.Actor, changes, refs); err != nil {
			return failed(fmt.Sprintf("record %s event", ev.Name), err)
		}
	}
	return nil
}

type activityRow struct {
	Kind       string           `db:"aggregate_kind"`
	ID         int64            `db:"aggregate_id"`
	Version    int64            `db:"version"`
	Event      string           `db:"event"`
	Actor      string           `db:"actor"`
	Changes    []domain.Change  `db:"changes"`
	Refs       map[string]int64 `db:"refs"`
	OccurredAt time.Time        `db:"occurred_at"`
}

// maxHistory bounds one history page; older entries are not shown.
const maxHistory = 200

// ownEvents are the events of one aggregate: $1 is its kind, $2 its id.
const ownEvents = `(SELECT * FROM activity WHERE aggregate_kind = $1 AND aggregate_id = $2) AS events`

// readHistory returns the recorded events of source, newest first. source
// is ownEvents or another constant FROM item over $1 (the kind) and $2
// (the id), never user input.
func readHistory(ctx context.Context, q querier, source, kind string, id int64) ([]domain.RecordedEvent, error) {
	rows, err := q.Query(ctx, `
SELECT aggregate_kind, aggregate_id, version, event, actor, changes, refs, occurred_at
FROM `+source+`
ORDER BY id DESC LIMIT $3`, kind, id, maxHistory)
	if err != nil {
		return nil, failed("select activity", err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByName[activityRow])
	if err != nil {
		return nil, failed("select activity", err)
	}
	out := make([]domain.RecordedEvent, len(got))
	for i, r := range got {
		out[i] = domain.RecordedEvent{
			Kind: r.Kind, AggregateID: r.ID, Version: r.Version, At: r.OccurredAt,
			Event: domain.Event{Name: r.Event, Actor: r.Actor, Changes: r.Changes, Refs: r.Refs},
		}
	}
	return out, nil
}
