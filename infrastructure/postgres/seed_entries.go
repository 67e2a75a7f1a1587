package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"
)

// seedEntries logs, on each of the first $1 live leads by id that has no
// entry yet, a note, a call and a meeting over the last three days, by the
// reps whose emails are $2 in turn, with each entry's EntryCreated event as
// the entries use case records it (only the fields that differ from a
// blank entry), so the demo timelines and entry pages read as real ones.
const seedEntries = `
WITH reps AS (
    SELECT id, name, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS of FROM users WHERE email = ANY($2)
),
targets AS (
    SELECT l.id FROM leads l
    WHERE l.deleted_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM entries e WHERE e.record_kind = 'lead' AND e.record_id = l.id)
    ORDER BY l.id LIMIT $1
),
rows AS (
    SELECT t.id AS lead_id, k, r.id AS author_id, r.name AS author
    FROM targets t CROSS JOIN generate_series(1, 3) AS k JOIN reps r ON r.n = (t.id + k) % r.of
),
logged AS (
    INSERT INTO entries (type, body, outcome, duration, record_kind, record_id, author_id, author, occurred_at, updated_by)
    SELECT (ARRAY['note', 'call', 'meeting'])[k],
           (ARRAY['Prefers email, after 3pm.' || chr(10) || 'Pricing page they read: www.example.com/pricing.',
                  'Asked for a trial; call back on Monday.',
                  'Demo with their team: they want the import and the API.'])[k],
           (ARRAY['', 'connected', 'held'])[k], (ARRAY[0, 12, 45])[k],
           'lead', lead_id, author_id, author,
           now() - (4 - k) * interval '1 day' - (lead_id % 600) * interval '1 minute', author
    FROM rows
    RETURNING id, version, type, body, outcome, duration, record_id, author
)
INSERT INTO activity (aggregate_kind, aggregate_id, version, event, actor, changes, refs)
SELECT 'entry', id, version, 'EntryCreated', author,
       (SELECT jsonb_agg(c) FROM jsonb_array_elements(jsonb_build_array(
            jsonb_build_object('field', 'type', 'old', '', 'new', type),
            jsonb_build_object('field', 'body', 'old', '', 'new', body),
            jsonb_build_object('field', 'outcome', 'old', '', 'new', outcome),
            jsonb_build_object('field', 'duration', 'old', '0', 'new', duration::text))) AS c
        WHERE c->>'old' <> c->>'new'),
       jsonb_build_object('lead', record_id)
FROM logged`

// SeedEntries logs three entries (a note, a call, a meeting) on each of
// the first leads leads that have none, by the reps with emails authors in
// turn, and returns how many it logged. With no such rep it logs nothing.
func SeedEntries(ctx context.Context, pool *pgxpool.Pool, leads int, authors []string) (int, error) {
	tag, err := pool.Exec(ctx, seedEntries, leads, authors)
	if err != nil {
		return 0, fmt.Errorf("seed entries: %w", err)
	}
	return int(tag.RowsAffected()), nil
}
