package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"crm/domain"
	"crm/usecase/record"
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

// withEvents turns write, an INSERT or UPDATE of one aggregate's row
// RETURNING its columns, into one statement that also records the
// aggregate's events (named argument events, see eventArgs) in activity and
// announces the save on savedChannel (notice), and that returns what write
// returns. One statement, so the save, its events and its notice commit
// together or not at all (PostgreSQL delivers a NOTIFY at commit and drops
// it on rollback), in one round trip and without a transaction around it;
// and when write matches no row (a compare-and-swap that missed) nothing is
// recorded or announced.
//
// The notice carries the id and version the statement wrote; a connection
// started with crm.live_notices = off (LIVE_NOTICES=off) sends none, for
// deployments where nobody listens.
func withEvents(write string) string {
	return `
WITH saved AS (` + write + `),
recorded AS (
    INSERT INTO activity (aggregate_kind, aggregate_id, version, event, actor, changes, refs)
    SELECT @aggregate_kind, saved.id, saved.version, e.ev->>'event', e.ev->>'actor', e.ev->'changes', e.ev->'refs'
    FROM saved CROSS JOIN jsonb_array_elements(@events::jsonb) WITH ORDINALITY AS e(ev, n)
    ORDER BY e.n
),
announced AS (
    SELECT CASE WHEN @notice::jsonb IS NOT NULL
                 AND current_setting('` + liveNoticesSetting + `', true) IS DISTINCT FROM 'off'
           THEN pg_notify('` + savedChannel + `', jsonb_set(jsonb_set(@notice::jsonb,
                '{id}', to_jsonb(saved.id)), '{version}', to_jsonb(saved.version))::text)
           END
    FROM saved
)
SELECT saved.* FROM saved CROSS JOIN announced`
}

// activityEvent is one event as withEvents reads it.
type activityEvent struct {
	Event   string           `json:"event"`
	Actor   string           `json:"actor"`
	Changes []domain.Change  `json:"changes"`
	Refs    map[string]int64 `json:"refs"`
}

// eventArgs adds to args what withEvents records of events, the events of
// an aggregate of kind named title: the events in order, and the notice of
// the save (none when there is no event, as for a save that changed
// nothing), which names the user the save gave the aggregate to, if any.
func eventArgs(args pgx.NamedArgs, kind, title string, events []domain.Event) (pgx.NamedArgs, error) {
	recorded := make([]activityEvent, len(events))
	var notice []byte
	if len(events) > 0 {
		saved := domain.Saved{Kind: kind, Actor: events[len(events)-1].Actor,
			Event: events[len(events)-1].Name, Fields: []string{}, At: time.Now()}
		for i, ev := range events {
			if ev.Name == domain.EventDeleted || ev.Name == domain.EventRestored {
				// What open pages must hear first, even when the restore also
				// saved fields.
				saved.Event = ev.Name
			}
			for _, c := range ev.Changes {
				if !slices.Contains(saved.Fields, c.Field) {
					saved.Fields = append(saved.Fields, c.Field)
				}
				if c.Field == domain.FieldOwner {
					saved.To, _ = domain.ParseOwner(c.Field, c.New)
				}
			}
			recorded[i] = activityEvent{Event: ev.Name, Actor: ev.Actor, Changes: ev.Changes, Refs: ev.Refs}
			if recorded[i].Changes == nil {
				recorded[i].Changes = []domain.Change{}
			}
			if recorded[i].Refs == nil {
				recorded[i].Refs = map[string]int64{}
			}
		}
		if saved.To != 0 {
			saved.Title = title
		}
		var err error
		if notice, err = json.Marshal(saved); err != nil {
			return nil, fmt.Errorf("encode save notice: %w", err)
		}
	}
	encoded, err := json.Marshal(recorded)
	if err != nil {
		return nil, fmt.Errorf("encode events: %w", err)
	}
	args["aggregate_kind"], args["events"] = kind, string(encoded)
	if notice != nil {
		args["notice"] = string(notice)
	} else {
		args["notice"] = nil
	}
	return args, nil
}

type activityRow struct {
	Seq        int64            `db:"id"`
	Kind       string           `db:"aggregate_kind"`
	ID         int64            `db:"aggregate_id"`
	Version    int64            `db:"version"`
	Event      string           `db:"event"`
	Actor      string           `db:"actor"`
	Changes    []domain.Change  `db:"changes"`
	Refs       map[string]int64 `db:"refs"`
	OccurredAt time.Time        `db:"occurred_at"`
}

// ownEvents are one page of the events of one aggregate, newest first: $1
// is its kind, $2 its id, $3 the id the page starts below, $4 its size.
const ownEvents = `(SELECT * FROM activity WHERE aggregate_kind = $1 AND aggregate_id = $2 AND id < $3
ORDER BY id DESC LIMIT $4) AS events`

// readHistory returns the page p asks for of the recorded events of
// source, newest first. source is ownEvents or another constant FROM item
// over $1 (the kind), $2 (the id), $3 (the id a page starts below) and $4
// (how many it holds at most), never user input.
func readHistory(ctx context.Context, q querier, source, kind string, id int64, p record.Paging) (record.Page[domain.RecordedEvent], error) {
	before := int64(math.MaxInt64)
	if p.After > 0 {
		before = p.After
	}
	limit := p.Size()
	rows, err := q.Query(ctx, `
SELECT id, aggregate_kind, aggregate_id, version, event, actor, changes, refs, occurred_at
FROM `+source+`
ORDER BY id DESC LIMIT $4`, kind, id, before, limit+1) // one more tells whether older ones remain
	if err != nil {
		return record.Page[domain.RecordedEvent]{}, failed("select activity", err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByName[activityRow])
	if err != nil {
		return record.Page[domain.RecordedEvent]{}, failed("select activity", err)
	}
	page := record.Page[domain.RecordedEvent]{Items: make([]domain.RecordedEvent, 0, min(len(got), limit))}
	for _, r := range got[:min(len(got), limit)] {
		page.Items = append(page.Items, domain.RecordedEvent{
			ID: r.Seq, Kind: r.Kind, AggregateID: r.ID, Version: r.Version, At: r.OccurredAt,
			Event: domain.Event{Name: r.Event, Actor: r.Actor, Changes: r.Changes, Refs: r.Refs},
		})
	}
	if len(got) > limit {
		page.Next = page.Items[limit-1].ID
	}
	return page, nil
}
