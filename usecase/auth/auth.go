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
	// Create stores u with its password hash and returns it with its id. An
	// email already taken is a *domain.ValidationError on user.FieldEmail.
	Create(ctx context.Context, u user.User, passwordHash string) (user.User, error)
	// ByEmail returns the user with email (lower case) and its password
	// hash, or domain.ErrNotFound.
	ByEmail(ctx context.Context, email string) (u user.User, passwordHash string, err error)
	// Get returns user id, or domain.ErrNotFound.
	Get(ctx context.Context, id int64) (user.User, error)
}

// Tokens stores the hashes of API tokens.
type Tokens interface {
	Create(ctx context.Context, userID int64, hash []byte) error
	// UserByHash returns the user a token hash belongs to, or
	// domain.ErrNotFound.
	UserByHash(ctx context.Context, hash []byte) (user.User, error)
}

// Failures counts failed sign-ins, shared by every app instance.
type Failures interface {
	Record(ctx context.Context, email, address string) error
	// Count returns the failures for email and from address since then.
	Count(ctx context.Context, email, address string, since time.Time) (byEmail, byAddress int, err error)
	// Clear forgets email's failures after it signed in.
	Clear(ctx context.Context, email string) error
}

// Hasher turns passwords into slow, salted hashes and checks them.
type Hasher interface {
	Hash(password string) (string, error)
	// Compare returns nil when password matches hash.
	Compare(hash, password string) error
}

// Limits bound how many failed sign-ins are allowed within Window, per
// account (guessing one rep's password) and per address (trying many).
type Limits struct {
	Window     time.Duration
	PerAccount int
	PerAddress int
}

// DefaultLimits lets a rep mistype a few times but stops a guesser early.
var DefaultLimits = Limits{Window: 15 * time.Minute, PerAccount: 5, PerAddress: 20}

// RateLimitedError is a sign-in refused because too many failed recently.
type RateLimitedError struct {
	RetryAfter time.Duration
}

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("too many failed sign-ins; try again in %s", e.RetryAfter.Round(time.Minute))
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

// AddUser validates and stores a new rep with password.
func (s *Service) AddUser(ctx context.Context, email, name, password string) (user.User, error) {
	u, err := user.New(email, name, password)
	if err != nil {
		return user.User{}, err
	}
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
// is domain.ErrUnauthenticated, whichever half was wrong; too many recent
// failures for the account or from address is a *RateLimitedError, checked
// before the password so a guesser learns nothing more.
func (s *Service) SignIn(ctx context.Context, email, password, address string) (user.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	byEmail, byAddress, err := s.failures.Count(ctx, email, address, s.now().Add(-s.limits.Window))
	if err != nil {
		return user.User{}, fmt.Errorf("count failed sign-ins: %w", err)
	}
	if byEmail >= s.limits.PerAccount || byAddress >= s.limits.PerAddress {
		return user.User{}, &RateLimitedError{RetryAfter: s.limits.Window}
	}
	u, hash, err := s.users.ByEmail(ctx, email)
	switch {
	case errors.Is(err, domain.ErrNotFound):
		_ = s.hasher.Compare(s.dummy(), password)
		return user.User{}, s.fail(ctx, email, address)
	case err != nil:
		return user.User{}, fmt.Errorf("find user: %w", err)
	case s.hasher.Compare(hash, password) != nil:
		return user.User{}, s.fail(ctx, email, address)
	}
	if err := s.failures.Clear(ctx, email); err != nil {
		return user.User{}, fmt.Errorf("clear failed sign-ins: %w", err)
	}
	return u, nil
}

func (s *Service) fail(ctx context.Context, email, address string) error {
	if err := s.failures.Record(ctx, email, address); err != nil {
		return fmt.Errorf("record failed sign-in: %w", err)
	}
	return fmt.Errorf("sign in %s: %w", email, domain.ErrUnauthenticated)
}

func (s *Service) dummy() string {
	s.dummyOnce.Do(func() {
		s.dummyHash, _ = s.hasher.Hash("an unguessable placeholder password")
	})
	return s.dummyHash
}

// User returns rep id, for a session that names it; a rep deleted since is
// domain.ErrUnauthenticated.
func (s *Service) User(ctx context.Context, id int64) (user.User, error) {
	u, err := s.users.Get(ctx, id)
	if errors.Is(err, domain.ErrNotFound) {
		return user.User{}, fmt.Errorf("user %d is gone: %w", id, domain.ErrUnauthenticated)
	}
	if err != nil {
		return user.User{}, fmt.Errorf("get user %d: %w", id, err)
	}
	return u, nil
}

// CreateToken issues a new API token for the rep with email and returns it.
// It is shown once: only its hash is stored.
func (s *Service) CreateToken(ctx context.Context, email string) (string, error) {
	u, _, err := s.users.ByEmail(ctx, strings.ToLower(strings.TrimSpace(email)))
	if err != nil {
		return "", fmt.Errorf("find user %s: %w", email, err)
	}
	secret := make([]byte, 32)
	_, _ = rand.Read(secret) // never fails (crypto/rand)
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(secret)
	if err := s.tokens.Create(ctx, u.ID, hashToken(token)); err != nil {
		return "", fmt.Errorf("store token: %w", err)
	}
	return token, nil
}

// AuthenticateToken returns the rep token belongs to, or an error wrapping
// domain.ErrUnauthenticated for a malformed or unknown token.
func (s *Service) AuthenticateToken(ctx context.Context, token string) (user.User, error) {
	if !strings.HasPrefix(token, tokenPrefix) || len(token) != len(tokenPrefix)+43 {
		return user.User{}, fmt.Errorf("malformed token: %w", domain.ErrUnauthenticated)
	}
	u, err := s.tokens.UserByHash(ctx, hashToken(token))
	if errors.Is(err, domain.ErrNotFound) {
		return user.User{}, fmt.Errorf("unknown token: %w", domain.ErrUnauthenticated)
	}
	if err != nil {
		return user.User{}, fmt.Errorf("check token: %w", err)
	}
	return u, nil
}

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}
