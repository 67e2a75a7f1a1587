package functional

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/lead"
	"crm/infrastructure/postgres"
)

// Finding 7 of the security review: roles. Ann is the admin (the first
// user); maria and john are reps.

func TestARepIsRefusedEveryAdminActionWith403AndItIsAudited(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	john := a.signIn("john")
	l := a.seedLead(lead.Fields{Name: "Old"})
	require.Equal(t, http.StatusSeeOther, a.post(leadPath(l)+"/delete", url.Values{"version": {"1"}}).status)
	before := a.dbState()

	for _, req := range []struct{ method, path string }{
		{http.MethodGet, "/admin/users"}, {http.MethodGet, "/admin/tokens"}, {http.MethodGet, "/admin/audit"},
		{http.MethodPost, "/admin/users"}, {http.MethodPost, "/admin/users/1"}, {http.MethodPost, "/admin/tokens/1/revoke"},
		{http.MethodPost, "/admin/purge"},
	} {
		form := url.Values{"email": {"x@example.com"}, "name": {"X"}, "password": {"a long enough password"}, "role": {"admin"}, "days": {"0"}}
		if req.method == http.MethodGet {
			form = nil
		}
		res := a.doWith(john, req.method, req.path, form, false)
		assert.Equal(t, http.StatusForbidden, res.status, "%s %s", req.method, req.path)
		assert.Contains(t, res.body, "Only an admin may", "%s %s", req.method, req.path)
	}
	assert.Equal(t, before, a.dbState(), "a refusal changes nothing")
	assert.NotContains(t, a.doWith(john, http.MethodGet, "/trash", nil, false).body, `data-testid="purge"`, "a rep sees no purge")
	assert.NotContains(t, a.doWith(john, http.MethodGet, "/leads", nil, false).body, `data-testid="admin-link"`)

	audit := a.get("/admin/audit")
	require.Equal(t, http.StatusOK, audit.status)
	assert.Equal(t, 7, countMatches(audit.body, `data-done="false"`), "every refusal is in the audit log")
	assert.Contains(t, audit.body, "john@example.com")
	assert.Contains(t, audit.body, `data-action="trash.purge"`)
}

func TestAnAdminManagesUsers(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	users := a.get("/admin/users")
	require.Equal(t, http.StatusOK, users.status)
	assert.Contains(t, users.body, "maria@example.com")
	assert.Contains(t, a.get("/leads").body, `data-testid="admin-link"`)

	res := a.post("/admin/users", url.Values{"email": {"grace@example.com"}, "name": {"Grace"}, "password": {"short"}, "role": {"rep"}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, "The password needs at least 12 characters.")
	assert.NotContains(t, res.body, `value="short"`, "a password is never sent back")
	res = a.post("/admin/users", url.Values{"email": {"grace@example.com"}, "name": {"Grace"}, "password": {"grace" + testPasswordSuffix}, "role": {"admin"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	grace := a.signIn("grace")
	assert.Equal(t, http.StatusOK, a.doWith(grace, http.MethodGet, "/admin/users", nil, false).status, "Grace is an admin")

	// John is deactivated: his session and his token stop at once.
	john := a.signIn("john")
	token, err := a.createToken("john@example.com")
	require.NoError(t, err)
	johnID := userID(t, a, "john@example.com")
	res = a.post("/admin/users/"+johnID, url.Values{"role": {"rep"}, "deactivated": {"true"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, http.StatusSeeOther, a.doWith(john, http.MethodGet, "/leads", nil, false).status, "his session ended")
	assert.Equal(t, http.StatusUnauthorized, a.apiCall(http.MethodGet, "/api/v1/leads", token, "", nil).status, "his token too")
	res = a.anonymous(http.MethodPost, "/login", url.Values{"email": {"john@example.com"}, "password": {"john" + testPasswordSuffix}})
	assert.Equal(t, http.StatusUnauthorized, res.status, "and he cannot sign in")

	// Reactivated with a new password.
	res = a.post("/admin/users/"+johnID, url.Values{"role": {"rep"}, "password": {"a brand new password"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	res = a.anonymous(http.MethodPost, "/login", url.Values{"email": {"john@example.com"}, "password": {"a brand new password"}})
	assert.Equal(t, http.StatusSeeOther, res.status, "the new password signs him in")

	// The last admin cannot step down.
	annID := userID(t, a, "ann@example.com")
	require.Equal(t, http.StatusSeeOther, a.doWith(grace, http.MethodPost, "/admin/users/"+userID(t, a, "grace@example.com"),
		url.Values{"role": {"rep"}}, false).status, "Grace steps down while Ann is an admin")
	res = a.post("/admin/users/"+annID, url.Values{"role": {"rep"}})
	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, "This is the last active admin: make another user admin first.")

	audit := a.get("/admin/audit").body
	assert.Contains(t, audit, `data-action="user.add" data-done="true"`)
	assert.Contains(t, audit, `data-action="user.change" data-done="false"`, "a refused change is recorded")
	assert.Contains(t, audit, "password reset")
}

func TestAnAdminRevokesTokensAndPurgesTheTrash(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	token, err := a.createToken("maria@example.com")
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, a.apiCall(http.MethodGet, "/api/v1/leads", token, "", nil).status)
	tokens := a.get("/admin/tokens")
	require.Equal(t, http.StatusOK, tokens.status)
	assert.Contains(t, tokens.body, "maria@example.com")

	res := a.post("/admin/tokens/1/revoke", url.Values{})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, http.StatusUnauthorized, a.apiCall(http.MethodGet, "/api/v1/leads", token, "", nil).status, "revoked at once")
	assert.Contains(t, a.get("/admin/tokens").body, "revoked")

	l := a.seedLead(lead.Fields{Name: "Gone for good"})
	require.Equal(t, http.StatusSeeOther, a.post(leadPath(l)+"/delete", url.Values{"version": {"1"}}).status)
	trash := a.get("/trash")
	assert.Contains(t, trash.body, `data-testid="purge"`, "an admin sees the purge")
	assert.Equal(t, http.StatusBadRequest, a.post("/admin/purge", url.Values{"days": {"-1"}}).status)
	res = a.post("/admin/purge", url.Values{"days": {"0"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "/trash?purged=1,0,0,0,0,0", res.header.Get("Location"))
	assert.Contains(t, a.get("/trash?purged=1,0,0,0,0,0").body, "Purged 1 leads, 0 contacts, 0 deals, 0 saved views, 0 tasks and 0 timeline entries for good.")
	assert.Equal(t, http.StatusNotFound, a.get(leadPath(l)).status, "gone for good")
	assert.Contains(t, a.get("/admin/audit").body, `data-action="trash.purge" data-done="true"`)
}

// userID finds the id of the user with email.
func userID(t *testing.T, a *instance, email string) string {
	t.Helper()
	u, _, err := postgres.NewUserRepository(a.db.Pool).ByEmail(t.Context(), email)
	require.NoError(t, err)
	return strconv.FormatInt(u.ID, 10)
}

func countMatches(s, sub string) int { return strings.Count(s, sub) }
