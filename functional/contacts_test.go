package functional

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/contact"
	"crm/domain/deal"
)

var grace = contact.Fields{Name: "Grace Hopper", Email: "grace@navy.mil", Phone: "+1 555 0100", Company: "US Navy"}

func contactPath(c *contact.Contact) string { return fmt.Sprintf("/contacts/%d", c.ID()) }

// seedContact stores a contact through the use case, as a rep would.
func (a *instance) seedContact(f contact.Fields) *contact.Contact {
	a.t.Helper()
	c, err := a.contacts.Create(context.Background(), "seed", f)
	require.NoError(a.t, err)
	return c
}

// contact reads a contact straight from the store.
func (a *instance) contact(id int64) *contact.Contact {
	a.t.Helper()
	c, err := a.contacts.Get(context.Background(), id)
	require.NoError(a.t, err)
	return c
}

// contactForm is the edit form as the page would post it for c, with changes.
func contactForm(c *contact.Contact, version int64, changes map[string]string) url.Values {
	f := c.Fields()
	v := url.Values{"version": {strconv.FormatInt(version, 10)}}
	for _, name := range contact.EditableFields {
		v.Set(name, f.Get(name))
	}
	for k, val := range changes {
		v.Set(k, val)
	}
	return v
}

func TestCreateContact(t *testing.T) {
	t.Parallel()
	a := newApp(t)

	res := a.post("/contacts", url.Values{"name": {"  Grace Hopper "}, "email": {"grace@navy.mil"}, "company": {"US Navy"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	loc := res.header.Get("Location")
	require.Regexp(t, `^/contacts/\d+\?notice=created$`, loc)

	page := a.get(loc)
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, page.body, `<h1 data-testid="contact-name">Grace Hopper</h1>`, "stored trimmed")
	assert.Contains(t, page.body, "Contact created.")
	assert.Contains(t, page.body, `name="version" value="1"`)
	assert.Regexp(t, `(?s)data-version="1" data-event="ContactCreated".*Created by Ann Example.*Name: <del>\(empty\)</del> → <ins>Grace Hopper</ins>`, page.body)
	assert.Regexp(t, `(?s)id="contact-deals".*No deals with this contact yet.*href="/deals/new\?contact=\d+"`, page.body)

	t.Run("htmx gets HX-Redirect instead of a 303 that fetch would follow", func(t *testing.T) {
		res := a.postHTMX("/contacts", url.Values{"name": {"Katherine Johnson"}})
		require.Equal(t, http.StatusOK, res.status)
		assert.Regexp(t, `^/contacts/\d+\?notice=created$`, res.header.Get("HX-Redirect"))
	})
	t.Run("the new-contact form is a page and an htmx fragment", func(t *testing.T) {
		full := a.get("/contacts/new")
		require.Equal(t, http.StatusOK, full.status)
		assert.Contains(t, full.body, `<form method="post" action="/contacts"`)
		assert.Contains(t, full.body, `id="contact-name"`)
		frag := a.getHTMX("/contacts/new")
		assert.True(t, strings.HasPrefix(frag.body, `<article id="new-contact">`), frag.body)
	})
}

func TestCreateContactInvalidIs422AndStoresNothing(t *testing.T) {
	t.Parallel()
	a := newApp(t)

	res := a.post("/contacts", url.Values{"name": {"  "}, "email": {"not-an-email"}, "phone": {"call me"}})
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, "Name is required.")
	assert.Contains(t, res.body, "Email must look like name@example.com.")
	assert.Contains(t, res.body, "Phone may hold digits, spaces and + - ( ) . / x only.")
	assert.Contains(t, res.body, `id="contact-email-error"`)
	assert.Contains(t, res.body, `value="not-an-email"`, "what the rep typed is shown again")

	frag := a.postHTMX("/contacts", url.Values{"name": {""}})
	require.Equal(t, http.StatusUnprocessableEntity, frag.status)
	assert.True(t, strings.HasPrefix(frag.body, `<article id="new-contact">`), "htmx gets the form to swap back")

	assert.Contains(t, a.get("/contacts").body, `No contacts yet — <a href="/contacts/new">create one</a>`, "nothing was stored")
}

func TestSaveContact(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.seedContact(grace)

	res := a.post(contactPath(c), contactForm(c, 1, map[string]string{"email": "grace@yale.edu", "phone": ""}))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, contactPath(c)+"?notice=saved", res.header.Get("Location"))

	saved := a.contact(c.ID())
	assert.Equal(t, int64(2), saved.Version())
	assert.Equal(t, "grace@yale.edu", saved.Fields().Email)
	assert.Empty(t, saved.Fields().Phone)
	assert.Equal(t, "Ann Example", saved.UpdatedBy())

	page := a.get(res.header.Get("Location"))
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, page.body, "Saved.")
	assert.Regexp(t, `(?s)data-version="2" data-event="ContactUpdated".*Version 2</strong>\s*· Updated by Ann Example`+
		`.*Email: <del>grace@navy.mil</del> → <ins>grace@yale.edu</ins>`+
		`.*Phone: <del>\+1 555 0100</del> → <ins>\(empty\)</ins>`+
		`.*data-version="1" data-event="ContactCreated".*Created by seed`, page.body, "history newest first, old → new")
}

func TestSaveContactOverHTMXReturnsTheEditorAtTheNewVersion(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.seedContact(grace)

	res := a.postHTMX(contactPath(c), contactForm(c, 1, map[string]string{"company": "Yale"}))
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.True(t, strings.HasPrefix(res.body, `<article id="contact-editor"`), "htmx gets the editor alone")
	assert.NotContains(t, res.body, "<html")
	assert.Contains(t, res.body, "Saved. This contact is now at version 2.")
	assert.Equal(t, 2, strings.Count(res.body, `name="version" value="2"`), "the edit and delete forms carry the new version")
	assert.NotContains(t, res.body, `name="version" value="1"`)
	assert.Contains(t, res.body, `data-version="2" data-event="ContactUpdated"`, "the save's own history entry")

	t.Run("saving the same values again writes nothing", func(t *testing.T) {
		res := a.postHTMX(contactPath(c), contactForm(a.contact(c.ID()), 2, map[string]string{"name": " Grace Hopper "}))
		require.Equal(t, http.StatusOK, res.status)
		assert.Contains(t, res.body, "Nothing to save: no field was changed.")
		assert.Equal(t, int64(2), a.contact(c.ID()).Version())
		assert.Equal(t, 2, strings.Count(res.body, `data-testid="history-entry"`), "and records nothing")
	})
}

func TestStaleContactSaveIs409WithTheBannerAndTheFormAtTheCurrentVersion(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.seedContact(grace)

	first := a.doWith(a.signIn("maria"), http.MethodPost, contactPath(c), contactForm(c, 1, map[string]string{"phone": "+1 555 0111", "company": "Yale"}), false)
	require.Equal(t, http.StatusSeeOther, first.status, first.body)

	second := a.post(contactPath(c), contactForm(c, 1, map[string]string{"phone": "+1 555 0222", "email": "grace@hopper.dev"}))
	require.Equal(t, http.StatusConflict, second.status, second.body)
	assert.True(t, strings.HasPrefix(second.body, "<!doctype html>"), "a plain post gets the whole page")
	assert.Contains(t, second.body, `data-testid="conflict-banner"`)
	assert.Contains(t, second.body, "changed this contact after you opened it")
	assert.Contains(t, second.body, "You started from version 1; maria saved version 2")
	assert.Regexp(t, `data-testid="conflict-phone" data-kind="both"`, second.body)
	assert.Regexp(t, `data-testid="theirs-phone">\+1 555 0111<`, second.body, "the value saved now")
	assert.Regexp(t, `data-testid="yours-phone">\+1 555 0222<`, second.body, "what the rep typed")
	assert.Regexp(t, `data-testid="conflict-company" data-kind="theirs"`, second.body)
	assert.Regexp(t, `data-testid="conflict-email" data-kind="yours"`, second.body)
	assert.Contains(t, second.body, `name="version" value="2"`, "the form moves to the current version")
	assert.NotContains(t, second.body, `name="version" value="1"`)
	assert.Contains(t, second.body, `name="phone" value="+1 555 0222"`, "the rep's conflicting value stays in the input")
	assert.Contains(t, second.body, `name="email" value="grace@hopper.dev"`, "the rep's own change is kept")
	assert.Contains(t, second.body, `name="company" value="Yale"`, "the other rep's change is not undone")
	assert.Contains(t, second.body, `data-testid="saved-now-phone"`)

	saved := a.contact(c.ID())
	assert.Equal(t, int64(2), saved.Version())
	assert.Equal(t, "+1 555 0111", saved.Fields().Phone, "the first save is kept")
	assert.Equal(t, "grace@navy.mil", saved.Fields().Email)

	t.Run("htmx gets the editor with the banner to swap in", func(t *testing.T) {
		res := a.postHTMX(contactPath(c), contactForm(c, 1, map[string]string{"phone": "+1 555 0333"}))
		require.Equal(t, http.StatusConflict, res.status)
		assert.True(t, strings.HasPrefix(res.body, `<article id="contact-editor"`), res.body[:60])
		assert.Contains(t, res.body, `data-testid="conflict-banner"`)
	})
	t.Run("saving the form as the banner filled it keeps both reps' work", func(t *testing.T) {
		again := contactForm(a.contact(c.ID()), 2, map[string]string{"phone": "+1 555 0222", "email": "grace@hopper.dev"})
		res := a.postHTMX(contactPath(c), again)
		require.Equal(t, http.StatusOK, res.status, res.body)
		final := a.contact(c.ID())
		assert.Equal(t, contact.Fields{Name: "Grace Hopper", Email: "grace@hopper.dev", Phone: "+1 555 0222", Company: "Yale"}, final.Fields())
		assert.Equal(t, int64(3), final.Version())
	})
}

func TestInvalidContactSaveIs422WithTheMessageAndChangesNothing(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, field, value, message string
	}{
		{"empty name", "name", "", "Name is required."},
		{"name of 201 letters", "name", strings.Repeat("n", 201), "Name is 201 characters; the limit is 200."},
		{"bad email", "email", "grace@", "Email must look like name@example.com."},
		{"phone of two digits", "phone", "12", "Phone needs at least 3 digits."},
		{"company on two lines", "company", "US\nNavy", "Company must be a single line of text."},
	}
	a := newApp(t)
	c := a.seedContact(grace)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := a.postHTMX(contactPath(c), contactForm(c, 1, map[string]string{tc.field: tc.value}))
			require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
			assert.True(t, strings.HasPrefix(res.body, `<article id="contact-editor"`))
			assert.Contains(t, res.body, fmt.Sprintf(`<small id="contact-%s-error" class="field-error" role="alert">%s</small>`, tc.field, tc.message),
				"the message beside its field")
			assert.Contains(t, res.body, `aria-invalid="true"`)
			assert.Contains(t, res.body, `name="version" value="1"`, "the form keeps the version the rep started from")
			assert.Equal(t, int64(1), a.contact(c.ID()).Version(), "nothing stored")
		})
	}
	t.Run("a plain post gets the whole page", func(t *testing.T) {
		res := a.post(contactPath(c), contactForm(c, 1, map[string]string{"name": ""}))
		require.Equal(t, http.StatusUnprocessableEntity, res.status)
		assert.True(t, strings.HasPrefix(res.body, "<!doctype html>"))
	})
}

func TestContactBadRequests(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.seedContact(grace)

	for name, version := range map[string][]string{
		"missing version":     nil,
		"empty version":       {""},
		"non-numeric version": {"abc"},
		"zero version":        {"0"},
		"negative version":    {"-3"},
		"huge version":        {"99999999999999999999"},
	} {
		t.Run(name+" is 400", func(t *testing.T) {
			form := contactForm(c, 1, map[string]string{"phone": "555 0999"})
			form.Del("version")
			if version != nil {
				form["version"] = version
			}
			res := a.post(contactPath(c), form)
			assert.Equal(t, http.StatusBadRequest, res.status)
			assert.Equal(t, int64(1), a.contact(c.ID()).Version())
		})
	}
	t.Run("a duplicated form key is 400", func(t *testing.T) {
		form := contactForm(c, 1, nil)
		form["phone"] = []string{"555 0101", "555 0102"}
		assert.Equal(t, http.StatusBadRequest, a.post(contactPath(c), form).status)
	})
	t.Run("unknown contacts are 404", func(t *testing.T) {
		for _, path := range []string{"/contacts/999999", "/contacts/abc", "/contacts/0", "/contacts/-1", "/contacts/99999999999999999999"} {
			res := a.get(path)
			assert.Equal(t, http.StatusNotFound, res.status, path)
			assert.NotContains(t, res.body, "Lead not found", path)
			res = a.post(path, contactForm(c, 1, nil))
			assert.Equal(t, http.StatusNotFound, res.status, path)
		}
		res := a.getHTMX("/contacts/999999")
		assert.Equal(t, http.StatusNotFound, res.status)
		assert.True(t, strings.HasPrefix(res.body, `<div class="notice error" role="alert"`), res.body)
		assert.Contains(t, res.body, "Contact not found")
	})
	t.Run("a body over 1 MiB is 413", func(t *testing.T) {
		res := a.post(contactPath(c), contactForm(c, 1, map[string]string{"company": strings.Repeat("x", 2<<20)}))
		assert.Equal(t, http.StatusRequestEntityTooLarge, res.status)
		assert.Equal(t, int64(1), a.contact(c.ID()).Version())
	})
	t.Run("a bad list cursor or search is 400", func(t *testing.T) {
		assert.Equal(t, http.StatusBadRequest, a.get("/contacts?after=x").status)
		assert.Equal(t, http.StatusBadRequest, a.get("/contacts?after=0").status)
		assert.Equal(t, http.StatusBadRequest, a.get("/contacts?q="+strings.Repeat("q", 201)).status)
	})
}

func TestContactPageIsAFullPageOrAnHTMXFragment(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	c := a.seedContact(grace)

	full := a.get(contactPath(c))
	require.Equal(t, http.StatusOK, full.status)
	assert.True(t, strings.HasPrefix(full.body, "<!doctype html>"), full.body[:40])
	assert.Contains(t, full.body, "htmx.min.js")
	assert.Contains(t, full.body, `<a href="/contacts">Contacts</a>`, "the nav links the contacts")
	assert.Contains(t, full.body, `id="contact-deals"`)

	frag := a.getHTMX(contactPath(c))
	require.Equal(t, http.StatusOK, frag.status)
	assert.True(t, strings.HasPrefix(frag.body, `<article id="contact-editor"`), frag.body[:40])
	assert.NotContains(t, frag.body, `id="contact-deals"`, "the deals are not part of the editor a save swaps")
}

func TestContactList(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for i := range 60 {
		f := grace
		f.Name = fmt.Sprintf("Contact %03d", i)
		f.Email = fmt.Sprintf("contact%03d@navy.mil", i) // one contact per email
		if i%10 == 0 {
			f.Company = "100% Pure_Co"
		}
		a.seedContact(f)
	}

	page := a.get("/contacts")
	require.Equal(t, http.StatusOK, page.status)
	assert.Equal(t, 50, strings.Count(page.body, `data-testid="contact-row"`))
	assert.Contains(t, page.body, "Contact 059", "newest first")
	assert.NotContains(t, page.body, "Contact 009")

	t.Run("load more returns the next rows without a further link", func(t *testing.T) {
		i := strings.Index(page.body, `hx-get="/contacts?after=`)
		require.GreaterOrEqual(t, i, 0, "no load-more link")
		rest := page.body[i+len(`hx-get="`):]
		next := a.getHTMX(strings.ReplaceAll(rest[:strings.IndexByte(rest, '"')], "&amp;", "&"))
		require.Equal(t, http.StatusOK, next.status)
		assert.True(t, strings.HasPrefix(next.body, `<tr data-testid="contact-row"`), "rows to replace the load-more row")
		assert.Equal(t, 10, strings.Count(next.body, `data-testid="contact-row"`))
		assert.Contains(t, next.body, "Contact 009")
		assert.Contains(t, next.body, "Contact 000")
		assert.NotContains(t, next.body, `id="load-more"`)
	})
	t.Run("search matches % and _ literally and returns the results fragment", func(t *testing.T) {
		res := a.getHTMX("/contacts?q=" + url.QueryEscape("100% Pure_"))
		require.Equal(t, http.StatusOK, res.status)
		assert.True(t, strings.HasPrefix(res.body, `<div id="contact-results"`), res.body[:40])
		assert.Equal(t, 6, strings.Count(res.body, `data-testid="contact-row"`))
	})
	t.Run("a search that matches nothing says so", func(t *testing.T) {
		res := a.get("/contacts?q=nobody")
		require.Equal(t, http.StatusOK, res.status)
		assert.Contains(t, res.body, "No contacts match.")
		assert.Contains(t, res.body, `value="nobody"`)
	})
}

func TestContactPageListsTheContactsDeals(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.qualifiedLead(85)
	res := a.post(convertPath(l), convertForm(3, map[string]string{"title": "Compilers"}))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	converted := a.deal(redirectedDeal(t, res.header.Get("Location")))
	other, err := a.deals.Create(context.Background(), "seed", converted.ContactID(), deal.Fields{Title: "Training", Amount: deal.Money{Minor: 500, Currency: "EUR"}})
	require.NoError(t, err)

	page := a.get(fmt.Sprintf("/contacts/%d", converted.ContactID()))

	require.Equal(t, http.StatusOK, page.status)
	assert.Regexp(t, fmt.Sprintf(`(?s)id="contact-deals".*data-id="%d".*Training.*data-id="%d".*Compilers.*href="/leads/%d"`,
		other.ID(), converted.ID(), l.ID()), page.body, "newest first, the converted deal links its lead")
}
