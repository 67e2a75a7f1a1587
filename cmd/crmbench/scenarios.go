package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// lead is what a client knows of a lead: what its page form holds.
type lead struct {
	ID, Version                         int64
	Name, Email, Company, Phone, Source string
	Score                               int
	Notes                               string
	Owner                               string // the owner select's value: the user's id, "" for nobody
}

// form is the lead's edit form as a page posts it.
func (l lead) form() url.Values {
	return url.Values{
		"version": {strconv.FormatInt(l.Version, 10)},
		"name":    {l.Name}, "email": {l.Email}, "company": {l.Company}, "phone": {l.Phone},
		"source": {l.Source}, "score": {strconv.Itoa(l.Score)}, "notes": {l.Notes}, "owner": {l.Owner},
	}
}

const leadSelect = `SELECT id, version, name, email, company, phone, source, score, notes, coalesce(owner_id::text, '') FROM leads`

// sampleLeads reads n distinct random live leads, as a rep finds them.
func sampleLeads(ctx context.Context, pool *pgxpool.Pool, n int, rng *rand.Rand) ([]lead, error) {
	var lo, hi int64
	if err := pool.QueryRow(ctx, `SELECT min(id), max(id) FROM leads`).Scan(&lo, &hi); err != nil {
		return nil, fmt.Errorf("read the range of lead ids: %w", err)
	}
	seen := map[int64]bool{}
	var ids []int64
	for len(ids) < n*11/10 && len(seen) < int(hi-lo+1) {
		id := lo + rng.Int64N(hi-lo+1)
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	rows, err := pool.Query(ctx, leadSelect+` WHERE id = ANY($1) AND deleted_at IS NULL LIMIT $2`, ids, n)
	if err != nil {
		return nil, fmt.Errorf("sample leads: %w", err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByPos[lead])
	if err != nil {
		return nil, fmt.Errorf("sample leads: %w", err)
	}
	rng.Shuffle(len(got), func(i, j int) { got[i], got[j] = got[j], got[i] })
	return got, nil
}

// readLead reads lead id as a page would show it now.
func readLead(ctx context.Context, pool *pgxpool.Pool, id int64) (lead, error) {
	rows, err := pool.Query(ctx, leadSelect+` WHERE id = $1`, id)
	if err != nil {
		return lead{}, err
	}
	return pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[lead])
}

// phone is a new phone number, different on every call.
func phone(rng *rand.Rand) string {
	return fmt.Sprintf("+1 555 %04d %04d", rng.IntN(10000), rng.IntN(10000))
}

// rawSave is the ceiling: the same change as a save, read and
// compare-and-swap straight through pgx, with nothing around it.
func rawSave(pool *pgxpool.Pool, pick func() *lead, rng *rand.Rand) op {
	return func(ctx context.Context) (string, error) {
		l := pick()
		var version int64
		if err := pool.QueryRow(ctx, `SELECT version FROM leads WHERE id = $1`, l.ID).Scan(&version); err != nil {
			return "", err
		}
		tag, err := pool.Exec(ctx, `UPDATE leads SET phone = $2, version = version + 1, updated_at = now(), updated_by = 'bench'
			WHERE id = $1 AND version = $3`, l.ID, phone(rng), version)
		switch {
		case err != nil:
			return "", err
		case tag.RowsAffected() == 0:
			return "stale", nil
		}
		return "saved", nil
	}
}

// rawAppStatements is the database's part of an API save: the statements
// the app sends for one (the token's check, the read for If-Match, and the
// save with its event and notice), straight through pgx. Between it and
// rawSave is the extra work the database does for the app; between it and
// apiSave, the app's own cost. The save statement mirrors the one
// infrastructure/postgres builds (see withEvents there).
func rawAppStatements(pool *pgxpool.Pool, token string, pick func() *lead, rng *rand.Rand) op {
	hash := sha256.Sum256([]byte(token))
	return func(ctx context.Context) (string, error) {
		l := pick()
		var tokenID int64
		if err := pool.QueryRow(ctx, `SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.user_id
			WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND NOT u.deactivated`, hash[:]).Scan(&tokenID); err != nil {
			return "", err
		}
		now, err := readLead(ctx, pool, l.ID)
		if err != nil {
			return "", err
		}
		p := phone(rng)
		events := fmt.Sprintf(`[{"event":"LeadUpdated","actor":"bench","changes":[{"field":"phone","old":%q,"new":%q}],"refs":{}}]`, now.Phone, p)
		notice := fmt.Sprintf(`{"kind":"lead","actor":"bench","event":"LeadUpdated","fields":["phone"],"at":%q}`, time.Now().Format(time.RFC3339Nano))
		rows, err := pool.Query(ctx, `
WITH saved AS (
    UPDATE leads SET name = $3, email = $4, company = $5, phone = $6, source = $7, score = $8, notes = $9,
        updated_by = 'bench', updated_at = now(), version = version + 1
    WHERE id = $1 AND version = $2
    RETURNING id, version
),
recorded AS (
    INSERT INTO activity (aggregate_kind, aggregate_id, version, event, actor, changes, refs)
    SELECT 'lead', saved.id, saved.version, e.ev->>'event', e.ev->>'actor', e.ev->'changes', e.ev->'refs'
    FROM saved CROSS JOIN jsonb_array_elements($10::jsonb) WITH ORDINALITY AS e(ev, n)
    ORDER BY e.n
),
announced AS (
    SELECT pg_notify('crm_saved', jsonb_set(jsonb_set($11::jsonb, '{id}', to_jsonb(saved.id)), '{version}', to_jsonb(saved.version))::text)
    FROM saved
)
SELECT saved.version FROM saved CROSS JOIN announced`,
			l.ID, now.Version, now.Name, now.Email, now.Company, p, now.Source, now.Score, now.Notes, events, notice)
		if err != nil {
			return "", err
		}
		saved, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		switch {
		case err != nil:
			return "", err
		case len(saved) == 0:
			return "stale", nil
		}
		return "saved", nil
	}
}

// apiSave changes a lead's phone with PATCH and If-Match, keeping the
// version the answer's ETag gives, as an API client does.
func apiSave(c *http.Client, base, token string, pick func() *lead, rng *rand.Rand) op {
	return func(ctx context.Context) (string, error) {
		l := pick()
		body := `{"phone":"` + phone(rng) + `"}`
		req, err := http.NewRequestWithContext(ctx, http.MethodPatch, base+"/api/v1/leads/"+strconv.FormatInt(l.ID, 10), strings.NewReader(body))
		if err != nil {
			return "", err
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/merge-patch+json")
		req.Header.Set("If-Match", `"`+strconv.FormatInt(l.Version, 10)+`"`)
		resp, err := c.Do(req)
		if err != nil {
			return "", err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if v, err := strconv.ParseInt(strings.Trim(resp.Header.Get("ETag"), `"`), 10, 64); err == nil {
			l.Version = v
		}
		return outcomeOf(resp, "PATCH")
	}
}

// versionInput finds the version an edit form holds.
var versionInput = regexp.MustCompile(`name="version" value="(\d+)"`)

// pageSave posts a lead's edit form with a new phone as htmx does, reading
// the form's new version from the answer.
func pageSave(c *http.Client, base string, pick func() *lead, change func(*lead), rng *rand.Rand) op {
	return func(ctx context.Context) (string, error) {
		l := pick()
		if change == nil {
			l.Phone = phone(rng)
		} else {
			change(l)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/leads/"+strconv.FormatInt(l.ID, 10), strings.NewReader(l.form().Encode()))
		if err != nil {
			return "", err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("HX-Request", "true")
		resp, err := c.Do(req)
		if err != nil {
			return "", err
		}
		page, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return "", err
		}
		outcome, err := outcomeOf(resp, "POST")
		if outcome == "saved" && strings.Contains(string(page), "Merged with") {
			outcome = "merged"
		}
		if m := versionInput.FindSubmatch(page); m != nil && resp.StatusCode == http.StatusOK {
			l.Version, _ = strconv.ParseInt(string(m[1]), 10, 64)
		}
		return outcome, err
	}
}

// outcomeOf names what an answer to a write says.
func outcomeOf(resp *http.Response, method string) (string, error) {
	switch resp.StatusCode {
	case http.StatusOK, http.StatusNoContent:
		return "saved", nil
	case http.StatusConflict:
		return "conflict", nil
	case http.StatusPreconditionFailed:
		return "stale", nil
	case http.StatusUnprocessableEntity:
		return "rule", nil
	}
	return "", fmt.Errorf("%s answered %s", method, resp.Status)
}

// pageRead GETs the addresses next gives, as a signed-in rep reads pages.
func pageRead(c *http.Client, base string, next func() string) op {
	return func(ctx context.Context) (string, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+next(), nil)
		if err != nil {
			return "", err
		}
		resp, err := c.Do(req)
		if err != nil {
			return "", err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return "", fmt.Errorf("GET answered %s", resp.Status)
		}
		return "read", nil
	}
}

// mixed is a 90/10 read/write mix on the leads pick gives, written
// optimistically (read, then compare-and-swap, again on a miss) or
// pessimistically (a transaction that locks the row with SELECT ... FOR
// UPDATE, then writes it).
func mixed(pool *pgxpool.Pool, pick func() *lead, rng *rand.Rand, pessimistic bool) op {
	return func(ctx context.Context) (string, error) {
		l := pick()
		if rng.IntN(10) != 0 {
			_, err := readLead(ctx, pool, l.ID)
			return "read", err
		}
		if pessimistic {
			err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
				var v int64
				if err := tx.QueryRow(ctx, `SELECT version FROM leads WHERE id = $1 FOR UPDATE`, l.ID).Scan(&v); err != nil {
					return err
				}
				_, err := tx.Exec(ctx, `UPDATE leads SET phone = $2, version = version + 1, updated_at = now(), updated_by = 'bench'
					WHERE id = $1`, l.ID, phone(rng))
				return err
			})
			return "written", err
		}
		for tries := 1; ; tries++ {
			outcome, err := rawSave(pool, func() *lead { return l }, rng)(ctx)
			if err != nil || outcome == "saved" {
				if tries > 1 {
					return "written after a retry", err
				}
				return "written", err
			}
			if ctx.Err() != nil {
				return "", ctx.Err()
			}
		}
	}
}

// cycle hands out leads[0], leads[1], ... round and round: a client's own
// share of the random leads.
func cycle(leads []lead) func() *lead {
	i := -1
	return func() *lead {
		i = (i + 1) % len(leads)
		return &leads[i]
	}
}

// anyOf picks one of leads at random on every call.
func anyOf(leads []lead, rng *rand.Rand) func() *lead {
	return func() *lead { return &leads[rng.IntN(len(leads))] }
}

// fresh picks one of leads at random and reads it as it is now, as a rep
// opens a page; what the client knew of it before is replaced.
func fresh(ctx context.Context, pool *pgxpool.Pool, leads []lead, rng *rand.Rand) func() *lead {
	return func() *lead {
		l := &leads[rng.IntN(len(leads))]
		if now, err := readLead(ctx, pool, l.ID); err == nil {
			*l = now
		}
		return l
	}
}

// share splits leads into n disjoint shares.
func share(leads []lead, n int) [][]lead {
	out := make([][]lead, n)
	for i := range out {
		out[i] = leads[i*len(leads)/n : (i+1)*len(leads)/n]
	}
	return out
}

// errNoLeads stops a run on a database without leads to change.
var errNoLeads = errors.New("the bench database has too few live leads")

// newRand gives each client its own random numbers.
func newRand(client int) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), uint64(client)))
}
