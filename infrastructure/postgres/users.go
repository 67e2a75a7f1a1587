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

// Create stores u with its password hash. The first user is an admin
// whatever u.Role says: a new CRM needs someone to administer it. A taken
// email is a *domain.ValidationError on user.FieldEmail.
func (r *UserRepository) Create(ctx context.Context, u user.User, passwordHash string) (user.User, error) {
	err := r.db.QueryRow(ctx, `INSERT INTO users (email, name, password_hash, role, time_zone)
		VALUES ($1, $2, $3, CASE WHEN EXISTS (SELECT 1 FROM users) THEN $4 ELSE 'admin' END, $5)
		RETURNING id, role, deactivated`, u.Email, u.Name, passwordHash, roleOf(u), string(u.TimeZone)).Scan(&u.ID, &u.Role, &u.Deactivated)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == uniqueViolation && pgErr.ConstraintName == "users_email_key" {
		return user.User{}, &domain.ValidationError{Fields: []domain.FieldError{{
			Field: user.FieldEmail, Message: "A user with this email already exists."}}}
	}
	if err != nil {
		return user.User{}, failedCommit("insert user", err)
	}
	return u, nil
}

// roleOf is u's role as stored: a rep unless said otherwise.
func roleOf(u user.User) string {
	if u.Role == "" {
		return string(user.RoleRep)
	}
	return string(u.Role)
}

const userColumns = `id, email, name, role, deactivated, time_zone`

func scanUser(row pgx.Row, extra ...any) (user.User, error) {
	var u user.User
	err := row.Scan(append([]any{&u.ID, &u.Email, &u.Name, &u.Role, &u.Deactivated, &u.TimeZone}, extra...)...)
	return u, err
}

// ByEmail returns the user with email and its password hash, or
// domain.ErrNotFound.
func (r *UserRepository) ByEmail(ctx context.Context, email string) (user.User, string, error) {
	var hash string
	u, err := scanUser(r.db.QueryRow(ctx, `SELECT `+userColumns+`, password_hash FROM users WHERE email = $1`, email), &hash)
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
	u, err := scanUser(r.db.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return user.User{}, domain.ErrNotFound
	}
	if err != nil {
		return user.User{}, failed("select user", err)
	}
	return u, nil
}

// List returns every user, by name.
func (r *UserRepository) List(ctx context.Context) ([]user.User, error) {
	rows, err := r.db.Query(ctx, `SELECT `+userColumns+` FROM users ORDER BY lower(name), id`)
	if err != nil {
		return nil, failed("list users", err)
	}
	defer rows.Close()
	out := []user.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, failed("list users", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, failed("list users", err)
	}
	return out, nil
}

// Change sets user id's role, deactivation and, when hash is not empty,
// password hash, and returns the user as stored; domain.ErrNotFound for
// an unknown id.
func (r *UserRepository) Change(ctx context.Context, id int64, role user.Role, deactivated bool, hash string) (user.User, error) {
	u, err := scanUser(r.db.QueryRow(ctx, `UPDATE users
		SET role = $2, deactivated = $3, password_hash = coalesce(nullif($4, ''), password_hash)
		WHERE id = $1 RETURNING `+userColumns, id, string(role), deactivated, hash))
	if errors.Is(err, pgx.ErrNoRows) {
		return user.User{}, domain.ErrNotFound
	}
	if err != nil {
		return user.User{}, failedCommit("update user", err)
	}
	return u, nil
}

// SetTimeZone sets user id's time zone and returns the user as stored;
// domain.ErrNotFound for an unknown id.
func (r *UserRepository) SetTimeZone(ctx context.Context, id int64, zone user.TimeZone) (user.User, error) {
	u, err := scanUser(r.db.QueryRow(ctx, `UPDATE users SET time_zone = $2 WHERE id = $1 RETURNING `+userColumns, id, string(zone)))
	if errors.Is(err, pgx.ErrNoRows) {
		return user.User{}, domain.ErrNotFound
	}
	if err != nil {
		return user.User{}, failedCommit("update user time zone", err)
	}
	return u, nil
}

// TokenRepository stores API token hashes.
type TokenRepository struct {
	db querier
}

// NewTokenRepository returns a TokenRepository over pool.
func NewTokenRepository(pool *pgxpool.Pool) *TokenRepository { return &TokenRepository{db: pool} }

// tokenRow is one api_tokens row, with its user's email.
type tokenRow struct {
	ID         int64      `db:"id"`
	UserID     int64      `db:"user_id"`
	UserEmail  string     `db:"email"`
	CreatedAt  time.Time  `db:"created_at"`
	ExpiresAt  time.Time  `db:"expires_at"`
	LastUsedAt *time.Time `db:"last_used_at"`
	RevokedAt  *time.Time `db:"revoked_at"`
	ReadOnly   bool       `db:"read_only"`
}

func (r tokenRow) token() auth.Token {
	t := auth.Token{ID: r.ID, UserID: r.UserID, UserEmail: r.UserEmail, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, ReadOnly: r.ReadOnly}
	if r.LastUsedAt != nil {
		t.LastUsedAt = *r.LastUsedAt
	}
	if r.RevokedAt != nil {
		t.RevokedAt = *r.RevokedAt
	}
	return t
}

const tokenColumns = `t.id, t.user_id, u.email, t.created_at, t.expires_at, t.last_used_at, t.revoked_at, t.read_only`

// Create stores t with hash.
func (r *TokenRepository) Create(ctx context.Context, t auth.Token, hash []byte) (auth.Token, error) {
	rows, err := r.db.Query(ctx, `WITH t AS (
		INSERT INTO api_tokens (user_id, token_hash, expires_at, read_only) VALUES ($1, $2, $3, $4) RETURNING *)
		SELECT `+tokenColumns+` FROM t JOIN users u ON u.id = t.user_id`, t.UserID, hash, t.ExpiresAt, t.ReadOnly)
	if err == nil {
		var row tokenRow
		if row, err = pgx.CollectOneRow(rows, pgx.RowToStructByName[tokenRow]); err == nil {
			return row.token(), nil
		}
	}
	return auth.Token{}, failedCommit("insert token", err)
}

// ByHash returns the token with hash and its user, or domain.ErrNotFound.
func (r *TokenRepository) ByHash(ctx context.Context, hash []byte) (user.User, auth.Token, error) {
	var (
		u   user.User
		row tokenRow
	)
	err := r.db.QueryRow(ctx, `SELECT u.name, u.role, u.deactivated, `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1`, hash).Scan(&u.Name, &u.Role, &u.Deactivated, &row.ID, &row.UserID, &row.UserEmail, &row.CreatedAt, &row.ExpiresAt,
		&row.LastUsedAt, &row.RevokedAt, &row.ReadOnly)
	if errors.Is(err, pgx.ErrNoRows) {
		return user.User{}, auth.Token{}, domain.ErrNotFound
	}
	if err != nil {
		return user.User{}, auth.Token{}, failed("select token", err)
	}
	u.ID, u.Email = row.UserID, row.UserEmail
	return u, row.token(), nil
}

// Used records the use of token id, at most once a minute: a busy
// integration does not turn every read into a write.
func (r *TokenRepository) Used(ctx context.Context, id int64) error {
	_, err := r.db.Exec(ctx, `UPDATE api_tokens SET last_used_at = now()
		WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, id)
	if err != nil {
		return failed("record token use", err)
	}
	return nil
}

// List returns user userID's tokens, everyone's for 0, newest first.
func (r *TokenRepository) List(ctx context.Context, userID int64) ([]auth.Token, error) {
	rows, err := r.db.Query(ctx, `SELECT `+tokenColumns+` FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE $1 = 0 OR t.user_id = $1 ORDER BY t.id DESC`, userID)
	if err != nil {
		return nil, failed("list tokens", err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowToStructByName[tokenRow])
	if err != nil {
		return nil, failed("list tokens", err)
	}
	out := make([]auth.Token, len(got))
	for i, row := range got {
		out[i] = row.token()
	}
	return out, nil
}

// Revoke revokes token id (keeping the time of a first revocation).
func (r *TokenRepository) Revoke(ctx context.Context, id int64) (auth.Token, error) {
	rows, err := r.db.Query(ctx, `WITH t AS (
		UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING *)
		SELECT `+tokenColumns+` FROM t JOIN users u ON u.id = t.user_id`, id)
	if err != nil {
		return auth.Token{}, failedCommit("revoke token", err)
	}
	row, err := pgx.CollectOneRow(rows, pgx.RowToStructByName[tokenRow])
	if errors.Is(err, pgx.ErrNoRows) {
		return auth.Token{}, domain.ErrNotFound
	}
	if err != nil {
		return auth.Token{}, failedCommit("revoke token", err)
	}
	return row.token(), nil
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
