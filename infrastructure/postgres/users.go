package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"crm/domain"
	"crm/domain/user"
	"crm/usecase/auth"
)

var (
	_ auth.Users    = (*UserRepository)(nil)
	_ auth.Tokens   = (*TokenRepository)(nil)
	_ auth.Failures = (*LoginFailures)(nil)
)

// UserRepository stores the reps who can sign in.
type UserRepository struct {
	db querier
}

// NewUserRepository returns a UserRepository over pool.
func NewUserRepository(pool *pgxpool.Pool) *UserRepository { return &UserRepository{db: pool} }

// Create stores u with its password hash. A taken email is a
// *domain.ValidationError on user.FieldEmail.
func (r *UserRepository) Create(ctx context.Context, u user.User, passwordHash string) (user.User, error) {
	err := r.db.QueryRow(ctx, `INSERT INTO users (email, name, password_hash) VALUES ($1, $2, $3) RETURNING id`,
		u.Email, u.Name, passwordHash).Scan(&u.ID)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == uniqueViolation && pgErr.ConstraintName == "users_email_key" {
		return user.User{}, &domain.ValidationError{Fields: []domain.FieldError{{
			Field: user.FieldEmail, Message: "A user with this email already exists."}}}
	}
	if err != nil {
		return user.User{}, failed("insert user", err)
	}
	return u, nil
}

// ByEmail returns the user with email and its password hash, or
// domain.ErrNotFound.
func (r *UserRepository) ByEmail(ctx context.Context, email string) (user.User, string, error) {
	var u user.User
	var hash string
	err := r.db.QueryRow(ctx, `SELECT id, email, name, password_hash FROM users WHERE email = $1`, email).
		Scan(&u.ID, &u.Email, &u.Name, &hash)
	if errors.Is(err, pgx.ErrNoRows) {
		return user.User{}, "", domain.ErrNotFound
	}
	if err != nil {
		return user.User{}, "", failed("select user by email", err)
	}
	return u, hash, nil
}

// Get returns user id, or domain.ErrNotFound.
func (r *UserRepository) Get(ctx context.Context, id int64) (user.User, error) {
	var u user.User
	err := r.db.QueryRow(ctx, `SELECT id, email, name FROM users WHERE id = $1`, id).Scan(&u.ID, &u.Email, &u.Name)
	if errors.Is(err, pgx.ErrNoRows) {
		return user.User{}, domain.ErrNotFound
	}
	if err != nil {
		return user.User{}, failed("select user", err)
	}
	return u, nil
}

// TokenRepository stores API token hashes.
type TokenRepository struct {
	db querier
}

// NewTokenRepository returns a TokenRepository over pool.
func NewTokenRepository(pool *pgxpool.Pool) *TokenRepository { return &TokenRepository{db: pool} }

// Create stores a token hash for user userID.
func (r *TokenRepository) Create(ctx context.Context, userID int64, hash []byte) error {
	if _, err := r.db.Exec(ctx, `INSERT INTO api_tokens (user_id, token_hash) VALUES ($1, $2)`, userID, hash); err != nil {
		return failed("insert token", err)
	}
	return nil
}

// UserByHash returns the user a token hash belongs to, or domain.ErrNotFound.
func (r *TokenRepository) UserByHash(ctx context.Context, hash []byte) (user.User, error) {
	var u user.User
	err := r.db.QueryRow(ctx, `SELECT u.id, u.email, u.name FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1`, hash).Scan(&u.ID, &u.Email, &u.Name)
	if errors.Is(err, pgx.ErrNoRows) {
		return user.User{}, domain.ErrNotFound
	}
	if err != nil {
		return user.User{}, failed("select token", err)
	}
	return u, nil
}

// LoginFailures counts failed sign-ins in login_failures and remembers
// where each account signs in from in sign_in_addresses.
type LoginFailures struct {
	db *pgxpool.Pool
	// keep is how long a failure is worth keeping: rows older are deleted
	// as new failures arrive, so the table stays as small as the window.
	keep time.Duration
}

// NewLoginFailures returns LoginFailures over pool that forgets failures
// older than keep.
func NewLoginFailures(pool *pgxpool.Pool, keep time.Duration) *LoginFailures {
	return &LoginFailures{db: pool, keep: keep}
}

// tally reads what decides an attempt, and the database's clock.
const tally = `SELECT
	(SELECT count(*) FROM login_failures WHERE email = $1 AND address = $2 AND at >= $3),
	(SELECT count(*) FROM login_failures WHERE email = $1 AND at >= $3),
	(SELECT count(*) FROM login_failures WHERE address = $2 AND at >= $3),
	coalesce((SELECT max(at) FROM login_failures WHERE email = $1 AND address = $2), '-infinity'),
	EXISTS (SELECT 1 FROM sign_in_addresses WHERE email = $1 AND address = $2 AND last_at >= $4),
	clock_timestamp()`

// Reserve decides an attempt in one transaction that holds a lock on
// email: concurrent attempts on one account are decided one after the
// other, each seeing the failures the ones before it recorded.
func (f *LoginFailures) Reserve(ctx context.Context, email, address string, c auth.Counting, decide func(auth.Tally) time.Duration) (time.Duration, error) {
	var wait time.Duration
	err := pgx.BeginFunc(ctx, f.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('sign-in:' || $1, 0))`, email); err != nil {
			return err
		}
		var t auth.Tally
		var last pgtype.Timestamptz
		if err := tx.QueryRow(ctx, tally, email, address, c.Since, c.KnownSince).
			Scan(&t.Pair, &t.Account, &t.Address, &last, &t.Known, &t.Now); err != nil {
			return err
		}
		if last.InfinityModifier == pgtype.Finite {
			t.LastPair = last.Time
		}
		if wait = decide(t); wait > 0 {
			return nil
		}
		_, err := tx.Exec(ctx, `
			WITH expired AS (DELETE FROM login_failures WHERE at < now() - $3::interval)
			INSERT INTO login_failures (email, address, at) VALUES ($1, $2, clock_timestamp())`, email, address, f.keep)
		return err
	})
	if err != nil {
		return 0, failed("reserve sign-in attempt", err)
	}
	return wait, nil
}

// Succeeded forgets the failures of email from address and remembers the
// address.
func (f *LoginFailures) Succeeded(ctx context.Context, email, address string) error {
	err := pgx.BeginFunc(ctx, f.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE email = $1 AND address = $2`, email, address); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO sign_in_addresses (email, address) VALUES ($1, $2)
			ON CONFLICT (email, address) DO UPDATE SET last_at = now()`, email, address)
		return err
	})
	if err != nil {
		return failed("record sign-in", err)
	}
	return nil
}
