package contract_test

import (
	"bytes"
	"crypto/sha256"
	"strings"
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
		assert.Equal(t, user.User{ID: 1, Email: "maria@example.com", Name: "Maria Silva"}, maria, "ids start at 1")
		john, err := s.users.Create(ctx, user.User{ID: 99, Email: "john@example.com", Name: "John"}, "$2a$hash-of-john")
		require.NoError(t, err)
		assert.Equal(t, user.User{ID: 2, Email: "john@example.com", Name: "John"}, john, "the store assigns the id, ignoring the one given")

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

func TestAuthTokens_CreateThenUserByHash(t *testing.T) {
	t.Parallel()
	authEach(t, func(t *testing.T, s authStores) {
		ctx := t.Context()
		maria := authCreate(t, s, "maria@example.com", "Maria", "$2a$maria")
		john := authCreate(t, s, "john@example.com", "John", "$2a$john")
		require.NoError(t, s.tokens.Create(ctx, maria.ID, authHash("crm_maria1")))
		require.NoError(t, s.tokens.Create(ctx, maria.ID, authHash("crm_maria2")))
		johns := authHash("crm_john")
		require.NoError(t, s.tokens.Create(ctx, john.ID, johns))
		johns[0] ^= 0xff // the caller's slice is not kept

		for token, want := range map[string]user.User{"crm_maria1": maria, "crm_maria2": maria, "crm_john": john} {
			got, err := s.tokens.UserByHash(ctx, authHash(token))
			require.NoError(t, err, token)
			assert.Equal(t, want, got, token)
		}
	})
}

func TestAuthTokens_UnknownHashIsNotFound(t *testing.T) {
	t.Parallel()
	authEach(t, func(t *testing.T, s authStores) {
		ctx := t.Context()
		maria := authCreate(t, s, "maria@example.com", "Maria", "$2a$maria")
		require.NoError(t, s.tokens.Create(ctx, maria.ID, authHash("crm_maria")))

		stored := authHash("crm_maria")
		for name, hash := range map[string][]byte{
			"another token":       authHash("crm_john"),
			"a prefix of a hash":  stored[:31],
			"a hash with a tail":  append(bytes.Clone(stored), 0),
			"no hash":             nil,
			"the token, unhashed": []byte("crm_maria"),
		} {
			_, err := s.tokens.UserByHash(ctx, hash)
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
		require.NoError(t, s.tokens.Create(ctx, maria.ID, authHash("crm_maria")))

		err := s.tokens.Create(ctx, john.ID, authHash("crm_maria"))
		assert.ErrorContains(t, err, "api_tokens_hash_key", "a hash is unique")
		err = s.tokens.Create(ctx, john.ID+1, authHash("crm_nobody"))
		assert.ErrorContains(t, err, "api_tokens_user_fkey", "a token belongs to a user who exists")
		err = s.tokens.Create(ctx, john.ID, nil)
		assert.ErrorContains(t, err, "not-null constraint", "nil is NULL")
		for _, hash := range [][]byte{{}, authHash("crm_short")[:31], append(authHash("crm_long"), 0)} {
			err = s.tokens.Create(ctx, john.ID, hash)
			assert.ErrorContains(t, err, "api_tokens_hash_size", "a hash of %d bytes", len(hash))
		}

		got, err := s.tokens.UserByHash(ctx, authHash("crm_maria"))
		require.NoError(t, err)
		assert.Equal(t, maria, got, "the token still belongs to its user")
		_, err = s.tokens.UserByHash(ctx, authHash("crm_nobody"))
		assert.ErrorIs(t, err, domain.ErrNotFound, "a refused token was not stored")
	})
}

// authAssertCount checks what Count returns.
func authAssertCount(t *testing.T, s authStores, email, address string, since time.Time, byEmail, byAddress int) {
	t.Helper()
	gotEmail, gotAddress, err := s.failures.Count(t.Context(), email, address, since)
	require.NoError(t, err)
	assert.Equal(t, []int{byEmail, byAddress}, []int{gotEmail, gotAddress}, "failures of %q and from %q", email, address)
}

func TestAuthFailures_AreCountedPerEmailAndPerAddress(t *testing.T) {
	t.Parallel()
	authEach(t, func(t *testing.T, s authStores) {
		ctx := t.Context()
		hourAgo := time.Now().Add(-time.Hour)
		authAssertCount(t, s, "maria@example.com", "10.0.0.1", hourAgo, 0, 0)
		require.NoError(t, s.failures.Record(ctx, "maria@example.com", "10.0.0.1"))
		require.NoError(t, s.failures.Record(ctx, "maria@example.com", "10.0.0.1"))
		require.NoError(t, s.failures.Record(ctx, "maria@example.com", "10.0.0.2"))
		require.NoError(t, s.failures.Record(ctx, "john@example.com", "10.0.0.1"))

		authAssertCount(t, s, "maria@example.com", "10.0.0.1", hourAgo, 3, 3)
		authAssertCount(t, s, "maria@example.com", "10.0.0.2", hourAgo, 3, 1)
		authAssertCount(t, s, "john@example.com", "10.0.0.2", hourAgo, 1, 1)
		authAssertCount(t, s, "nobody@example.com", "10.0.0.3", hourAgo, 0, 0)
		authAssertCount(t, s, "MARIA@example.com", "10.0.0.1 ", hourAgo, 0, 0) // compared exactly
	})
}

func TestAuthFailures_OnlyThoseSinceTheGivenTimeAreCounted(t *testing.T) {
	t.Parallel()
	authEach(t, func(t *testing.T, s authStores) {
		ctx := t.Context()
		before := time.Now().Add(-time.Minute)
		require.NoError(t, s.failures.Record(ctx, "maria@example.com", "10.0.0.1"))
		require.NoError(t, s.failures.Record(ctx, "john@example.com", "10.0.0.2"))
		time.Sleep(20 * time.Millisecond)
		between := time.Now()
		time.Sleep(20 * time.Millisecond)
		require.NoError(t, s.failures.Record(ctx, "maria@example.com", "10.0.0.2"))

		authAssertCount(t, s, "maria@example.com", "10.0.0.2", before, 2, 2)
		authAssertCount(t, s, "maria@example.com", "10.0.0.2", between, 1, 1)
		authAssertCount(t, s, "john@example.com", "10.0.0.1", between, 0, 0)
		authAssertCount(t, s, "maria@example.com", "10.0.0.2", time.Now().Add(time.Minute), 0, 0)
	})
}

func TestAuthFailures_ClearForgetsOnlyThatEmail(t *testing.T) {
	t.Parallel()
	authEach(t, func(t *testing.T, s authStores) {
		ctx := t.Context()
		hourAgo := time.Now().Add(-time.Hour)
		require.NoError(t, s.failures.Record(ctx, "maria@example.com", "10.0.0.1"))
		require.NoError(t, s.failures.Record(ctx, "maria@example.com", "10.0.0.2"))
		require.NoError(t, s.failures.Record(ctx, "john@example.com", "10.0.0.1"))
		require.NoError(t, s.failures.Record(ctx, "MARIA@example.com", "10.0.0.3"))

		require.NoError(t, s.failures.Clear(ctx, "maria@example.com"))
		authAssertCount(t, s, "maria@example.com", "10.0.0.1", hourAgo, 0, 1)
		authAssertCount(t, s, "john@example.com", "10.0.0.2", hourAgo, 1, 0)
		authAssertCount(t, s, "MARIA@example.com", "10.0.0.3", hourAgo, 1, 1)

		require.NoError(t, s.failures.Clear(ctx, "nobody@example.com"), "clearing an email without failures")
		authAssertCount(t, s, "john@example.com", "10.0.0.1", hourAgo, 1, 1)
	})
}

func TestAuthFailures_RecordingForgetsThoseOlderThanKept(t *testing.T) {
	t.Parallel()
	authEachKeeping(t, 100*time.Millisecond, func(t *testing.T, s authStores) {
		ctx := t.Context()
		hourAgo := time.Now().Add(-time.Hour)
		require.NoError(t, s.failures.Record(ctx, "maria@example.com", "10.0.0.1"))
		time.Sleep(200 * time.Millisecond)
		authAssertCount(t, s, "maria@example.com", "10.0.0.1", hourAgo, 1, 1) // expired, but not deleted yet

		require.NoError(t, s.failures.Record(ctx, "john@example.com", "10.0.0.1"))
		authAssertCount(t, s, "maria@example.com", "10.0.0.1", hourAgo, 0, 1)
		require.NoError(t, s.failures.Record(ctx, "maria@example.com", "10.0.0.1"))
		authAssertCount(t, s, "maria@example.com", "10.0.0.1", hourAgo, 1, 2) // a fresh failure is kept
	})
}

func TestAuthFailures_TextPostgreSQLCannotStoreIsRefused(t *testing.T) {
	t.Parallel()
	authEach(t, func(t *testing.T, s authStores) {
		ctx := t.Context()
		err := s.failures.Record(ctx, "maria\x00@example.com", "10.0.0.1")
		assert.ErrorContains(t, err, `invalid byte sequence for encoding "UTF8"`)
		err = s.failures.Record(ctx, "maria@example.com", "10.0.0.\xff")
		assert.ErrorContains(t, err, `invalid byte sequence for encoding "UTF8"`)
		_, _, err = s.failures.Count(ctx, "maria@example.com", "\x00", time.Now())
		assert.ErrorContains(t, err, `invalid byte sequence for encoding "UTF8"`)
		err = s.failures.Clear(ctx, "\xff")
		assert.ErrorContains(t, err, `invalid byte sequence for encoding "UTF8"`)
		authAssertCount(t, s, "maria@example.com", "10.0.0.1", time.Now().Add(-time.Hour), 0, 0)
	})
}
