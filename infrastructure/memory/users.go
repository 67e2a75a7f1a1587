package memory

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"crm/domain"
	"crm/domain/user"
	"crm/usecase/auth"
)

var (
	_ auth.Users    = (*Users)(nil)
	_ auth.Tokens   = (*Tokens)(nil)
	_ auth.Failures = (*LoginFailures)(nil)
)

// errBadText is what PostgreSQL answers for a string it cannot store in a
// TEXT column: invalid UTF-8, or a NUL byte.
var errBadText = errors.New(`invalid byte sequence for encoding "UTF8"`)

// checkText refuses strings PostgreSQL refuses before it even runs the
// statement, so before an id is drawn.
func checkText(values ...string) error {
	for _, s := range values {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			return errBadText
		}
	}
	return nil
}

// violates is the error of a statement a table's constraint refused, naming
// the constraint as PostgreSQL's message does.
func violates(op, kind, constraint string) error {
	return fmt.Errorf("%s: violates %s constraint %q", op, kind, constraint)
}

// storedUser is one row of users.
type storedUser struct {
	user user.User
	hash string
}

// Users keeps the reps who can sign in as the users table does: ids drawn
// from 1 upwards like an identity column (a refused insert uses one up
// too), emails compared exactly and unique, and the table's CHECKs applied:
// an email of 3 to 254 characters already in lower case, a name of 1 to 200
// characters. It is safe for concurrent use.
type Users struct {
	mu      sync.Mutex
	byID    map[int64]storedUser
	byEmail map[string]int64
	lastID  int64
}

// NewUsers returns an empty Users.
func NewUsers() *Users {
	return &Users{byID: map[int64]storedUser{}, byEmail: map[string]int64{}}
}

// Create stores u with its password hash and returns it with its new id. A
// taken email is a *domain.ValidationError on user.FieldEmail; what the
// table's CHECKs refuse is a plain error naming the constraint. Nothing is
// stored when it fails.
func (r *Users) Create(_ context.Context, u user.User, passwordHash string) (user.User, error) {
	if err := checkText(u.Email, u.Name, passwordHash); err != nil {
		return user.User{}, fmt.Errorf("insert user: %w", err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.lastID++ // drawn before the constraints are checked, as nextval is
	// PostgreSQL checks CHECK constraints in name order, then unique indexes.
	switch n := utf8.RuneCountInString(u.Email); {
	case n < 3 || n > 254:
		return user.User{}, violates("insert user", "check", "users_email_length")
	case u.Email != strings.ToLower(u.Email):
		return user.User{}, violates("insert user", "check", "users_email_lower")
	}
	if n := utf8.RuneCountInString(u.Name); n < 1 || n > user.MaxNameLen {
		return user.User{}, violates("insert user", "check", "users_name_length")
	}
	if utf8.RuneCountInString(string(u.TimeZone)) > user.MaxTimeZoneLen {
		return user.User{}, violates("insert user", "check", "users_time_zone_length")
	}
	if _, taken := r.byEmail[u.Email]; taken {
		return user.User{}, &domain.ValidationError{Fields: []domain.FieldError{{
			Field: user.FieldEmail, Message: "A user with this email already exists."}}}
	}
	u.ID = r.lastID
	switch {
	case len(r.byID) == 0:
		u.Role = user.RoleAdmin // the first user administers, as in the users table
	case u.Role == "":
		u.Role = user.RoleRep
	}
	u.Deactivated = false
	r.byID[u.ID] = storedUser{user: u, hash: passwordHash}
	r.byEmail[u.Email] = u.ID
	return u, nil
}

// ByEmail returns the user whose email is exactly email, with its password
// hash, or domain.ErrNotFound.
func (r *Users) ByEmail(_ context.Context, email string) (user.User, string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	id, ok := r.byEmail[email]
	if !ok {
		return user.User{}, "", domain.ErrNotFound
	}
	s := r.byID[id]
	return s.user, s.hash, nil
}

// Get returns user id, or domain.ErrNotFound.
func (r *Users) Get(_ context.Context, id int64) (user.User, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.byID[id]
	if !ok {
		return user.User{}, domain.ErrNotFound
	}
	return s.user, nil
}

// List returns every user, by name.
func (r *Users) List(context.Context) ([]user.User, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]user.User, 0, len(r.byID))
	for _, s := range r.byID {
		out = append(out, s.user)
	}
	slices.SortFunc(out, func(a, b user.User) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
	return out, nil
}

// Change sets user id's role, deactivation and, when hash is not empty,
// password hash; domain.ErrNotFound for an unknown id.
func (r *Users) Change(_ context.Context, id int64, role user.Role, deactivated bool, hash string) (user.User, error) {
	if role != user.RoleRep && role != user.RoleAdmin {
		return user.User{}, violates("update user", "check", "users_role_known")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.byID[id]
	if !ok {
		return user.User{}, domain.ErrNotFound
	}
	s.user.Role, s.user.Deactivated = role, deactivated
	if hash != "" {
		s.hash = hash
	}
	r.byID[id] = s
	return s.user, nil
}

// SetTimeZone sets user id's time zone and returns the user as stored;
// domain.ErrNotFound for an unknown id.
func (r *Users) SetTimeZone(_ context.Context, id int64, zone user.TimeZone) (user.User, error) {
	if utf8.RuneCountInString(string(zone)) > user.MaxTimeZoneLen {
		return user.User{}, violates("update user", "check", "users_time_zone_length")
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	s, ok := r.byID[id]
	if !ok {
		return user.User{}, domain.ErrNotFound
	}
	s.user.TimeZone = zone
	r.byID[id] = s
	return s.user, nil
}

// Tokens keeps API tokens as the api_tokens table does: each belongs to a
// user of its Users, which must exist (the foreign key), its hash is 32
// bytes (a SHA-256) and unique. It is safe for concurrent use.
type Tokens struct {
	users *Users

	mu     sync.Mutex
	lastID int64
	byHash map[string]int64      // hash → token id
	tokens map[int64]*auth.Token // by id
}

// NewTokens returns an empty Tokens whose tokens belong to users' users,
// as api_tokens rows join users.
func NewTokens(users *Users) *Tokens {
	return &Tokens{users: users, byHash: map[string]int64{}, tokens: map[int64]*auth.Token{}}
}

// Create stores t with hash. An unknown user, no hash (nil is NULL), a hash
// that is not 32 bytes or one already stored is an error naming the
// constraint that refused it, and nothing is stored.
func (r *Tokens) Create(ctx context.Context, t auth.Token, hash []byte) (auth.Token, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch _, taken := r.byHash[string(hash)]; {
	case hash == nil:
		return auth.Token{}, errors.New(`insert token: null value in column "token_hash" of relation "api_tokens" violates not-null constraint`)
	case len(hash) != 32:
		return auth.Token{}, violates("insert token", "check", "api_tokens_hash_size")
	case taken:
		return auth.Token{}, violates("insert token", "unique", "api_tokens_hash_key")
	}
	u, err := r.users.Get(ctx, t.UserID)
	if err != nil {
		return auth.Token{}, violates("insert token", "foreign key", "api_tokens_user_fkey")
	}
	r.lastID++
	t.ID, t.UserEmail, t.CreatedAt = r.lastID, u.Email, now()
	t.ExpiresAt = t.ExpiresAt.Truncate(time.Microsecond)
	t.LastUsedAt, t.RevokedAt = time.Time{}, time.Time{}
	r.byHash[string(hash)] = t.ID
	r.tokens[t.ID] = &t
	return t, nil
}

// ByHash returns the token with hash and its user as they are now, or
// domain.ErrNotFound.
func (r *Tokens) ByHash(ctx context.Context, hash []byte) (user.User, auth.Token, error) {
	r.mu.Lock()
	id, ok := r.byHash[string(hash)]
	var t auth.Token
	if ok {
		t = *r.tokens[id]
	}
	r.mu.Unlock()
	if !ok {
		return user.User{}, auth.Token{}, domain.ErrNotFound
	}
	u, err := r.users.Get(ctx, t.UserID)
	return u, t, err
}

// Used records the use of token id, at most once a minute.
func (r *Tokens) Used(_ context.Context, id int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if t, ok := r.tokens[id]; ok && (t.LastUsedAt.IsZero() || now().Sub(t.LastUsedAt) > time.Minute) {
		t.LastUsedAt = now()
	}
	return nil
}

// List returns user userID's tokens, everyone's for 0, newest first.
func (r *Tokens) List(_ context.Context, userID int64) ([]auth.Token, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := []auth.Token{}
	for _, t := range r.tokens {
		if userID == 0 || t.UserID == userID {
			out = append(out, *t)
		}
	}
	slices.SortFunc(out, func(a, b auth.Token) int { return int(b.ID - a.ID) })
	return out, nil
}

// Revoke revokes token id, keeping the time of a first revocation.
func (r *Tokens) Revoke(_ context.Context, id int64) (auth.Token, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	t, ok := r.tokens[id]
	if !ok {
		return auth.Token{}, domain.ErrNotFound
	}
	if t.RevokedAt.IsZero() {
		t.RevokedAt = now()
	}
	return *t, nil
}

// failure is one row of login_failures.
type failure struct {
	email, address string
	at             time.Time
}

// LoginFailures counts failed sign-ins as the login_failures and
// sign_in_addresses tables do, stamped with the current time at the
// database's precision (microseconds) and compared exactly by email and by
// address. It is safe for concurrent use; attempts are decided one at a
// time, as the database decides those on one account.
type LoginFailures struct {
	// keep is how long a failure is worth keeping: older ones are deleted
	// as new failures arrive.
	keep time.Duration
	// Clock is the store's clock, which stamps failures and sign-ins, as
	// the database's stamps its rows; tests may set it before use.
	Clock func() time.Time

	mu       sync.Mutex
	failures []failure               // oldest first
	signedIn map[[2]string]time.Time // (email, address) → last sign-in
}

// NewLoginFailures returns an empty LoginFailures that forgets failures
// older than keep.
func NewLoginFailures(keep time.Duration) *LoginFailures {
	return &LoginFailures{keep: keep, Clock: now, signedIn: map[[2]string]time.Time{}}
}

// Reserve decides an attempt as the PostgreSQL store does (see
// auth.Failures).
func (f *LoginFailures) Reserve(_ context.Context, email, address string, c auth.Counting, decide func(auth.Tally) time.Duration) (time.Duration, error) {
	if err := checkText(email, address); err != nil {
		return 0, fmt.Errorf("reserve sign-in attempt: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	at := f.Clock().Truncate(time.Microsecond)
	since := c.Since.Truncate(time.Microsecond) // a timestamptz holds microseconds
	t := auth.Tally{Now: at}
	for _, x := range f.failures {
		pair := x.email == email && x.address == address
		if pair && x.at.After(t.LastPair) {
			t.LastPair = x.at
		}
		if x.at.Before(since) {
			continue
		}
		if pair {
			t.Pair++
		}
		if x.email == email {
			t.Account++
		}
		if x.address == address {
			t.Address++
		}
	}
	last, ok := f.signedIn[[2]string{email, address}]
	t.Known = ok && !last.Before(c.KnownSince.Truncate(time.Microsecond))
	if wait := decide(t); wait > 0 {
		return wait, nil
	}
	expired := at.Add(-f.keep.Truncate(time.Microsecond)) // an interval holds microseconds
	f.failures = slices.DeleteFunc(f.failures, func(x failure) bool { return x.at.Before(expired) })
	f.failures = append(f.failures, failure{email: email, address: address, at: at})
	return 0, nil
}

// Succeeded forgets the failures of email from address and remembers the
// address.
func (f *LoginFailures) Succeeded(_ context.Context, email, address string) error {
	if err := checkText(email, address); err != nil {
		return fmt.Errorf("record sign-in: %w", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures = slices.DeleteFunc(f.failures, func(x failure) bool { return x.email == email && x.address == address })
	f.signedIn[[2]string{email, address}] = f.Clock().Truncate(time.Microsecond)
	return nil
}
