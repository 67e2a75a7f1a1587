package contract_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/user"
	"crm/infrastructure/memory"
	"crm/infrastructure/postgres"
	"crm/infrastructure/postgres/pgtest"
	"crm/usecase/auth"
)

// authStores are the stores sign-in needs, all from one implementation.
type authStores struct {
	users    auth.Users
	tokens   auth.Tokens
	failures auth.Failures
}

// authImplementation makes fresh, empty stores of one implementation, whose
// failures are kept for keep.
type authImplementation struct {
	name string
	new  func(t *testing.T, keep time.Duration) authStores
}

var authImplementations = []authImplementation{
	{"postgres", func(t *testing.T, keep time.Duration) authStores {
		db := pgtest.New(t)
		return authStores{postgres.NewUserRepository(db.Pool), postgres.NewTokenRepository(db.Pool),
			postgres.NewLoginFailures(db.Pool, keep)}
	}},
	{"memory", func(_ *testing.T, keep time.Duration) authStores {
		users := memory.NewUsers()
		return authStores{users, memory.NewTokens(users), memory.NewLoginFailures(keep)}
	}},
}

// authEach runs test once per implementation, in parallel subtests named
// after it, each on fresh stores that keep failures for an hour.
func authEach(t *testing.T, test func(t *testing.T, s authStores)) {
	t.Helper()
	authEachKeeping(t, time.Hour, test)
}

// authEachKeeping is authEach with stores that keep failures for keep.
func authEachKeeping(t *testing.T, keep time.Duration, test func(t *testing.T, s authStores)) {
	t.Helper()
	for _, impl := range authImplementations {
		t.Run(impl.name, func(t *testing.T) {
			t.Parallel()
			test(t, impl.new(t, keep))
		})
	}
}

// authCreate stores a user that the test needs to exist.
func authCreate(t *testing.T, s authStores, email, name, hash string) user.User {
	t.Helper()
	u, err := s.users.Create(t.Context(), user.User{Email: email, Name: name}, hash)
	require.NoError(t, err)
	return u
}

// authHash is the token hash of token, as the service computes it.
func authHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// authAssertNoUser checks that no user has email.
func authAssertNoUser(t *testing.T, s authStores, email string) {
	t.Helper()
	_, _, err := s.users.ByEmail(t.Context(), email)
	assert.ErrorIs(t, err, domain.ErrNotFound, "no user %q", email)
}

func TestAuthUsers_CreateThenFindByEmailAndByID(t *testing.T) {
	t.Parallel()
	authEach(t, func(t *testing.T, s authStores) {
		ctx := t.Context()
		maria, err := s.users.Create(ctx, user.User{Email: "maria@example.com", Name: "Maria Silva"}, "$2a$hash-of-maria")
		require.NoError(t, err)
		assert.Equal(t, user.User{ID: 1, Email: "maria@example.com", Name: "Maria Silva", Role: user.RoleAdmin}, maria,
			"ids start at 1; the first user administers")
		john, err := s.users.Create(ctx, user.User{ID: 99, Email: "john@example.com", Name: "John", Deactivated: true}, "$2a$hash-of-john")
		require.NoError(t, err)
		assert.Equal(t, user.User{ID: 2, Email: "john@example.com", Name: "John", Role: user.RoleRep}, john,
			"the store assigns the id, ignoring the one given; a new user is an active rep unless asked")

		got, hash, err := s.users.ByEmail(ctx, "maria@example.com")
		require.NoError(t, err)
		assert.Equal(t, maria, got)
		assert.Equal(t, "$2a$hash-of-maria", hash)
		got, hash, err = s.users.ByEmail(ctx, "john@example.com")
		require.NoError(t, err)
		assert.Equal(t, john, got)
		assert.Equal(t, "$2a$hash-of-john", hash)

		got, err = s.users.Get(ctx, maria.ID)
		require.NoError(t, err)
		assert.Equal(t, maria, got)
		got, err = s.users.Get(ctx, john.ID)
		require.NoError(t, err)
		assert.Equal(t, john, got)
	})
}

func TestAuthUsers_ADuplicateEmailIsAValidationErrorAndStoresNothing(t *testing.T) {
	t.Parallel()
	authEach(t, func(t *testing.T, s authStores) {
		ctx := t.Context()
		maria := authCreate(t, s, "maria@example.com", "Maria", "$2a$first")

		_, err := s.users.Create(ctx, user.User{Email: "maria@example.com", Name: "Another Maria"}, "$2a$second")
		var invalid *domain.ValidationError
		require.ErrorAs(t, err, &invalid)
		assert.Equal(t, []domain.FieldError{{Field: user.FieldEmail, Message: "A user with this email already exists."}},
			invalid.Fields)

		got, hash, err := s.users.ByEmail(ctx, "maria@example.com")
		require.NoError(t, err)
		assert.Equal(t, maria, got, "the first user is untouched")
		assert.Equal(t, "$2a$first", hash)
		_, err = s.users.Get(ctx, 2)
		assert.ErrorIs(t, err, domain.ErrNotFound, "the refused user was not stored")

		john := authCreate(t, s, "john@example.com", "John", "$2a$john")
		assert.Equal(t, int64(3), john.ID, "the refused insert used up an id, as an identity column does")
	})
}

func TestAuthUsers_UnknownEmailOrIDIsNotFound(t *testing.T) {
	t.Parallel()
	authEach(t, func(t *testing.T, s authStores) {
		ctx := t.Context()
		authAssertNoUser(t, s, "maria@example.com")
		maria := authCreate(t, s, "maria@example.com", "Maria", "$2a$hash")

		for _, email := range []string{"john@example.com", "", "MARIA@example.com", "Maria@Example.com", " maria@example.com", "maria@example.com "} {
			authAssertNoUser(t, s, email) // compared exactly: the use case lower-cases and trims
		}
		for _, id := range []int64{0, -1, maria.ID + 1, 1 << 62} {
			_, err := s.users.Get(ctx, id)
			assert.ErrorIs(t, err, domain.ErrNotFound, "id %d", id)
		}
	})
}

func TestAuthUsers_CreateRefusesWhatTheTableDoesNotAllow(t *testing.T) {
	t.Parallel()
	authEach(t, func(t *testing.T, s authStores) {
		ctx := t.Context()
		for _, tc := range []struct {
			name       string
			u          user.User
			constraint string
		}{
			{"an email not in lower case", user.User{Email: "Maria@example.com", Name: "Maria"}, "users_email_lower"},
			{"an email of 2 characters", user.User{Email: "a@", Name: "Maria"}, "users_email_length"},
			{"an email of 255 characters", user.User{Email: strings.Repeat("m", 243) + "@example.com", Name: "Maria"}, "users_email_length"},
			{"an empty name", user.User{Email: "maria@example.com"}, "users_name_length"},
			{"a name of 201 characters", user.User{Email: "maria@example.com", Name: strings.Repeat("é", 201)}, "users_name_length"},
		} {
			_, err := s.users.Create(ctx, tc.u, "$2a$hash")
			require.Error(t, err, tc.name)
			assert.ErrorContains(t, err, tc.constraint, tc.name)
			var invalid *domain.ValidationError
			assert.NotErrorAs(t, err, &invalid, "%s: a broken invariant, not the rep's input", tc.name)
			authAssertNoUser(t, s, tc.u.Email)
		}

		longest := authCreate(t, s, strings.Repeat("m", 242)+"@example.com", strings.Repeat("é", 200), "$2a$hash")
		assert.Equal(t, int64(6), longest.ID, "lengths count characters, not bytes; every refused insert used up an id")
		shortest := authCreate(t, s, "a@b", "J", "$2a$hash")
		assert.Equal(t, int64(7), shortest.ID)
	})
}

func TestAuthUsers_TextPostgreSQLCannotStoreIsRefusedBeforeAnIDIsDrawn(t *testing.T) {
	t.Parallel()
	authEach(t, func(t *testing.T, s authStores) {
		ctx := t.Context()
		for _, tc := range []struct {
			name string
			u    user.User
			hash string
		}{
			{"a NUL in the name", user.User{Email: "maria@example.com", Name: "Ma\x00ria"}, "$2a$hash"},
			{"invalid UTF-8 in the email", user.User{Email: "maria\xff@example.com", Name: "Maria"}, "$2a$hash"},
			{"a NUL in the hash", user.User{Email: "maria@example.com", Name: "Maria"}, "$2a$\x00"},
		} {
			_, err := s.users.Create(ctx, tc.u, tc.hash)
			assert.ErrorContains(t, err, `invalid byte sequence for encoding "UTF8"`, tc.name)
		}
		authAssertNoUser(t, s, "maria@example.com")
		assert.Equal(t, int64(1), authCreate(t, s, "maria@example.com", "Maria", "$2a$hash").ID)
	})
}

// authToken stores a token of user userID with the hash of token,
// expiring in an hour.
func authToken(t *testing.T, s authStores, userID int64, token string) auth.Token {
	t.Helper()
	stored, err := s.tokens.Create(t.Context(), auth.Token{UserID: userID, ExpiresAt: time.Now().Add(time.Hour)}, authHash(token))
	require.NoError(t, err)
	return stored
}

func TestAuthTokens_CreateThenByHash(t *testing.T) {
	t.Parallel()
	authEach(t, func(t *testing.T, s authStores) {
		ctx := t.Context()
		maria := authCreate(t, s, "maria@example.com", "Maria", "$2a$maria")
		john := authCreate(t, s, "john@example.com", "John", "$2a$john")
		expires := time.Now().Add(time.Hour).Truncate(time.Microsecond)
		first, err := s.tokens.Create(ctx, auth.Token{UserID: maria.ID, ExpiresAt: expires, ReadOnly: true}, authHash("crm_maria1"))
		require.NoError(t, err)
		assert.Equal(t, int64(1), first.ID)
		assert.Equal(t, "maria@example.com", first.UserEmail)
		assert.WithinDuration(t, time.Now(), first.CreatedAt, time.Minute)
		assert.True(t, first.ExpiresAt.Equal(expires))
		assert.True(t, first.ReadOnly)
		assert.True(t, first.LastUsedAt.IsZero() && first.RevokedAt.IsZero())
		authToken(t, s, maria.ID, "crm_maria2")
		johns := authHash("crm_john")
		_, err = s.tokens.Create(ctx, auth.Token{UserID: john.ID, ExpiresAt: expires}, johns)
		require.NoError(t, err)
		johns[0] ^= 0xff // the caller's slice is not kept

		for token, want := range map[string]user.User{"crm_maria1": maria, "crm_maria2": maria, "crm_john": john} {
			got, tok, err := s.tokens.ByHash(ctx, authHash(token))
			require.NoError(t, err, token)
			assert.Equal(t, want, got, token)
			assert.Equal(t, want.ID, tok.UserID, token)
		}
	})
}

func TestAuthTokens_ListUsedAndRevoke(t *testing.T) {
	t.Parallel()
	authEach(t, func(t *testing.T, s authStores) {
		ctx := t.Context()
		maria := authCreate(t, s, "maria@example.com", "Maria", "$2a$maria")
		john := authCreate(t, s, "john@example.com", "John", "$2a$john")
		m1, j1, m2 := authToken(t, s, maria.ID, "crm_m1"), authToken(t, s, john.ID, "crm_j1"), authToken(t, s, maria.ID, "crm_m2")

		all, err := s.tokens.List(ctx, 0)
		require.NoError(t, err)
		assert.Equal(t, []int64{m2.ID, j1.ID, m1.ID}, tokenIDs(all), "everyone's, newest first")
		marias, err := s.tokens.List(ctx, maria.ID)
		require.NoError(t, err)
		assert.Equal(t, []int64{m2.ID, m1.ID}, tokenIDs(marias))
		none, err := s.tokens.List(ctx, 424242)
		require.NoError(t, err)
		assert.Empty(t, none)

		require.NoError(t, s.tokens.Used(ctx, m1.ID))
		_, used, err := s.tokens.ByHash(ctx, authHash("crm_m1"))
		require.NoError(t, err)
		assert.WithinDuration(t, time.Now(), used.LastUsedAt, time.Minute)
		require.NoError(t, s.tokens.Used(ctx, m1.ID))
		_, again, err := s.tokens.ByHash(ctx, authHash("crm_m1"))
		require.NoError(t, err)
		assert.Equal(t, used.LastUsedAt, again.LastUsedAt, "one use a minute is kept")

		revoked, err := s.tokens.Revoke(ctx, j1.ID)
		require.NoError(t, err)
		assert.False(t, revoked.RevokedAt.IsZero())
		twice, err := s.tokens.Revoke(ctx, j1.ID)
		require.NoError(t, err)
		assert.Equal(t, revoked.RevokedAt, twice.RevokedAt, "the first revocation's time stays")
		_, tok, err := s.tokens.ByHash(ctx, authHash("crm_j1"))
		require.NoError(t, err, "a revoked token is still found, for the use case to refuse")
		assert.False(t, tok.RevokedAt.IsZero())
		_, err = s.tokens.Revoke(ctx, 424242)
		assert.ErrorIs(t, err, domain.ErrNotFound)
	})
}

func tokenIDs(ts []auth.Token) []int64 {
	out := []int64{}
	for _, t := range ts {
		out = append(out, t.ID)
	}
	return out
}

func TestAuthTokens_UnknownHashIsNotFound(t *testing.T) {
	t.Parallel()
	authEach(t, func(t *testing.T, s authStores) {
		ctx := t.Context()
		maria := authCreate(t, s, "maria@example.com", "Maria", "$2a$maria")
		authToken(t, s, maria.ID, "crm_maria")

		stored := authHash("crm_maria")
		for name, hash := range map[string][]byte{
			"another token":       authHash("crm_john"),
			"a prefix of a hash":  stored[:31],
			"a hash with a tail":  append(bytes.Clone(stored), 0),
			"no hash":             nil,
			"the token, unhashed": []byte("crm_maria"),
		} {
			_, _, err := s.tokens.ByHash(ctx, hash)
			assert.ErrorIs(t, err, domain.ErrNotFound, name)
		}
	})
}

func TestAuthTokens_CreateRefusesWhatTheTableDoesNotAllow(t *testing.T) {
	t.Parallel()
	authEach(t, func(t *testing.T, s authStores) {
		ctx := t.Context()
		maria := authCreate(t, s, "maria@example.com", "Maria", "$2a$maria")
		john := authCreate(t, s, "john@example.com", "John", "$2a$john")
		authToken(t, s, maria.ID, "crm_maria")
		create := func(userID int64, hash []byte) error {
			_, err := s.tokens.Create(ctx, auth.Token{UserID: userID, ExpiresAt: time.Now().Add(time.Hour)}, hash)
			return err
		}

		assert.ErrorContains(t, create(john.ID, authHash("crm_maria")), "api_tokens_hash_key", "a hash is unique")
		assert.ErrorContains(t, create(john.ID+1, authHash("crm_nobody")), "api_tokens_user_fkey", "a token belongs to a user who exists")
		assert.ErrorContains(t, create(john.ID, nil), "not-null constraint", "nil is NULL")
		for _, hash := range [][]byte{{}, authHash("crm_short")[:31], append(authHash("crm_long"), 0)} {
			assert.ErrorContains(t, create(john.ID, hash), "api_tokens_hash_size", "a hash of %d bytes", len(hash))
		}

		got, _, err := s.tokens.ByHash(ctx, authHash("crm_maria"))
		require.NoError(t, err)
		assert.Equal(t, maria, got, "the token still belongs to its user")
		_, _, err = s.tokens.ByHash(ctx, authHash("crm_nobody"))
		assert.ErrorIs(t, err, domain.ErrNotFound, "a refused token was not stored")
	})
}

// authTally reads the tally of email from address without recording an
// attempt: its decision always waits.
func authTally(t *testing.T, s authStores, email, address string, c auth.Counting) auth.Tally {
	t.Helper()
	var got auth.Tally
	wait, err := s.failures.Reserve(t.Context(), email, address, c, func(t auth.Tally) time.Duration { got = t; return time.Minute })
	require.NoError(t, err)
	require.Equal(t, time.Minute, wait, "the decision's wait is returned")
	return got
}

// authFail records a failed attempt of email from address.
func authFail(t *testing.T, s authStores, email, address string) {
	t.Helper()
	wait, err := s.failures.Reserve(t.Context(), email, address, authLastHour(), func(auth.Tally) time.Duration { return 0 })
	require.NoError(t, err)
	require.Zero(t, wait)
}

func authLastHour() auth.Counting {
	hourAgo := time.Now().Add(-time.Hour)
	return auth.Counting{Since: hourAgo, KnownSince: hourAgo}
}

// authCounts is a tally's counts: of the pair, the account and the address.
func authCounts(t auth.Tally) []int { return []int{t.Pair, t.Account, t.Address} }

func TestAuthFailures_AreCountedPerPairPerEmailAndPerAddress(t *testing.T) {
	t.Parallel()
	authEach(t, func(t *testing.T, s authStores) {
		empty := authTally(t, s, "maria@example.com", "10.0.0.1", authLastHour())
		assert.Equal(t, []int{0, 0, 0}, authCounts(empty))
		assert.True(t, empty.LastPair.IsZero())
		assert.False(t, empty.Known)
		assert.WithinDuration(t, time.Now(), empty.Now, time.Minute, "the store's clock")

		before := time.Now().Add(-time.Second)
		authFail(t, s, "maria@example.com", "10.0.0.1")
		authFail(t, s, "maria@example.com", "10.0.0.1")
		authFail(t, s, "maria@example.com", "10.0.0.2")
		authFail(t, s, "john@example.com", "10.0.0.1")

		got := authTally(t, s, "maria@example.com", "10.0.0.1", authLastHour())
		assert.Equal(t, []int{2, 3, 3}, authCounts(got))
		assert.WithinRange(t, got.LastPair, before, got.Now, "the last failure of the pair, on the store's clock")
		assert.Equal(t, []int{1, 3, 1}, authCounts(authTally(t, s, "maria@example.com", "10.0.0.2", authLastHour())))
		assert.Equal(t, []int{0, 1, 1}, authCounts(authTally(t, s, "john@example.com", "10.0.0.2", authLastHour())))
		assert.Equal(t, []int{0, 0, 0}, authCounts(authTally(t, s, "MARIA@example.com", "10.0.0.1 ", authLastHour())), "compared exactly")
		assert.Equal(t, []int{2, 3, 3}, authCounts(authTally(t, s, "maria@example.com", "10.0.0.1", authLastHour())),
			"a decision to wait records nothing")
	})
}

func TestAuthFailures_OnlyThoseSinceTheGivenTimeAreCounted(t *testing.T) {
	t.Parallel()
	authEach(t, func(t *testing.T, s authStores) {
		authFail(t, s, "maria@example.com", "10.0.0.1")
		time.Sleep(20 * time.Millisecond)
		between := time.Now()
		time.Sleep(20 * time.Millisecond)
		authFail(t, s, "maria@example.com", "10.0.0.1")

		got := authTally(t, s, "maria@example.com", "10.0.0.1", auth.Counting{Since: between, KnownSince: between})
		assert.Equal(t, []int{1, 1, 1}, authCounts(got))
		assert.True(t, got.LastPair.After(between), "the last one is the last, whatever the window")
		got = authTally(t, s, "maria@example.com", "10.0.0.1", auth.Counting{Since: time.Now().Add(time.Minute)})
		assert.Equal(t, []int{0, 0, 0}, authCounts(got))
	})
}

func TestAuthFailures_SucceededForgetsThePairOnlyAndKnowsTheAddress(t *testing.T) {
	t.Parallel()
	authEach(t, func(t *testing.T, s authStores) {
		ctx := t.Context()
		authFail(t, s, "maria@example.com", "10.0.0.1")
		authFail(t, s, "maria@example.com", "10.0.0.2")
		authFail(t, s, "john@example.com", "10.0.0.1")
		before := time.Now()

		require.NoError(t, s.failures.Succeeded(ctx, "maria@example.com", "10.0.0.1"))

		got := authTally(t, s, "maria@example.com", "10.0.0.1", authLastHour())
		assert.Equal(t, []int{0, 1, 1}, authCounts(got))
		assert.True(t, got.Known)
		assert.False(t, authTally(t, s, "maria@example.com", "10.0.0.2", authLastHour()).Known)
		assert.False(t, authTally(t, s, "john@example.com", "10.0.0.1", authLastHour()).Known)
		later := time.Now().Add(time.Minute)
		assert.False(t, authTally(t, s, "maria@example.com", "10.0.0.1", auth.Counting{Since: before, KnownSince: later}).Known,
			"a sign-in before KnownSince does not count")
		require.NoError(t, s.failures.Succeeded(ctx, "nobody@example.com", "10.0.0.3"), "without failures")
	})
}

func TestAuthFailures_RecordingForgetsThoseOlderThanKept(t *testing.T) {
	t.Parallel()
	authEachKeeping(t, 100*time.Millisecond, func(t *testing.T, s authStores) {
		authFail(t, s, "maria@example.com", "10.0.0.1")
		time.Sleep(200 * time.Millisecond)
		assert.Equal(t, []int{1, 1, 1}, authCounts(authTally(t, s, "maria@example.com", "10.0.0.1", authLastHour())),
			"expired, but not deleted yet")

		authFail(t, s, "john@example.com", "10.0.0.1")
		assert.Equal(t, []int{0, 0, 1}, authCounts(authTally(t, s, "maria@example.com", "10.0.0.1", authLastHour())))
	})
}

func TestAuthFailures_AttemptsSentTogetherAreDecidedOneAfterTheOther(t *testing.T) {
	t.Parallel()
	authEach(t, func(t *testing.T, s authStores) {
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range 20 {
			wg.Go(func() {
				<-start
				_, err := s.failures.Reserve(context.Background(), "maria@example.com", "10.0.0.1", authLastHour(),
					func(t auth.Tally) time.Duration {
						if t.Pair >= 5 {
							return time.Minute
						}
						return 0
					})
				assert.NoError(t, err)
			})
		}
		close(start)
		wg.Wait()
		assert.Equal(t, 5, authTally(t, s, "maria@example.com", "10.0.0.1", authLastHour()).Pair,
			"each decision saw the attempts recorded before it")
	})
}

func TestAuthFailures_TextPostgreSQLCannotStoreIsRefused(t *testing.T) {
	t.Parallel()
	authEach(t, func(t *testing.T, s authStores) {
		ctx := t.Context()
		goAhead := func(auth.Tally) time.Duration { return 0 }
		_, err := s.failures.Reserve(ctx, "maria\x00@example.com", "10.0.0.1", authLastHour(), goAhead)
		assert.ErrorContains(t, err, `invalid byte sequence for encoding "UTF8"`)
		_, err = s.failures.Reserve(ctx, "maria@example.com", "10.0.0.\xff", authLastHour(), goAhead)
		assert.ErrorContains(t, err, `invalid byte sequence for encoding "UTF8"`)
		err = s.failures.Succeeded(ctx, "\xff", "10.0.0.1")
		assert.ErrorContains(t, err, `invalid byte sequence for encoding "UTF8"`)
		assert.Equal(t, []int{0, 0, 0}, authCounts(authTally(t, s, "maria@example.com", "10.0.0.1", authLastHour())))
	})
}

func TestAuthUsers_ListAndChange(t *testing.T) {
	t.Parallel()
	authEach(t, func(t *testing.T, s authStores) {
		ctx := t.Context()
		maria := authCreate(t, s, "maria@example.com", "maria", "$2a$maria")
		john := authCreate(t, s, "john@example.com", "John", "$2a$john")
		ann := authCreate(t, s, "ann@example.com", "Ann", "$2a$ann")

		all, err := s.users.List(ctx)
		require.NoError(t, err)
		assert.Equal(t, []user.User{ann, john, maria}, all, "by name, ignoring case")

		changed, err := s.users.Change(ctx, john.ID, user.RoleAdmin, true, "$2a$new")
		require.NoError(t, err)
		assert.Equal(t, user.User{ID: john.ID, Email: "john@example.com", Name: "John", Role: user.RoleAdmin, Deactivated: true}, changed)
		got, hash, err := s.users.ByEmail(ctx, "john@example.com")
		require.NoError(t, err)
		assert.Equal(t, changed, got)
		assert.Equal(t, "$2a$new", hash)
		_, err = s.users.Change(ctx, john.ID, user.RoleRep, false, "")
		require.NoError(t, err)
		_, hash, err = s.users.ByEmail(ctx, "john@example.com")
		require.NoError(t, err)
		assert.Equal(t, "$2a$new", hash, "no hash keeps the password")

		_, err = s.users.Change(ctx, 424242, user.RoleRep, false, "")
		assert.ErrorIs(t, err, domain.ErrNotFound)
		_, err = s.users.Change(ctx, ann.ID, user.Role("owner"), false, "")
		assert.ErrorContains(t, err, "users_role_known")
	})
}

func TestAuthUsers_SetTimeZone(t *testing.T) {
	t.Parallel()
	authEach(t, func(t *testing.T, s authStores) {
		ctx := t.Context()
		maria := authCreate(t, s, "maria@example.com", "maria", "$2a$maria")
		assert.Empty(t, maria.TimeZone, "not reported until the browser says")

		changed, err := s.users.SetTimeZone(ctx, maria.ID, "America/Argentina/Buenos_Aires")
		require.NoError(t, err)
		maria.TimeZone = "America/Argentina/Buenos_Aires"
		assert.Equal(t, maria, changed)
		got, err := s.users.Get(ctx, maria.ID)
		require.NoError(t, err)
		assert.Equal(t, maria, got)
		got, _, err = s.users.ByEmail(ctx, "maria@example.com")
		require.NoError(t, err)
		assert.Equal(t, maria, got)
		all, err := s.users.List(ctx)
		require.NoError(t, err)
		assert.Equal(t, []user.User{maria}, all)
		kept, err := s.users.Change(ctx, maria.ID, user.RoleAdmin, false, "")
		require.NoError(t, err)
		assert.Equal(t, maria.TimeZone, kept.TimeZone, "a change of role keeps the zone")

		_, err = s.users.SetTimeZone(ctx, 424242, "Europe/Lisbon")
		assert.ErrorIs(t, err, domain.ErrNotFound)
		_, err = s.users.SetTimeZone(ctx, maria.ID, user.TimeZone(strings.Repeat("A", user.MaxTimeZoneLen+1)))
		assert.ErrorContains(t, err, "users_time_zone_length")
	})
}
