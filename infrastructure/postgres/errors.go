package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/puddle/v2"

	"crm/domain"
)

// failed wraps err from operation op. Failures that mean the database could
// not be reached also wrap domain.ErrUnavailable, so the delivery layer can
// answer 503 (try again) instead of 500 without knowing about pgx.
func failed(op string, err error) error {
	if unreachable(err) {
		return fmt.Errorf("%s: %w: %w", op, domain.ErrUnavailable, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// failedCommit wraps err from operation op, a statement that commits: a
// COMMIT, or a write outside a transaction, which commits by itself. When
// the connection broke after the statement was sent, the server may have
// committed it and only the answer was lost; the error then wraps
// domain.ErrCommitUnknown rather than plain domain.ErrUnavailable, so the
// rep is told to reload instead of being told that nothing was saved.
func failedCommit(op string, err error) error {
	if commitUnknown(err) {
		return fmt.Errorf("%s: %w: %w", op, domain.ErrCommitUnknown, err)
	}
	return failed(op, err)
}

// transact runs fn in a transaction that begin opens and commits it when
// fn returns nil. fn's error comes back unchanged, for domain errors to keep their
// meaning; failing to begin wraps failed (nothing is stored), failing to
// commit wraps failedCommit: on a broken connection the server may have
// committed and only its answer was lost.
func transact(ctx context.Context, begin func(context.Context) (pgx.Tx, error), op string, fn func(pgx.Tx) error) error {
	tx, err := begin(ctx)
	if err != nil {
		return failed("begin "+op, err)
	}
	// Rolls back when fn fails or panics; after the commit it does nothing.
	defer func() { _ = tx.Rollback(ctx) }()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return failedCommit("commit "+op, err)
	}
	return nil
}

// commitUnknown reports whether err, from a statement that commits, leaves
// open whether it committed.
func commitUnknown(err error) bool {
	var connErr *pgconn.ConnectError
	switch {
	case !unreachable(err),
		// pgconn says so of failures before anything reached the server: a
		// context already done, a connection found busy. Not of one found
		// closed: pgconn also answers "conn closed" when the connection
		// broke while it waited for a simple query's answer (a COMMIT's).
		pgconn.SafeToRetry(err) && !errors.Is(err, pgconn.ErrConnClosed),
		// Getting a connection failed, so nothing was sent: a dial or a
		// startup refused (57P03, 53300), a closed pool, or a deadline met
		// while waiting for a free connection (pgconn wraps the deadlines
		// it meets on the wire in its own timeout error instead).
		errors.As(err, &connErr), errors.Is(err, puddle.ErrClosedPool),
		errors.Is(err, context.DeadlineExceeded) && !pgconn.Timeout(err):
		return false
	}
	// What is left broke on the wire after the statement was sent: EOF, a
	// reset, a deadline, or the server ending the session (57P01, 57P02),
	// which it also does to a commit waiting for the synchronous standby,
	// after committing locally.
	return true
}

func unreachable(err error) bool {
	var connErr *pgconn.ConnectError
	var netErr net.Error
	var pgErr *pgconn.PgError
	switch {
	case errors.As(err, &connErr), errors.As(err, &netErr), pgconn.Timeout(err),
		errors.Is(err, puddle.ErrClosedPool), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		// A pooled connection the driver closed after a broken statement.
		errors.Is(err, pgconn.ErrConnClosed):
		return true
	case errors.As(err, &pgErr):
		// Class 08 is "connection exception"; 57P01-57P03 are the server
		// shutting down or not accepting connections yet; 53300 is too many
		// connections. All pass once the database is back.
		return strings.HasPrefix(pgErr.Code, "08") || pgErr.Code == "57P01" || pgErr.Code == "57P02" ||
			pgErr.Code == "57P03" || pgErr.Code == "53300"
	}
	return false
}
