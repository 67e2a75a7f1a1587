package functional

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/lead"
	"crm/domain/savedview"
	"crm/domain/user"
)

// The saved views of the lead list through the whole app: reps save the
// list's view under a name, see their own and the team's as tabs, open
// them, and edit them as any record, with its merges and conflicts.

// rep is one signed-in rep of a, sending requests with their own session.
type rep struct {
	a       *instance
	name    string
	session *http.Cookie
}

func (a *instance) rep(name string) rep { return rep{a: a, name: name, session: a.signIn(name)} }

func (r rep) get(path string) response {
	return r.a.doWith(r.session, http.MethodGet, path, nil, false)
}
func (r rep) post(path string, form url.Values) response {
	return r.a.doWith(r.session, http.MethodPost, path, form, false)
}
func (r rep) postHTMX(path string, form url.Values) response {
	return r.a.doWith(r.session, http.MethodPost, path, form, true)
}

// user is the rep who signs in as login, as the use cases know them.
func (a *instance) user(login string) user.User {
	a.t.Helper()
	us, err := a.auth.Users(a.t.Context())
	require.NoError(a.t, err)
	for _, u := range us {
		if u.Email == login+"@example.com" {
			return u
		}
	}
	a.t.Fatalf("no user %s", login)
	return user.User{}
}

// saveView saves the list's view query as name, from the list's "Save
// this view…" form, and returns the view and where the answer sent the
// rep.
func (r rep) saveView(name, query string, shared bool) (*savedview.View, string) {
	t := r.a.t
	t.Helper()
	form := url.Values{"name": {name}, "query": {query}}
	if shared {
		form.Set("shared", "yes")
	}
	res := r.post("/views", form)
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	vs, err := r.a.views.For(r.a.user(r.name)).List(t.Context())
	require.NoError(t, err)
	for _, v := range vs {
		if v.Fields().Name == name {
			return v, res.header.Get("Location")
		}
	}
	t.Fatalf("view %q was not saved", name)
	return nil, ""
}

// viewForm is a view's edit form as its page posts it, with changes.
func viewForm(v *savedview.View, version int64, changes map[string]string) url.Values {
	f := v.Fields()
	form := url.Values{"version": {strconv.FormatInt(version, 10)}}
	for _, name := range savedview.EditableFields {
		form.Set(name, f.Get(name))
	}
	for k, val := range changes {
		form.Set(k, val)
	}
	return form
}

func viewPath(v *savedview.View) string { return fmt.Sprintf("/views/%d", v.ID()) }

// leadNames are the names of the lead rows of a list page, in order.
var leadNameCell = regexp.MustCompile(`<td data-label="Name"><a href="/leads/\d+">([^<]*)</a></td>`)

func leadNames(body string) []string {
	var out []string
	for _, m := range leadNameCell.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// savedViewTab finds the tab of view v in a list page: its text and
// whether it is current.
func savedViewTab(t *testing.T, body string, v *savedview.View) (text string, current bool, ok bool) {
	t.Helper()
	re := regexp.MustCompile(`(?s)<a href="[^"]*"( aria-current="page")? data-testid="saved-view" data-id="` + strconv.FormatInt(v.ID(), 10) + `">(.*?)</a>`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		return "", false, false
	}
	text = strings.Join(strings.Fields(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[2], "")), " ")
	return text, m[1] != "", true
}

func seedTradeShow(a *instance) {
	a.seedLead(lead.Fields{Name: "Bea", Source: "Trade show", Score: 40})
	a.seedLead(lead.Fields{Name: "Cid", Source: "Website", Score: 95})
	a.seedLead(lead.Fields{Name: "Dee", Source: "Trade show", Score: 85})
	a.seedLead(lead.Fields{Name: "Eve", Source: "Trade show", Score: 60})
}

func TestASavedViewIsSavedFromTheListAndOpensTheSameRows(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	seedTradeShow(a)
	maria, john := a.rep("maria"), a.rep("john")
	address := "/leads?source=Trade+show&sort=score&score_min=50"
	want := leadNames(maria.get(address).body)
	require.Equal(t, []string{"Dee", "Eve"}, want)

	// The list's form posts its view as the list writes it; any order of
	// the same view is the same view.
	team, back := maria.saveView("Trade show follow-ups", "sort=score&score_min=50&source=Trade+show", true)
	assert.Equal(t, "score_min=50&sort=score&source=Trade+show", team.Fields().Query)
	assert.Equal(t, "/leads?notice=view-saved&score_min=50&sort=score&source=Trade+show", back, "back to the list showing it")
	page := maria.get(back).body
	assert.Contains(t, page, "View saved: it is a tab above the statuses.")
	text, current, ok := savedViewTab(t, page, team)
	require.True(t, ok, "the new view is a tab")
	assert.Equal(t, "Team: Trade show follow-ups", text)
	assert.True(t, current, "and the current one")
	assert.Equal(t, want, leadNames(page), "the same rows in the same order")

	mine, _ := maria.saveView("My hot leads", "score_min=80&sort=score", false)

	// John sees the team's view, not maria's own; opening it shows the rows
	// maria saw.
	list := john.get("/leads").body
	text, current, ok = savedViewTab(t, list, team)
	require.True(t, ok, "john sees the shared view")
	assert.Equal(t, "Team: Trade show follow-ups", text)
	assert.False(t, current, "the list as it opens is not that view")
	_, _, ok = savedViewTab(t, list, mine)
	assert.False(t, ok, "a personal view is its owner's alone")
	assert.Equal(t, want, leadNames(john.get("/leads?"+team.Fields().Query).body))
	_, current, _ = savedViewTab(t, john.get("/leads?"+team.Fields().Query).body, team)
	assert.True(t, current)
	assert.Equal(t, http.StatusNotFound, john.get(viewPath(mine)).status, "nor can he open its page")
	assert.Equal(t, http.StatusOK, john.get(viewPath(team)).status)

	// Maria's tabs: hers first, then the team's.
	list = maria.get("/leads").body
	assert.Less(t, strings.Index(list, "My hot leads"), strings.Index(list, "Trade show follow-ups"))
	views := maria.get("/views").body
	assert.Contains(t, views, "My hot leads")
	assert.Contains(t, views, "Trade show follow-ups")
	assert.NotContains(t, john.get("/views").body, "My hot leads")
}

func TestAViewTheListCannotReadIsRefusedWithTheListsWords(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria := a.rep("maria")

	res := maria.post("/views", url.Values{"name": {""}, "query": {"status=WON&score_min=101"}})

	assert.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, "&#34;WON&#34; is not a status. The lowest score must be a whole number from 0 to 100.")
	assert.Contains(t, res.body, "Name is required.")
	assert.Contains(t, res.body, `value="status=WON&amp;score_min=101"`, "the form keeps what was sent")
	vs, err := a.views.For(a.user("maria")).List(t.Context())
	require.NoError(t, err)
	assert.Empty(t, vs, "nothing saved")
}

func TestTwoRepsRenamingASharedViewAtOnceMeetTheConflict(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria, john := a.rep("maria"), a.rep("john")
	v, _ := maria.saveView("Hot leads", "score_min=80", true)

	res := maria.postHTMX(viewPath(v), viewForm(v, 1, map[string]string{"name": "Hot NEW leads"}))
	require.Equal(t, http.StatusOK, res.status, res.body)

	res = john.postHTMX(viewPath(v), viewForm(v, 1, map[string]string{"name": "Trade show follow-ups"}))

	require.Equal(t, http.StatusConflict, res.status, res.body)
	assert.Contains(t, res.body, `data-testid="conflict-banner"`)
	assert.Contains(t, res.body, "maria changed this view after you opened it")
	assert.Regexp(t, `data-testid="theirs-name">Hot NEW leads<`, res.body)
	assert.Regexp(t, `data-testid="yours-name">Trade show follow-ups<`, res.body)
	assert.Contains(t, res.body, `name="version" value="2"`, "the form starts from the version saved now")
	assert.Contains(t, res.body, `value="Trade show follow-ups"`, "and keeps what john typed")
	got, err := a.views.For(a.user("john")).Get(t.Context(), v.ID())
	require.NoError(t, err)
	assert.Equal(t, "Hot NEW leads", got.Fields().Name, "nothing of john's saved")

	// Two tabs of one rep are two writers too.
	res = maria.postHTMX(viewPath(v), viewForm(v, 1, map[string]string{"name": "Hot leads, old tab"}))
	require.Equal(t, http.StatusConflict, res.status)
	assert.Contains(t, res.body, "You changed this view in another tab after you opened it here")
}

func TestARenameAndAnUpdateOfTheFiltersMerge(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria, john := a.rep("maria"), a.rep("john")
	v, _ := maria.saveView("Hot leads", "score_min=80", true)

	res := maria.postHTMX(viewPath(v), viewForm(v, 1, map[string]string{"name": "Hottest leads"}))
	require.Equal(t, http.StatusOK, res.status, res.body)
	// John, on version 1, presses "Update to this view" having come from
	// the list showing new leads by score.
	form := viewForm(v, 1, nil)
	form.Set("use_query", "status=NEW&sort=score")
	res = john.postHTMX(viewPath(v), form)

	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Contains(t, res.body, "Merged with maria&#39;s save (version 2)")
	got, err := a.views.For(a.user("john")).Get(t.Context(), v.ID())
	require.NoError(t, err)
	assert.Equal(t, savedview.Fields{Name: "Hottest leads", Query: "sort=score&status=NEW", Shared: true}, got.Fields())
	assert.Equal(t, int64(3), got.Version())
}

func TestOnlyItsOwnerOrAnAdminStopsSharingOrDeletesAView(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria, john := a.rep("maria"), a.rep("john")
	v, _ := maria.saveView("Hot leads", "score_min=80", true)

	page := john.get(viewPath(v)).body
	assert.NotContains(t, page, `data-testid="view-shared"`, "john has no choice of who sees it")
	assert.NotContains(t, page, `data-testid="delete"`, "nor a delete button")
	assert.Contains(t, page, "Only maria, who saved this view, or an admin may delete it or stop sharing it.")

	res := john.postHTMX(viewPath(v), viewForm(v, 1, map[string]string{"shared": "no"}))
	assert.Equal(t, http.StatusForbidden, res.status)
	assert.Contains(t, res.body, "Only maria, who saved this view, or an admin may change who sees it.")
	res = john.post(viewPath(v)+"/delete", url.Values{"version": {"1"}})
	assert.Equal(t, http.StatusForbidden, res.status)

	mariaPage := maria.get(viewPath(v)).body
	assert.Contains(t, mariaPage, `data-testid="view-shared"`)
	assert.Contains(t, mariaPage, `data-testid="delete"`)
	res = maria.post(viewPath(v), viewForm(v, 1, map[string]string{"shared": "no"}))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, http.StatusNotFound, john.get(viewPath(v)).status, "personal again: john no longer sees it")

	// An admin manages a shared view of anyone's, for a rep who left.
	team, _ := john.saveView("Team view", "", true)
	res = a.post(viewPath(team)+"/delete", url.Values{"version": {"1"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, "/views?notice=deleted", res.header.Get("Location"))
}

func TestADeletedViewIsInTheTrashOfWhoeverSawItAndComesBack(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria, john := a.rep("maria"), a.rep("john")
	mine, _ := maria.saveView("My hot leads", "score_min=80", false)
	team, _ := maria.saveView("Team hot leads", "score_min=80", true)
	for _, v := range []*savedview.View{mine, team} {
		require.Equal(t, http.StatusSeeOther, maria.post(viewPath(v)+"/delete", url.Values{"version": {"1"}}).status)
	}
	assert.NotContains(t, maria.get("/leads").body, `data-testid="saved-view"`, "gone from the tabs")

	mariaTrash, johnTrash := maria.get("/trash").body, john.get("/trash").body
	assert.Contains(t, mariaTrash, "My hot leads")
	assert.Contains(t, mariaTrash, "Team hot leads")
	assert.NotContains(t, johnTrash, "My hot leads", "another rep's personal view is not his to see, deleted or not")
	assert.Contains(t, johnTrash, "Team hot leads")
	assert.Equal(t, http.StatusForbidden, john.post(viewPath(team)+"/restore", url.Values{"version": {"2"}}).status,
		"only its owner or an admin restores it")

	require.Equal(t, http.StatusSeeOther, maria.post(viewPath(mine)+"/restore", url.Values{"version": {"2"}}).status)
	_, _, ok := savedViewTab(t, maria.get("/leads").body, mine)
	assert.True(t, ok, "restored, it is a tab again")
	history := maria.get(viewPath(mine)).body
	for _, event := range []string{"ViewCreated", "Deleted", "Restored"} {
		assert.Contains(t, history, `data-event="`+event+`"`)
	}
}

func TestAPISavedViewsFollowTheConcurrencyControlAndWhoSeesWhat(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria, err := a.createToken("maria@example.com")
	require.NoError(t, err)
	john, err := a.createToken("john@example.com")
	require.NoError(t, err)
	type view struct {
		ID      int64  `json:"id"`
		Version int64  `json:"version"`
		Name    string `json:"name"`
		Query   string `json:"query"`
		Shared  bool   `json:"shared"`
		OwnerID int64  `json:"owner_id"`
		Owner   string `json:"owner"`
	}
	decode := func(res response) view {
		t.Helper()
		var v view
		require.NoError(t, json.Unmarshal([]byte(res.body), &v), res.body)
		return v
	}

	res := a.apiCall(http.MethodPost, "/api/v1/views", maria, `{"name":"Hot leads","query":"status=NEW&sort=score","shared":true}`, nil)
	require.Equal(t, http.StatusCreated, res.status, res.body)
	team := decode(res)
	assert.Equal(t, view{ID: team.ID, Version: 1, Name: "Hot leads", Query: "sort=score&status=NEW", Shared: true,
		OwnerID: a.user("maria").ID, Owner: "maria"}, team, "stored as the list writes it")
	path := "/api/v1/views/" + strconv.FormatInt(team.ID, 10)
	assert.Equal(t, path, res.header.Get("Location"))
	res = a.apiCall(http.MethodPost, "/api/v1/views", maria, `{"name":"Mine","query":"sort=nonsense"}`, nil)
	assert.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.Contains(t, res.body, `\"nonsense\" is not something the list sorts by.`)
	res = a.apiCall(http.MethodPost, "/api/v1/views", maria, `{"name":"Mine","shared":"yes"}`, nil)
	assert.Equal(t, http.StatusBadRequest, res.status, res.body)
	res = a.apiCall(http.MethodPost, "/api/v1/views", maria, `{"name":"Mine"}`, nil)
	require.Equal(t, http.StatusCreated, res.status, res.body)
	mine := decode(res)
	minePath := "/api/v1/views/" + strconv.FormatInt(mine.ID, 10)

	var list struct{ Items []view }
	res = a.apiCall(http.MethodGet, "/api/v1/views", john, "", nil)
	require.Equal(t, http.StatusOK, res.status, res.body)
	require.NoError(t, json.Unmarshal([]byte(res.body), &list))
	assert.Equal(t, []view{team}, list.Items, "john sees the shared view only")
	res = a.apiCall(http.MethodGet, "/api/v1/views?shared=false", maria, "", nil)
	require.NoError(t, json.Unmarshal([]byte(res.body), &list))
	assert.Equal(t, []view{mine}, list.Items)
	assert.Equal(t, http.StatusBadRequest, a.apiCall(http.MethodGet, "/api/v1/views?shared=maybe", maria, "", nil).status)
	assert.Equal(t, http.StatusNotFound, a.apiCall(http.MethodGet, minePath, john, "", nil).status, "maria's own is not there for john")

	// John renames the shared view; maria's rename from version 1 is stale.
	res = a.apiCall(http.MethodPatch, path, john, `{"name":"Trade show follow-ups"}`, map[string]string{"If-Match": `"1"`})
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Equal(t, `"2"`, res.header.Get("ETag"))
	assert.Equal(t, http.StatusPreconditionRequired, a.apiCall(http.MethodPatch, path, maria, `{"name":"Hot NEW leads"}`, nil).status)
	res = a.apiCall(http.MethodPatch, path, maria, `{"name":"Hot NEW leads"}`, map[string]string{"If-Match": `"1"`})
	require.Equal(t, http.StatusPreconditionFailed, res.status, res.body)
	assert.Contains(t, res.body, `"name":"Trade show follow-ups"`, "the view as saved now")
	res = a.apiCall(http.MethodPatch, path, john, `{"shared":false}`, map[string]string{"If-Match": `"2"`})
	assert.Equal(t, http.StatusForbidden, res.status, res.body)
	assert.Equal(t, http.StatusForbidden, a.apiCall(http.MethodDelete, path, john, "", map[string]string{"If-Match": `"2"`}).status)

	assert.Equal(t, http.StatusNoContent, a.apiCall(http.MethodDelete, path, maria, "", map[string]string{"If-Match": `"2"`}).status)
	assert.Equal(t, http.StatusGone, a.apiCall(http.MethodGet, path, john, "", nil).status)
}

// A view's page opened from the list offers "Update to this view" while
// the list the rep came from shows something else, also in the editor an
// htmx save swaps in (htmx names the page in HX-Current-URL).
func TestAViewsPageOffersTheListTheRepCameFrom(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	maria := a.rep("maria")
	v, _ := maria.saveView("Hot leads", "score_min=80", true)

	page := maria.get(viewPath(v) + "?from=" + url.QueryEscape("status=NEW&sort=score")).body
	assert.Contains(t, page, `data-testid="update-view"`)
	assert.Contains(t, page, `value="sort=score&amp;status=NEW"`, "the list's view as the list writes it")
	assert.NotContains(t, maria.get(viewPath(v)+"?from=score_min%3D80").body, `data-testid="update-view"`, "nothing to update to")
	assert.NotContains(t, maria.get(viewPath(v)+"?from=status%3DWON").body, `data-testid="update-view"`, "nor from a view the list cannot read")

	form := viewForm(v, 1, map[string]string{"name": "Hotter leads"})
	req, err := http.NewRequest(http.MethodPost, a.srv.URL+viewPath(v), strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("HX-Current-URL", a.srv.URL+viewPath(v)+"?from=status%3DNEW")
	req.AddCookie(maria.session)
	res := a.send(req)
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Contains(t, res.body, `data-testid="update-view"`, "a rename keeps the offer")
}
