package auth_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/bcrypt"

	"crm/domain"
	"crm/domain/user"
	"crm/infrastructure/memory"
	"crm/infrastructure/password"
	"crm/usecase/auth"
)

// countingHasher is bcrypt at its lowest cost, counting the comparisons.
type countingHasher struct {
	password.Bcrypt
	compares atomic.Int64
}

func (h *countingHasher) Compare(hash, password string) error {
	h.compares.Add(1)
	return h.Bcrypt.Compare(hash, password)
}

// countingRecorder is the memory failures, remembering the last Counting
// it was asked for: the service's clock is its own, so its window is
// checked through the store it asks.
type countingRecorder struct {
	*memory.LoginFailures
	counting atomic.Pointer[auth.Counting]
}

func (r *countingRecorder) Reserve(ctx context.Context, email, address string, c auth.Counting, decide func(auth.Tally) time.Duration) (time.Duration, error) {
	r.counting.Store(&c)
	return r.LoginFailures.Reserve(ctx, email, address, c, decide)
}

// authFixture is a Service on the memory stores, with the stores to check
// and the store's clock, which a test may move on.
type authFixture struct {
	svc      *auth.Service
	users    *memory.Users
	failures *countingRecorder
	hasher   *countingHasher
	clock    *fakeClock
}

// fakeClock is a clock a test moves by hand.
type fakeClock struct{ now atomic.Pointer[time.Time] }

func (c *fakeClock) Now() time.Time { return *c.now.Load() }

func (c *fakeClock) advance(d time.Duration) { t := c.Now().Add(d); c.now.Store(&t) }

func newAuth(t *testing.T, limits auth.Limits) *authFixture {
	t.Helper()
	users := memory.NewUsers()
	clock := &fakeClock{}
	start := time.Now()
	clock.now.Store(&start)
	failures := memory.NewLoginFailures(limits.Window)
	failures.Clock = clock.Now
	f := &authFixture{users: users, failures: &countingRecorder{LoginFailures: failures},
		hasher: &countingHasher{Bcrypt: password.Bcrypt{Cost: bcrypt.MinCost}}, clock: clock}
	f.svc = auth.NewService(users, memory.NewTokens(users), f.failures, f.hasher, limits)
	return f
}

// tally is what the store counts for email from address within the last
// hour, read without recording an attempt (the decision always waits).
func (f *authFixture) tally(t *testing.T, email, address string) auth.Tally {
	t.Helper()
	var got auth.Tally
	_, err := f.failures.LoginFailures.Reserve(t.Context(), email, address,
		auth.Counting{Since: f.clock.Now().Add(-time.Hour), KnownSince: f.clock.Now().Add(-time.Hour)},
		func(t auth.Tally) time.Duration { got = t; return time.Hour })
	require.NoError(t, err)
	return got
}

// failuresOf returns how many failures are recorded within the last hour
// for email and from address.
func (f *authFixture) failuresOf(t *testing.T, email, address string) (byEmail, byAddress int) {
	t.Helper()
	got := f.tally(t, email, address)
	return got.Account, got.Address
}

// addUser adds a rep the test needs.
func (f *authFixture) addUser(t *testing.T, email, name, password string) user.User {
	t.Helper()
	u, err := f.svc.AddUser(t.Context(), email, name, password, user.RoleRep)
	require.NoError(t, err)
	return u
}

var testLimits = auth.Limits{Window: time.Hour, FreeTries: 3, FirstWait: time.Second, MaxWait: 15 * time.Minute,
	PerAccount: 10, PerAddress: 20, KnownFor: 24 * time.Hour}

func TestAddUser_StoresTheNormalizedRepWithAHashOfThePassword(t *testing.T) {
	t.Parallel()
	f := newAuth(t, testLimits)
	ctx := t.Context()

	u, err := f.svc.AddUser(ctx, "  Maria@Example.com ", " Maria Silva ", "correct horse battery", user.RoleRep)
	require.NoError(t, err)
	assert.Equal(t, user.User{ID: 1, Email: "maria@example.com", Name: "Maria Silva", Role: user.RoleAdmin}, u, "the first user administers")

	stored, hash, err := f.users.ByEmail(ctx, "maria@example.com")
	require.NoError(t, err)
	assert.Equal(t, u, stored)
	assert.NotContains(t, hash, "correct horse")
	assert.NoError(t, f.hasher.Compare(hash, "correct horse battery"), "the stored hash is of the password")
}

func TestAddUser_RefusesInvalidInputAndStoresNothing(t *testing.T) {
	t.Parallel()
	f := newAuth(t, testLimits)
	ctx := t.Context()

	_, err := f.svc.AddUser(ctx, "", " ", "too short", user.RoleRep)
	var invalid *domain.ValidationError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, "Email is required.", invalid.For(user.FieldEmail))
	assert.Equal(t, "Name is required.", invalid.For(user.FieldName))
	assert.Equal(t, "The password needs at least 12 characters.", invalid.For(user.FieldPassword))

	_, err = f.svc.AddUser(ctx, "maria@example.com", "Maria", strings.Repeat("x", user.MaxPasswordLen+1), user.RoleRep)
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, "The password may have at most 72 bytes.", invalid.For(user.FieldPassword))

	_, _, err = f.users.ByEmail(ctx, "maria@example.com")
	assert.ErrorIs(t, err, domain.ErrNotFound)
	assert.Equal(t, int64(1), f.addUser(t, "maria@example.com", "Maria", "correct horse battery").ID,
		"nothing reached the store")
}

func TestAddUser_RefusesAnEmailTakenInAnyCase(t *testing.T) {
	t.Parallel()
	f := newAuth(t, testLimits)
	maria := f.addUser(t, "maria@example.com", "Maria", "correct horse battery")

	_, err := f.svc.AddUser(t.Context(), "MARIA@example.com", "Another Maria", "another long password", user.RoleRep)
	var invalid *domain.ValidationError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, "A user with this email already exists.", invalid.For(user.FieldEmail))

	got, err := f.svc.SignIn(t.Context(), "maria@example.com", "correct horse battery", "10.0.0.1")
	require.NoError(t, err)
	assert.Equal(t, maria, got, "the first rep keeps the account and the password")
}

func TestSignIn_WithTheRightPasswordReturnsTheRep(t *testing.T) {
	t.Parallel()
	f := newAuth(t, testLimits)
	maria := f.addUser(t, "maria@example.com", "Maria", "correct horse battery")

	for _, email := range []string{"maria@example.com", "MARIA@Example.com", "  maria@example.com\t"} {
		got, err := f.svc.SignIn(t.Context(), email, "correct horse battery", "10.0.0.1")
		require.NoError(t, err, email)
		assert.Equal(t, maria, got, email)
	}
	byEmail, byAddress := f.failuresOf(t, "maria@example.com", "10.0.0.1")
	assert.Zero(t, byEmail+byAddress, "no failure left recorded")
}

func TestSignIn_AWrongPasswordIsUnauthenticatedAndRecordsAFailure(t *testing.T) {
	t.Parallel()
	f := newAuth(t, testLimits)
	f.addUser(t, "maria@example.com", "Maria", "correct horse battery")

	for _, wrong := range []string{"correct horse battery!", "Correct horse battery", ""} {
		u, err := f.svc.SignIn(t.Context(), "Maria@example.com", wrong, "10.0.0.1")
		assert.ErrorIs(t, err, domain.ErrUnauthenticated, "password %q", wrong)
		assert.Zero(t, u)
	}
	byEmail, byAddress := f.failuresOf(t, "maria@example.com", "10.0.0.1")
	assert.Equal(t, []int{3, 3}, []int{byEmail, byAddress}, "recorded under the lower-case email")
}

func TestSignIn_AnUnknownEmailIsTheSameErrorAndCostsTheSameHashCheck(t *testing.T) {
	t.Parallel()
	f := newAuth(t, testLimits)
	f.addUser(t, "maria@example.com", "Maria", "correct horse battery")

	before := f.hasher.compares.Load()
	_, err := f.svc.SignIn(t.Context(), "Nobody@example.com", "correct horse battery", "10.0.0.1")
	assert.ErrorIs(t, err, domain.ErrUnauthenticated)
	assert.Equal(t, int64(1), f.hasher.compares.Load()-before, "a hash is compared as for a wrong password")
	byEmail, byAddress := f.failuresOf(t, "nobody@example.com", "10.0.0.1")
	assert.Equal(t, []int{1, 1}, []int{byEmail, byAddress})
}

func TestSignIn_AfterTheFreeTriesEachTryWaitsTwiceAsLong(t *testing.T) {
	t.Parallel()
	f := newAuth(t, testLimits)
	ctx := t.Context()
	f.addUser(t, "maria@example.com", "Maria", "correct horse battery")
	guess := func() error {
		_, err := f.svc.SignIn(ctx, "maria@example.com", "guess", "10.0.0.1")
		return err
	}

	for i := range 3 {
		require.ErrorIs(t, guess(), domain.ErrUnauthenticated, "free try %d", i+1)
	}
	for _, wait := range []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second} {
		before := f.hasher.compares.Load()
		var limited *auth.RateLimitedError
		require.ErrorAs(t, guess(), &limited)
		assert.Equal(t, wait, limited.RetryAfter)
		assert.Equal(t, before, f.hasher.compares.Load(), "a held-back try checks no password")
		_, err := f.svc.SignIn(ctx, "maria@example.com", "correct horse battery", "10.0.0.1")
		require.ErrorAs(t, err, &limited, "even the right password waits its turn")

		f.clock.advance(wait)
		require.ErrorIs(t, guess(), domain.ErrUnauthenticated, "after %s the next guess is checked", wait)
	}
	assert.Equal(t, 7, f.tally(t, "maria@example.com", "10.0.0.1").Pair, "held-back tries are not failures")

	got, err := f.svc.SignIn(ctx, "maria@example.com", "correct horse battery", "10.0.0.2")
	require.NoError(t, err, "another address has its own free tries")
	assert.Equal(t, "maria@example.com", got.Email)
}

func TestSignIn_TheWaitStopsGrowingAtTheMaximum(t *testing.T) {
	t.Parallel()
	f := newAuth(t, auth.Limits{Window: 24 * time.Hour, FreeTries: 0, FirstWait: time.Second, MaxWait: 10 * time.Second,
		PerAccount: 1000, PerAddress: 1000, KnownFor: time.Hour})
	for range 8 {
		_, err := f.svc.SignIn(t.Context(), "maria@example.com", "guess", "10.0.0.1")
		require.ErrorIs(t, err, domain.ErrUnauthenticated)
		f.clock.advance(time.Minute)
	}
	var limited *auth.RateLimitedError
	f.clock.advance(-time.Minute)
	_, err := f.svc.SignIn(t.Context(), "maria@example.com", "guess", "10.0.0.1")
	require.ErrorAs(t, err, &limited)
	assert.Equal(t, 10*time.Second, limited.RetryAfter)
}

func TestSignIn_AGuesserCannotLockTheOwnerOutOfTheAddressTheySignInFrom(t *testing.T) {
	t.Parallel()
	f := newAuth(t, auth.Limits{Window: time.Hour, FreeTries: 3, FirstWait: time.Second, MaxWait: time.Hour,
		PerAccount: 6, PerAddress: 100, KnownFor: 24 * time.Hour})
	ctx := t.Context()
	f.addUser(t, "maria@example.com", "Maria", "correct horse battery")
	_, err := f.svc.SignIn(ctx, "maria@example.com", "correct horse battery", "192.0.2.7") // her office
	require.NoError(t, err)

	// A guesser spreads over addresses: three free tries from each.
	for _, address := range []string{"203.0.113.1", "203.0.113.2"} {
		for range 3 {
			_, err := f.svc.SignIn(ctx, "maria@example.com", "guess", address)
			require.ErrorIs(t, err, domain.ErrUnauthenticated)
		}
	}
	var limited *auth.RateLimitedError
	_, err = f.svc.SignIn(ctx, "maria@example.com", "guess", "203.0.113.3")
	require.ErrorAs(t, err, &limited, "past the account's ceiling a new address waits out the window")
	assert.Equal(t, time.Hour, limited.RetryAfter)
	_, err = f.svc.SignIn(ctx, "maria@example.com", "correct horse battery", "198.51.100.9")
	require.ErrorAs(t, err, &limited, "so does the right password from an address she never used")

	got, err := f.svc.SignIn(ctx, "maria@example.com", "correct horse battery", "192.0.2.7")
	require.NoError(t, err, "her own office still signs her in")
	assert.Equal(t, "maria@example.com", got.Email)
}

func TestSignIn_OneAddressGuessingManyAccountsIsHeldBack(t *testing.T) {
	t.Parallel()
	f := newAuth(t, auth.Limits{Window: time.Hour, FreeTries: 3, FirstWait: time.Second, MaxWait: time.Hour,
		PerAccount: 100, PerAddress: 3, KnownFor: 24 * time.Hour})
	ctx := t.Context()
	john := f.addUser(t, "john@example.com", "John", "staple battery horse")
	_, err := f.svc.SignIn(ctx, "john@example.com", "staple battery horse", "10.0.0.9")
	require.NoError(t, err)

	for _, email := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		_, err := f.svc.SignIn(ctx, email, "guess", "10.0.0.1")
		require.ErrorIs(t, err, domain.ErrUnauthenticated, email)
	}
	_, err = f.svc.SignIn(ctx, "d@example.com", "guess", "10.0.0.1")
	var limited *auth.RateLimitedError
	require.ErrorAs(t, err, &limited, "three failures from one address hold back accounts it is unknown to")
	assert.Equal(t, time.Hour, limited.RetryAfter)

	got, err := f.svc.SignIn(ctx, "john@example.com", "staple battery horse", "10.0.0.2")
	require.NoError(t, err, "another address is not held back")
	assert.Equal(t, john, got)
}

func TestSignIn_CountsFailuresOverTheWindowOnly(t *testing.T) {
	t.Parallel()
	f := newAuth(t, auth.Limits{Window: 15 * time.Minute, FreeTries: 3, FirstWait: time.Second, MaxWait: time.Hour,
		PerAccount: 10, PerAddress: 10, KnownFor: 24 * time.Hour})
	f.addUser(t, "maria@example.com", "Maria", "correct horse battery")

	before := time.Now()
	_, err := f.svc.SignIn(t.Context(), "maria@example.com", "correct horse battery", "10.0.0.1")
	after := time.Now()
	require.NoError(t, err)
	c := f.failures.counting.Load()
	require.NotNil(t, c, "the service counted failures")
	assert.WithinRange(t, c.Since, before.Add(-15*time.Minute), after.Add(-15*time.Minute),
		"failures are counted from one window ago")
	assert.WithinRange(t, c.KnownSince, before.Add(-24*time.Hour), after.Add(-24*time.Hour))
}

func TestSignIn_SuccessForgetsTheFailuresOfThatAccountFromThatAddressOnly(t *testing.T) {
	t.Parallel()
	f := newAuth(t, testLimits)
	ctx := t.Context()
	f.addUser(t, "maria@example.com", "Maria", "correct horse battery")
	for _, address := range []string{"10.0.0.1", "10.0.0.1", "10.0.0.2"} {
		_, _ = f.svc.SignIn(ctx, "maria@example.com", "typo", address)
	}
	_, _ = f.svc.SignIn(ctx, "john@example.com", "typo", "10.0.0.1")

	_, err := f.svc.SignIn(ctx, "Maria@example.com", "correct horse battery", "10.0.0.1")
	require.NoError(t, err)
	got := f.tally(t, "maria@example.com", "10.0.0.1")
	assert.Equal(t, []int{0, 1, 1}, []int{got.Pair, got.Account, got.Address},
		"her failures from there are gone; from 10.0.0.2, and John's, stay")
	assert.True(t, got.Known, "and the address is one she signs in from")
}

func TestSignIn_GuessesSentTogetherAreAllCounted(t *testing.T) {
	t.Parallel()
	f := newAuth(t, testLimits)
	f.addUser(t, "maria@example.com", "Maria", "correct horse battery")
	var refused, checked atomic.Int64
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 40 {
		wg.Go(func() {
			<-start
			password := "guess"
			if i == 20 {
				password = "correct horse battery"
			}
			_, err := f.svc.SignIn(context.Background(), "maria@example.com", password, "10.0.0.1")
			var limited *auth.RateLimitedError
			if errors.As(err, &limited) {
				refused.Add(1)
			} else {
				checked.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()

	assert.LessOrEqual(t, checked.Load(), int64(testLimits.FreeTries), "only the free tries were checked")
	assert.Equal(t, checked.Load(), f.hasher.compares.Load())
	assert.Equal(t, int64(40), refused.Load()+checked.Load())
}

// failingFailures is a Failures store that cannot be reached.
type failingFailures struct{ auth.Failures }

var errDown = errors.New("failures store down")

func (failingFailures) Reserve(context.Context, string, string, auth.Counting, func(auth.Tally) time.Duration) (time.Duration, error) {
	return 0, errDown
}

func TestSignIn_AStoreThatFailsIsAnErrorNotARefusal(t *testing.T) {
	t.Parallel()
	users := memory.NewUsers()
	svc := auth.NewService(users, memory.NewTokens(users), failingFailures{}, password.Bcrypt{Cost: bcrypt.MinCost}, testLimits)

	_, err := svc.SignIn(t.Context(), "maria@example.com", "correct horse battery", "10.0.0.1")
	require.ErrorIs(t, err, errDown)
	assert.NotErrorIs(t, err, domain.ErrUnauthenticated)
	var limited *auth.RateLimitedError
	assert.NotErrorAs(t, err, &limited)
}

func TestUser_ReturnsTheRepAndAMissingOneIsUnauthenticated(t *testing.T) {
	t.Parallel()
	f := newAuth(t, testLimits)
	maria := f.addUser(t, "maria@example.com", "Maria", "correct horse battery")

	got, err := f.svc.User(t.Context(), maria.ID)
	require.NoError(t, err)
	assert.Equal(t, maria, got)

	for _, id := range []int64{maria.ID + 1, 0, -1} {
		_, err = f.svc.User(t.Context(), id)
		assert.ErrorIs(t, err, domain.ErrUnauthenticated, "id %d", id)
		assert.NotErrorIs(t, err, domain.ErrNotFound, "a session of a missing rep signs out, it is no 404")
	}
}

func TestTokens_ACreatedTokenAuthenticatesItsRep(t *testing.T) {
	t.Parallel()
	f := newAuth(t, testLimits)
	ctx := t.Context()
	maria := f.addUser(t, "maria@example.com", "Maria", "correct horse battery")
	john := f.addUser(t, "john@example.com", "John", "staple battery horse")

	token, _, err := f.svc.CreateToken(ctx, " Maria@example.com ", auth.TokenOptions{})
	require.NoError(t, err)
	assert.Regexp(t, `^crm_[A-Za-z0-9_-]{43}$`, token)
	other, _, err := f.svc.CreateToken(ctx, "maria@example.com", auth.TokenOptions{})
	require.NoError(t, err)
	assert.NotEqual(t, token, other, "every token is new")
	johns, _, err := f.svc.CreateToken(ctx, "john@example.com", auth.TokenOptions{})
	require.NoError(t, err)

	for tok, want := range map[string]user.User{token: maria, other: maria, johns: john} {
		got, err := f.svc.AuthenticateToken(ctx, tok)
		require.NoError(t, err)
		assert.Equal(t, auth.Bearer{User: want}, got)
	}

	_, _, err = f.svc.CreateToken(ctx, "nobody@example.com", auth.TokenOptions{})
	assert.ErrorIs(t, err, domain.ErrNotFound, "no token for an unknown rep")
}

func TestTokens_MalformedAndUnknownTokensAreUnauthenticated(t *testing.T) {
	t.Parallel()
	f := newAuth(t, testLimits)
	ctx := t.Context()
	f.addUser(t, "maria@example.com", "Maria", "correct horse battery")
	token, _, err := f.svc.CreateToken(ctx, "maria@example.com", auth.TokenOptions{})
	require.NoError(t, err)

	for name, bad := range map[string]string{
		"empty":               "",
		"only the prefix":     "crm_",
		"one character short": token[:len(token)-1],
		"one character long":  token + "x",
		"with the scheme":     "Bearer " + token,
		"another prefix":      "abc_" + token[4:],
		"well-formed unknown": "crm_" + strings.Repeat("A", 43),
		"in upper case":       strings.ToUpper(token),
	} {
		u, err := f.svc.AuthenticateToken(ctx, bad)
		assert.ErrorIs(t, err, domain.ErrUnauthenticated, name)
		assert.Zero(t, u, name)
	}
}

func TestTokens_ExpireRevokeAndMayBeReadOnly(t *testing.T) {
	t.Parallel()
	f := newAuth(t, testLimits)
	ctx := t.Context()
	f.addUser(t, "maria@example.com", "Maria", "correct horse battery")
	short, t1, err := f.svc.CreateToken(ctx, "maria@example.com", auth.TokenOptions{TTL: time.Nanosecond})
	require.NoError(t, err)
	reader, t2, err := f.svc.CreateToken(ctx, "maria@example.com", auth.TokenOptions{ReadOnly: true})
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now().Add(auth.DefaultTokenTTL), t2.ExpiresAt, time.Minute)

	time.Sleep(time.Millisecond)
	_, err = f.svc.AuthenticateToken(ctx, short)
	assert.ErrorIs(t, err, domain.ErrUnauthenticated, "token %d expired", t1.ID)
	got, err := f.svc.AuthenticateToken(ctx, reader)
	require.NoError(t, err)
	assert.True(t, got.ReadOnly)

	_, err = f.svc.RevokeToken(ctx, t2.ID)
	require.NoError(t, err)
	_, err = f.svc.AuthenticateToken(ctx, reader)
	assert.ErrorIs(t, err, domain.ErrUnauthenticated, "a revoked token")
	listed, err := f.svc.Tokens(ctx, "MARIA@example.com")
	require.NoError(t, err)
	assert.Len(t, listed, 2)
	_, _, err = f.svc.CreateToken(ctx, "maria@example.com", auth.TokenOptions{TTL: -time.Hour})
	var invalid *domain.ValidationError
	assert.ErrorAs(t, err, &invalid, "a negative life")
}
