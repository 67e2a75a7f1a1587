// Package auth signs reps in: it checks passwords against stored hashes,
// limits how often anyone may guess, and issues and checks the bearer
// tokens of the JSON API. It declares the stores and the password hasher it
// needs; infrastructure implements them.
package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"crm/domain"
	"crm/domain/user"
)

// Users stores the reps who can sign in.
type Users interface {
	// Create stores u with its password hash and returns it with its id and
	// role: the first user is an admin whatever u.Role says. An email
	// already taken is a *domain.ValidationError on user.FieldEmail.
	Create(ctx context.Context, u user.User, passwordHash string) (user.User, error)
	// ByEmail returns the user with email (lower case) and its password
	// hash, or domain.ErrNotFound.
	ByEmail(ctx context.Context, email string) (u user.User, passwordHash string, err error)
	// Get returns user id, or domain.ErrNotFound.
	Get(ctx context.Context, id int64) (user.User, error)
	// List returns every user, by name.
	List(ctx context.Context) ([]user.User, error)
	// Change sets user id's role, deactivation and, unless hash is empty,
	// password hash; domain.ErrNotFound for an unknown id.
	Change(ctx context.Context, id int64, role user.Role, deactivated bool, hash string) (user.User, error)
	// SetTimeZone sets user id's time zone and returns the user;
	// domain.ErrNotFound for an unknown id.
	SetTimeZone(ctx context.Context, id int64, zone user.TimeZone) (user.User, error)
}

// Tokens stores API tokens: their hashes (never the tokens) and what
// bounds them.
type Tokens interface {
	// Create stores t, with hash, and returns it with its id and creation
	// time. t's user must exist.
	Create(ctx context.Context, t Token, hash []byte) (Token, error)
	// ByHash returns the token with hash and its user, or
	// domain.ErrNotFound; expired and revoked tokens too (the use case
	// refuses them).
	ByHash(ctx context.Context, hash []byte) (user.User, Token, error)
	// Used records that token id was used now; the store may keep one use
	// a minute.
	Used(ctx context.Context, id int64) error
	// List returns the tokens of user userID, every user's for 0, newest
	// first.
	List(ctx context.Context, userID int64) ([]Token, error)
	// Revoke revokes token id and returns it, or domain.ErrNotFound.
	Revoke(ctx context.Context, id int64) (Token, error)
}

// Token is what is known of an API token, never the token itself.
type Token struct {
	ID        int64
	UserID    int64
	UserEmail string // filled by reads
	CreatedAt time.Time
	ExpiresAt time.Time
	// LastUsedAt and RevokedAt are zero for never.
	LastUsedAt, RevokedAt time.Time
	// ReadOnly tokens read; every write with one is refused (403).
	ReadOnly bool
}

// Active reports whether the token may be used at now.
func (t Token) Active(now time.Time) bool { return t.RevokedAt.IsZero() && now.Before(t.ExpiresAt) }

// DefaultTokenTTL is how long a token lives unless told otherwise: long
// enough for an integration to run a quarter, short enough that a
// forgotten token dies.
const DefaultTokenTTL = 90 * 24 * time.Hour

// TokenOptions shape a new token: how long it lives (0 for
// DefaultTokenTTL) and whether it may only read.
type TokenOptions struct {
	TTL      time.Duration
	ReadOnly bool
}

// Bearer is who a request's token speaks for, and whether it may write.
type Bearer struct {
	User     user.User
	ReadOnly bool
}

// Failures counts failed sign-ins, shared by every app instance.
type Failures interface {
	// Reserve decides whether an attempt to sign in as email from address
	// may go ahead, under a lock that makes concurrent attempts on one
	// account take turns: decide gets the tally of what was recorded (as
	// c says) and returns how long the attempt must wait, 0 to go ahead.
	// An attempt that goes ahead is recorded as a failure at once, before
	// its password is checked, so that guesses sent together all count;
	// Succeeded takes it back.
	Reserve(ctx context.Context, email, address string, c Counting, decide func(Tally) time.Duration) (wait time.Duration, err error)
	// Succeeded forgets the failures of email from address and remembers
	// address as one email signs in from.
	Succeeded(ctx context.Context, email, address string) error
}

// Counting says which records a Tally counts: failures at or after Since,
// sign-ins at or after KnownSince.
type Counting struct {
	Since, KnownSince time.Time
}

// Tally is what a Failures store knows of an attempt to sign in as one
// email from one address.
type Tally struct {
	Pair    int // failures of the email from the address
	Account int // failures of the email, from every address
	Address int // failures from the address, for every email
	// LastPair is when the email last failed from the address, zero if
	// never; Now is the store's clock, which stamped it.
	LastPair, Now time.Time
	// Known says the email signed in from the address before.
	Known bool
}

// Hasher turns passwords into slow, salted hashes and checks them.
type Hasher interface {
	Hash(password string) (string, error)
	// Compare returns nil when password matches hash.
	Compare(hash, password string) error
}

// Limits slow guessing down without letting anyone lock a rep out. Each
// account and address pair gets a few free tries, then waits twice as long
// after each failure (a guesser gets a handful of tries an hour, a rep who
// mistypes waits seconds). Past a looser ceiling per account, or per
// address, only the addresses the account signs in from are let through:
// a guesser spread over many addresses cannot lock the owner out of the
// office they always sign in from.
type Limits struct {
	Window     time.Duration // how long a failure counts
	FreeTries  int           // failures of one pair before each next try waits
	FirstWait  time.Duration // the wait after the first failure past the free ones; it doubles
	MaxWait    time.Duration // the longest wait
	PerAccount int           // failures of one account past which unknown addresses wait out the window
	PerAddress int           // failures from one address past which accounts it is unknown to wait
	KnownFor   time.Duration // how long an address stays one an account signs in from
}

// DefaultLimits: three free tries, then 1 s, 2 s, 4 s… up to 15 minutes
// per account and address; 50 failures of one account, or 100 from one
// address, within 15 minutes stop every address not known to the account.
var DefaultLimits = Limits{Window: 15 * time.Minute, FreeTries: 3, FirstWait: time.Second, MaxWait: 15 * time.Minute,
	PerAccount: 50, PerAddress: 100, KnownFor: 90 * 24 * time.Hour}

// wait is how long an attempt with tally t must wait, 0 for none.
func (l Limits) wait(t Tally) time.Duration {
	if t.Pair >= l.FreeTries {
		backoff := l.MaxWait
		if n := t.Pair - l.FreeTries; n < 32 && l.FirstWait<<n < l.MaxWait && l.FirstWait<<n > 0 {
			backoff = l.FirstWait << n
		}
		if left := t.LastPair.Add(backoff).Sub(t.Now); left > 0 {
			return left
		}
	}
	if !t.Known && (t.Account >= l.PerAccount || t.Address >= l.PerAddress) {
		return l.Window
	}
	return 0
}

// RateLimitedError is a sign-in refused because too many failed recently.
type RateLimitedError struct {
	RetryAfter time.Duration
}

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("too many failed sign-ins; try again in %s", e.RetryAfter.Round(time.Second))
}

// tokenPrefix marks CRM tokens, so a leaked one is recognisable in logs and
// by secret scanners.
const tokenPrefix = "crm_"

// Service runs sign-in and tokens.
type Service struct {
	users    Users
	tokens   Tokens
	failures Failures
	hasher   Hasher
	limits   Limits
	now      func() time.Time

	// dummyHash is compared against when the email is unknown, so a wrong
	// email takes as long as a wrong password and reveals nothing.
	dummyOnce sync.Once
	dummyHash string
}

// NewService returns a Service over the given stores.
func NewService(users Users, tokens Tokens, failures Failures, hasher Hasher, limits Limits) *Service {
	return &Service{users: users, tokens: tokens, failures: failures, hasher: hasher, limits: limits, now: time.Now}
}

// AddUser validates and stores a new user with password and role (a rep
// when empty); the first user of a CRM is its admin.
func (s *Service) AddUser(ctx context.Context, email, name, password string, role user.Role) (user.User, error) {
	u, err := user.New(email, name, password)
	if err != nil {
		return user.User{}, err
	}
	u.Role = role
	hash, err := s.hasher.Hash(password)
	if err != nil {
		return user.User{}, fmt.Errorf("hash password: %w", err)
	}
	created, err := s.users.Create(ctx, u, hash)
	if err != nil {
		return user.User{}, fmt.Errorf("add user %s: %w", u.Email, err)
	}
	return created, nil
}

// SignIn returns the rep whose email and password these are. A wrong pair
// is domain.ErrUnauthenticated, whichever half was wrong. An attempt the
// limits hold back is a *RateLimitedError saying how long to wait, decided
// before the password is checked (so a guesser learns nothing more, and
// spends nothing of ours); an attempt that goes ahead counts as a failure
// until its password proves right, so guesses sent at once all count.
func (s *Service) SignIn(ctx context.Context, email, password, address string) (user.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	now := s.now()
	wait, err := s.failures.Reserve(ctx, email, address,
		Counting{Since: now.Add(-s.limits.Window), KnownSince: now.Add(-s.limits.KnownFor)}, s.limits.wait)
	switch {
	case err != nil:
		return user.User{}, fmt.Errorf("count failed sign-ins: %w", err)
	case wait > 0:
		return user.User{}, &RateLimitedError{RetryAfter: wait}
	}
	u, hash, err := s.users.ByEmail(ctx, email)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		_ = s.hasher.Compare(s.dummy(), password)
		return user.User{}, fmt.Errorf("sign in %s: %w", email, domain.ErrUnauthenticated)
	case err != nil:
		return user.User{}, fmt.Errorf("find user: %w", err)
	case s.hasher.Compare(hash, password) != nil:
		return user.User{}, fmt.Errorf("sign in %s: %w", email, domain.ErrUnauthenticated)
	case u.Deactivated:
		// The attempt stays a failure: a deactivated account's password
		// is worth no more guesses than a wrong one.
		return user.User{}, fmt.Errorf("sign in %s: deactivated: %w", email, domain.ErrUnauthenticated)
	}
	if err := s.failures.Succeeded(ctx, email, address); err != nil {
		return user.User{}, fmt.Errorf("clear failed sign-ins: %w", err)
	}
	return u, nil
}

func (s *Service) dummy() string {
	s.dummyOnce.Do(func() {
		s.dummyHash, _ = s.hasher.Hash("an unguessable placeholder password")
	})
	return s.dummyHash
}

// User returns rep id, for a session that names it; a rep deleted or
// deactivated since is domain.ErrUnauthenticated.
func (s *Service) User(ctx context.Context, id int64) (user.User, error) {
	u, err := s.users.Get(ctx, id)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return user.User{}, fmt.Errorf("user %d is gone: %w", id, domain.ErrUnauthenticated)
	case err != nil:
		return user.User{}, fmt.Errorf("get user %d: %w", id, err)
	case u.Deactivated:
		return user.User{}, fmt.Errorf("user %d is deactivated: %w", id, domain.ErrUnauthenticated)
	}
	return u, nil
}

// SetTimeZone records zone, a zone user.ParseTimeZone read, as the one
// rep id's browser reports: their pages show dates in it from now on.
func (s *Service) SetTimeZone(ctx context.Context, id int64, zone user.TimeZone) (user.User, error) {
	u, err := s.users.SetTimeZone(ctx, id, zone)
	if err != nil {
		return user.User{}, fmt.Errorf("set time zone of user %d: %w", id, err)
	}
	return u, nil
}

// Users returns every user, by name.
func (s *Service) Users(ctx context.Context) ([]user.User, error) {
	us, err := s.users.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return us, nil
}

// Change sets user id's role and deactivation and, unless password is
// empty, their password, which must be a valid one. It refuses to leave
// the CRM without an active admin.
func (s *Service) Change(ctx context.Context, id int64, role user.Role, deactivated bool, password string) (user.User, error) {
	var hash string
	if password != "" {
		if err := user.CheckPassword(password); err != nil {
			return user.User{}, err
		}
		var err error
		if hash, err = s.hasher.Hash(password); err != nil {
			return user.User{}, fmt.Errorf("hash password: %w", err)
		}
	}
	if role != user.RoleAdmin || deactivated {
		us, err := s.users.List(ctx)
		if err != nil {
			return user.User{}, fmt.Errorf("list users: %w", err)
		}
		admins := 0
		for _, u := range us {
			if u.Admin() && u.ID != id {
				admins++
			}
		}
		if admins == 0 {
			return user.User{}, &domain.RuleError{Field: user.FieldRole,
				Message: "This is the last active admin: make another user admin first."}
		}
	}
	u, err := s.users.Change(ctx, id, role, deactivated, hash)
	if err != nil {
		return user.User{}, fmt.Errorf("change user %d: %w", id, err)
	}
	return u, nil
}

// CreateToken issues a new API token for the rep with email and returns
// it, once: only its hash is stored. It expires after o.TTL.
func (s *Service) CreateToken(ctx context.Context, email string, o TokenOptions) (string, Token, error) {
	if o.TTL < 0 {
		return "", Token{}, &domain.ValidationError{Fields: []domain.FieldError{{Field: "ttl", Message: "A token's life must be positive."}}}
	}
	if o.TTL == 0 {
		o.TTL = DefaultTokenTTL
	}
	u, _, err := s.users.ByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return "", Token{}, fmt.Errorf("find user %s: %w", email, err)
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret) // never fails (crypto/rand)
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(secret)
	t, err := s.tokens.Create(ctx, Token{UserID: u.ID, ExpiresAt: s.now().Add(o.TTL), ReadOnly: o.ReadOnly}, hashToken(token))
	if err != nil {
		return "", Token{}, fmt.Errorf("store token: %w", err)
	}
	t.UserEmail = u.Email
	return token, t, nil
}

// tokenUseResolution is how precisely a token's last use is recorded.
const tokenUseResolution = time.Minute

// AuthenticateToken returns who token speaks for, or an error wrapping
// domain.ErrUnauthenticated for a malformed, unknown, expired or revoked
// token. It records the use.
func (s *Service) AuthenticateToken(ctx context.Context, token string) (Bearer, error) {
	if !strings.HasPrefix(token, tokenPrefix) || len(token) != len(tokenPrefix)+43 {
		return Bearer{}, fmt.Errorf("malformed token: %w", domain.ErrUnauthenticated)
	}
	u, t, err := s.tokens.ByHash(ctx, hashToken(token))
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return Bearer{}, fmt.Errorf("unknown token: %w", domain.ErrUnauthenticated)
	case err != nil:
		return Bearer{}, fmt.Errorf("check token: %w", err)
	case !t.RevokedAt.IsZero():
		return Bearer{}, fmt.Errorf("token %d was revoked: %w", t.ID, domain.ErrUnauthenticated)
	case !t.Active(s.now()):
		return Bearer{}, fmt.Errorf("token %d expired: %w", t.ID, domain.ErrUnauthenticated)
	case u.Deactivated:
		return Bearer{}, fmt.Errorf("token %d's user is deactivated: %w", t.ID, domain.ErrUnauthenticated)
	}
	if s.now().Sub(t.LastUsedAt) >= tokenUseResolution {
		// Within the minute the use is already recorded: a busy
		// integration's requests are not each a write.
		if err := s.tokens.Used(ctx, t.ID); err != nil {
			return Bearer{}, fmt.Errorf("record token use: %w", err)
		}
	}
	return Bearer{User: u, ReadOnly: t.ReadOnly}, nil
}

// Tokens returns the tokens of the rep with email, everyone's for "",
// newest first.
func (s *Service) Tokens(ctx context.Context, email string) ([]Token, error) {
	var id int64
	if email = strings.TrimSpace(email); email != "" {
		u, _, err := s.users.ByEmail(ctx, strings.ToLower(email))
		if err != nil {
			return nil, fmt.Errorf("find user %s: %w", email, err)
		}
		id = u.ID
	}
	ts, err := s.tokens.List(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return ts, nil
}

// RevokeToken revokes token id at once and for good.
func (s *Service) RevokeToken(ctx context.Context, id int64) (Token, error) {
	t, err := s.tokens.Revoke(ctx, id)
	if err != nil {
		return Token{}, fmt.Errorf("revoke token %d: %w", id, err)
	}
	return t, nil
}

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}
