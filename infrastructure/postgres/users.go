package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
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

// LoginFailures counts failed sign-ins in login_failures.
type LoginFailures struct {
	db querier
	// keep is how long a failure is worth keeping: rows older are deleted
	// as new failures arrive, so the table stays as small as the window.
	keep time.Duration
}

// NewLoginFailures returns LoginFailures over pool that forgets failures
// older than keep.
func NewLoginFailures(pool *pgxpool.Pool, keep time.Duration) *LoginFailures {
	return &LoginFailures{db: pool, keep: keep}
}

// Record stores one failed sign-in and deletes expired ones.
func (f *LoginFailures) Record(ctx context.Context, email, address string) error {
	_, err := f.db.Exec(ctx, `
		WITH expired AS (DELETE FROM login_failures WHERE at < now() - $3::interval)
		INSERT INTO login_failures (email, address) VALUES ($1, $2)`, email, address, f.keep)
	if err != nil {
		return failed("record login failure", err)
	}
	return nil
}

// Count returns the failures for email and from address since then.
func (f *LoginFailures) Count(ctx context.Context, email, address string, since time.Time) (byEmail, byAddress int, err error) {
	err = f.db.QueryRow(ctx, `SELECT
		(SELECT count(*) FROM login_failures WHERE email = $1 AND at >= $3),
		(SELECT count(*) FROM login_failures WHERE address = $2 AND at >= $3)`, email, address, since).
		Scan(&byEmail, &byAddress)
	if err != nil {
		return 0, 0, failed("count login failures", err)
	}
	return byEmail, byAddress, nil
}

// Clear forgets email's failures.
func (f *LoginFailures) Clear(ctx context.Context, email string) error {
	if _, err := f.db.Exec(ctx, `DELETE FROM login_failures WHERE email = $1`, email); err != nil {
		return failed("clear login failures", err)
	}
	return nil
}
