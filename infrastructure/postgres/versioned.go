package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"crm/domain"
)

// missedSave tells why a compare-and-swap on (id, expected) in table, the
// table of aggregate kind, matched no row: the aggregate is gone
// (domain.ErrNotFound) or at another version (the optimistic-lock error
// with that version). Every versioned repository uses it.
//
// It asks with a second statement on purpose. Under READ COMMITTED a CAS
// that finds the row locked by a concurrent save waits for it, then re-checks
// the newly committed row and misses; a fallback SELECT inside the same
// statement (a CTE) would still read the statement's older snapshot and
// could answer "you started from 3, it is now at 3". This SELECT takes a
// fresh snapshot after the CAS finished, so it sees at least the state that
// made the CAS miss. Versions only grow and identity ids are never reused,
// so what it reads is either no row (the aggregate was deleted and cannot
// come back) or a version above expected: the current one, possibly newer
// still if more saves landed since, which is the version the rep must start
// from. This needs each statement to take its own snapshot: true on the
// pool, and in READ COMMITTED transactions (a REPEATABLE READ transaction
// gets a serialization failure from the CAS instead of zero rows).
func missedSave(ctx context.Context, q querier, table, kind string, id, expected int64) error {
	var actual int64
	err := q.QueryRow(ctx, `SELECT version FROM `+pgx.Identifier{table}.Sanitize()+` WHERE id = $1`, id).Scan(&actual)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return domain.ErrNotFound
	case err != nil:
		return failed("read version after missed save", err)
	case actual == expected:
		// Unreachable while versions only grow; refuse to report a conflict
		// with itself rather than confuse the rep.
		return fmt.Errorf("save missed but %s %d is still at version %d", kind, id, actual)
	}
	return staleVersion(kind, id, expected, actual)
}

// staleVersion is the optimistic-lock error of a caller that started from
// version expected of aggregate kind id, now at version actual.
func staleVersion(kind string, id, expected, actual int64) error {
	return &domain.OptimisticLockError{Kind: kind, ID: id, Expected: expected, Actual: actual}
}
