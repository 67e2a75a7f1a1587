package auth_test

import (
	"context"
	"errors"
	"strings"
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

// sinceRecorder is the memory failures, remembering the last since it was
// asked to count from: the service's clock is its own, so its window is
// checked through the stores it asks.
type sinceRecorder struct {
	*memory.LoginFailures
	since atomic.Pointer[time.Time]
}

func (r *sinceRecorder) Count(ctx context.Context, email, address string, since time.Time) (int, int, error) {
	r.since.Store(&since)
	return r.LoginFailures.Count(ctx, email, address, since)
}

// authFixture is a Service on the memory stores, with the stores to check.
type authFixture struct {
	svc      *auth.Service
	users    *memory.Users
	failures *sinceRecorder
	hasher   *countingHasher
}

func newAuth(t *testing.T, limits auth.Limits) *authFixture {
	t.Helper()
	users := memory.NewUsers()
	f := &authFixture{users: users, failures: &sinceRecorder{LoginFailures: memory.NewLoginFailures(limits.Window)},
		hasher: &countingHasher{Bcrypt: password.Bcrypt{Cost: bcrypt.MinCost}}}
	f.svc = auth.NewService(users, memory.NewTokens(users), f.failures, f.hasher, limits)
	return f
}

// addUser adds a rep the test needs.
func (f *authFixture) addUser(t *testing.T, email, name, password string) user.User {
	t.Helper()
	u, err := f.svc.AddUser(t.Context(), email, name, password)
	require.NoError(t, err)
	return u
}

// failures returns how many failures are recorded within the last hour for
// email and from address.
func (f *authFixture) failuresOf(t *testing.T, email, address string) (byEmail, byAddress int) {
	t.Helper()
	byEmail, byAddress, err := f.failures.Count(t.Context(), email, address, time.Now().Add(-time.Hour))
	require.NoError(t, err)
	return byEmail, byAddress
}

var testLimits = auth.Limits{Window: time.Hour, PerAccount: 3, PerAddress: 5}

func TestAddUser_StoresTheNormalizedRepWithAHashOfThePassword(t *testing.T) {
	t.Parallel()
	f := newAuth(t, testLimits)
	ctx := t.Context()

	u, err := f.svc.AddUser(ctx, "  Maria@Example.com ", " Maria Silva ", "correct horse battery")
	require.NoError(t, err)
	assert.Equal(t, user.User{ID: 1, Email: "maria@example.com", Name: "Maria Silva"}, u)

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

	_, err := f.svc.AddUser(ctx, "", " ", "too short")
	var invalid *domain.ValidationError
	require.ErrorAs(t, err, &invalid)
	assert.Equal(t, "Email is required.", invalid.For(user.FieldEmail))
	assert.Equal(t, "Name is required.", invalid.For(user.FieldName))
	assert.Equal(t, "The password needs at least 12 characters.", invalid.For(user.FieldPassword))

	_, err = f.svc.AddUser(ctx, "maria@example.com", "Maria", strings.Repeat("x", user.MaxPasswordLen+1))
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

	_, err := f.svc.AddUser(t.Context(), "MARIA@example.com", "Another Maria", "another long password")
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
	assert.Zero(t, byEmail+byAddress, "no failure recorded")
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

func TestSignIn_IsRateLimitedAfterPerAccountFailures(t *testing.T) {
	t.Parallel()
	f := newAuth(t, auth.Limits{Window: 10 * time.Minute, PerAccount: 3, PerAddress: 100})
	ctx := t.Context()
	f.addUser(t, "maria@example.com", "Maria", "correct horse battery")
	john := f.addUser(t, "john@example.com", "John", "staple battery horse")

	for i := range 2 {
		_, err := f.svc.SignIn(ctx, "maria@example.com", "guess", "10.0.0.1")
		require.ErrorIs(t, err, domain.ErrUnauthenticated, "failure %d", i+1)
	}
	_, err := f.svc.SignIn(ctx, "maria@example.com", "guess", "10.0.0.2")
	require.ErrorIs(t, err, domain.ErrUnauthenticated, "the third failure is still answered")

	for _, address := range []string{"10.0.0.1", "10.0.0.3"} {
		_, err = f.svc.SignIn(ctx, "MARIA@example.com", "correct horse battery", address)
		var limited *auth.RateLimitedError
		require.ErrorAs(t, err, &limited, "even the right password waits, from %s", address)
		assert.Equal(t, 10*time.Minute, limited.RetryAfter)
		assert.NotErrorIs(t, err, domain.ErrUnauthenticated)
	}
	byEmail, _ := f.failuresOf(t, "maria@example.com", "10.0.0.1")
	assert.Equal(t, 3, byEmail, "a limited attempt records no failure and checks no password")

	got, err := f.svc.SignIn(ctx, "john@example.com", "staple battery horse", "10.0.0.1")
	require.NoError(t, err, "another account from the same address is not limited")
	assert.Equal(t, john, got)
}

func TestSignIn_IsRateLimitedAfterPerAddressFailures(t *testing.T) {
	t.Parallel()
	f := newAuth(t, auth.Limits{Window: time.Hour, PerAccount: 100, PerAddress: 3})
	ctx := t.Context()
	john := f.addUser(t, "john@example.com", "John", "staple battery horse")

	for _, email := range []string{"a@example.com", "b@example.com", "c@example.com"} {
		_, err := f.svc.SignIn(ctx, email, "guess", "10.0.0.1")
		require.ErrorIs(t, err, domain.ErrUnauthenticated, email)
	}
	_, err := f.svc.SignIn(ctx, "john@example.com", "staple battery horse", "10.0.0.1")
	var limited *auth.RateLimitedError
	require.ErrorAs(t, err, &limited, "three failures from one address limit every account from it")
	assert.Equal(t, time.Hour, limited.RetryAfter)

	got, err := f.svc.SignIn(ctx, "john@example.com", "staple battery horse", "10.0.0.2")
	require.NoError(t, err, "another address is not limited")
	assert.Equal(t, john, got)
}

func TestSignIn_CountsFailuresOverTheWindowOnly(t *testing.T) {
	t.Parallel()
	f := newAuth(t, auth.Limits{Window: 15 * time.Minute, PerAccount: 3, PerAddress: 5})
	f.addUser(t, "maria@example.com", "Maria", "correct horse battery")

	before := time.Now()
	_, err := f.svc.SignIn(t.Context(), "maria@example.com", "correct horse battery", "10.0.0.1")
	after := time.Now()
	require.NoError(t, err)
	since := f.failures.since.Load()
	require.NotNil(t, since, "the service counted failures")
	assert.WithinRange(t, *since, before.Add(-15*time.Minute), after.Add(-15*time.Minute),
		"failures are counted from one window ago")
}

func TestSignIn_SuccessForgetsTheAccountsFailuresOnly(t *testing.T) {
	t.Parallel()
	f := newAuth(t, auth.Limits{Window: time.Hour, PerAccount: 3, PerAddress: 100})
	ctx := t.Context()
	f.addUser(t, "maria@example.com", "Maria", "correct horse battery")
	for range 2 {
		_, _ = f.svc.SignIn(ctx, "maria@example.com", "typo", "10.0.0.1")
	}
	_, _ = f.svc.SignIn(ctx, "john@example.com", "typo", "10.0.0.1")

	_, err := f.svc.SignIn(ctx, "Maria@example.com", "correct horse battery", "10.0.0.2")
	require.NoError(t, err)
	byEmail, byAddress := f.failuresOf(t, "maria@example.com", "10.0.0.1")
	assert.Equal(t, []int{0, 1}, []int{byEmail, byAddress}, "Maria's failures are gone, John's stay")
	byEmail, _ = f.failuresOf(t, "john@example.com", "10.0.0.1")
	assert.Equal(t, 1, byEmail)

	for range 2 {
		_, _ = f.svc.SignIn(ctx, "maria@example.com", "typo", "10.0.0.1")
	}
	_, err = f.svc.SignIn(ctx, "maria@example.com", "correct horse battery", "10.0.0.1")
	assert.NoError(t, err, "two typos after a success are not three in a row")
}

// failingFailures is a Failures store that cannot be reached.
type failingFailures struct{ auth.Failures }

var errDown = errors.New("failures store down")

func (failingFailures) Count(context.Context, string, string, time.Time) (int, int, error) {
	return 0, 0, errDown
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

	token, err := f.svc.CreateToken(ctx, " Maria@example.com ")
	require.NoError(t, err)
	assert.Regexp(t, `^crm_[A-Za-z0-9_-]{43}$`, token)
	other, err := f.svc.CreateToken(ctx, "maria@example.com")
	require.NoError(t, err)
	assert.NotEqual(t, token, other, "every token is new")
	johns, err := f.svc.CreateToken(ctx, "john@example.com")
	require.NoError(t, err)

	for tok, want := range map[string]user.User{token: maria, other: maria, johns: john} {
		got, err := f.svc.AuthenticateToken(ctx, tok)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}

	_, err = f.svc.CreateToken(ctx, "nobody@example.com")
	assert.ErrorIs(t, err, domain.ErrNotFound, "no token for an unknown rep")
}

func TestTokens_MalformedAndUnknownTokensAreUnauthenticated(t *testing.T) {
	t.Parallel()
	f := newAuth(t, testLimits)
	ctx := t.Context()
	f.addUser(t, "maria@example.com", "Maria", "correct horse battery")
	token, err := f.svc.CreateToken(ctx, "maria@example.com")
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
