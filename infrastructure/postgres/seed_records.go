package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"crm/domain"
	"crm/domain/deal"
)

// SeedRecords brings the contacts and the deals up to at least contacts
// and deals rows, beyond those Seed's conversions made, and reports how many
// of each it inserted: the scale the contact and deal lists are measured at
// (the bench's 200,000 of each). Like Seed, record number i is always the
// same, a second run inserts nothing, and it all goes in as one
// transaction. Contacts' emails are unique (one live contact per email);
// each new deal belongs to an existing contact, spread over all of them.
func SeedRecords(ctx context.Context, pool *pgxpool.Pool, contacts, deals int) (newContacts, newDeals int, err error) {
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(seedLockKey)); err != nil {
			return fmt.Errorf("lock: %w", err)
		}
		var haveContacts, haveDeals int
		var now time.Time
		err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM deals), now()`).
			Scan(&haveContacts, &haveDeals, &now)
		if err != nil {
			return fmt.Errorf("count records: %w", err)
		}
		since := now.Add(-730 * 24 * time.Hour)
		owners, err := seedOwnersOf(ctx, tx)
		if err != nil {
			return err
		}
		if newContacts, err = copyRows(ctx, tx, "contacts", contactSeedColumns, haveContacts, max(contacts-haveContacts, 0),
			func(r *rand.Rand, i, k, total int) []any {
				first, last := pick(r, firstNames), pick(r, lastNames)
				company, domain := companyAndDomain(r, last)
				created := spread(since, now, k, total)
				// The number makes the address unique, as a live
				// contact's must be.
				email := first.slug + "." + last.slug + "." + strconv.Itoa(i) + "@" + domain
				owner := pick(r, owners)
				return []any{first.text + " " + last.text, email, phone(r), company, owner.id, created, created, owner.name}
			}); err != nil {
			return err
		}
		if deals <= haveDeals {
			return nil
		}
		var lo, hi int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(min(id), 0), COALESCE(max(id), 0) FROM contacts`).Scan(&lo, &hi); err != nil {
			return fmt.Errorf("find contacts: %w", err)
		}
		if hi == 0 {
			return fmt.Errorf("seed deals: there is no contact to give them to")
		}
		newDeals, err = copyRows(ctx, tx, "deals", dealSeedColumns, haveDeals, deals-haveDeals,
			func(r *rand.Rand, i, k, total int) []any {
				last := pick(r, lastNames)
				company, _ := companyAndDomain(r, last)
				created := spread(since, now, k, total)
				owner := pick(r, owners)
				stage := pick(r, seedStages)
				expected, closed := seedDealDates(r, stage, created)
				return []any{company + " – " + pick(r, dealTopics), int64(500+r.IntN(99_500)) * 100,
					pick(r, []string{"EUR", "USD", "GBP", "BRL"}), string(stage), expected, closed,
					lo + int64(i)%(hi-lo+1), owner.id, created, created, owner.name}
			})
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("seed contacts and deals: %w", err)
	}
	if newContacts+newDeals > 0 {
		if _, err := pool.Exec(ctx, `ANALYZE contacts; ANALYZE deals`); err != nil {
			return newContacts, newDeals, fmt.Errorf("tidy up after seeding: %w", err)
		}
	}
	return newContacts, newDeals, nil
}

var (
	contactSeedColumns = []string{"name", "email", "phone", "company", "owner_id", "created_at", "updated_at", "updated_by"}
	dealSeedColumns    = []string{"title", "amount_minor", "currency", "stage", "expected_close", "closed_on", "contact_id", "owner_id", "created_at", "updated_at", "updated_by"}
	// seedStages spreads the deals over the pipeline, most of them open
	// and the earlier stages fuller, as a funnel is.
	seedStages = []deal.Stage{deal.StageQualification, deal.StageQualification, deal.StageQualification,
		deal.StageProposal, deal.StageProposal, deal.StageNegotiation, deal.StageWon, deal.StageLost}
	dealTopics = []string{"Annual licence", "Pilot", "Renewal", "Expansion", "Onboarding package", "Support plan", "Consulting"}
)

// copyRows COPYs total rows into table, row number have+k made by row from
// a generator seeded with that number alone.
func copyRows(ctx context.Context, tx pgx.Tx, table string, columns []string, have, total int,
	row func(r *rand.Rand, i, k, total int) []any) (int, error) {
	src := rand.NewPCG(0, 0)
	rnd := rand.New(src)
	for done := 0; done < total; {
		size := min(seedBatch, total-done)
		first := done
		rows := pgx.CopyFromSlice(size, func(j int) ([]any, error) {
			i := have + first + j
			src.Seed(0x5eed_7ab1e, uint64(i))
			return row(rnd, i, first+j, total), nil
		})
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{table}, columns, rows); err != nil {
			return done, fmt.Errorf("copy %s: %w", table, err)
		}
		done += size
	}
	return total, nil
}

// spread is the k-th of total instants evenly between from and to, to the
// second, rising with k.
func spread(from, to time.Time, k, total int) time.Time {
	return from.Add(time.Duration(float64(to.Sub(from)) * float64(k+1) / float64(total+1))).Truncate(time.Second)
}

// seedDealDates are plausible dates for a deal in stage, last changed at
// changed: open deals expect to close one to thirteen weeks on (all in
// Negotiation, as its gate wants; a third of the others have no date yet);
// won and lost ones closed on the day of their last change. NULL for none.
func seedDealDates(r *rand.Rand, stage deal.Stage, changed time.Time) (expected, closed *time.Time) {
	day := domain.DateOf(changed.UTC()).Time()
	switch {
	case !stage.Open():
		closed = &day
	case stage == deal.StageNegotiation || r.IntN(3) > 0:
		e := day.AddDate(0, 0, 7*(1+r.IntN(13)))
		expected = &e
	}
	return expected, closed
}
