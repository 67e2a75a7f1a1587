package functional

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/deal"
)

// engines is the deal most tests start from.
var engines = deal.Fields{Title: "Analytical Engine", Amount: deal.Money{Minor: 125000, Currency: "EUR"}}

// insertContact stores a contact with plain SQL, so the deal tests do not
// depend on the contact pages.
func (a *instance) insertContact(name string) int64 {
	a.t.Helper()
	var id int64
	require.NoError(a.t, a.db.Pool.QueryRow(context.Background(), `INSERT INTO contacts (name) VALUES ($1) RETURNING id`, name).Scan(&id))
	return id
}

// seedDeal stores a deal with a fresh contact through the use case.
func (a *instance) seedDeal(f deal.Fields) *deal.Deal {
	a.t.Helper()
	d, err := a.deals.Create(context.Background(), "seed", a.insertContact("Ada Lovelace"), f)
	require.NoError(a.t, err)
	return d
}

// deal reads a deal straight from the store.
func (a *instance) deal(id int64) *deal.Deal {
	a.t.Helper()
	d, err := a.deals.Get(context.Background(), id)
	require.NoError(a.t, err)
	return d
}

func dealPath(d *deal.Deal) string { return fmt.Sprintf("/deals/%d", d.ID()) }

// dealForm is the edit form as the page would post it for d, with changes.
func dealForm(d *deal.Deal, version int64, changes map[string]string) url.Values {
	v := url.Values{
		"version":  {strconv.FormatInt(version, 10)},
		"title":    {d.Fields().Title},
		"amount":   {d.Fields().Amount.Decimal()},
		"currency": {d.Fields().Amount.Currency},
		"notes":    {d.Fields().Notes},
		"owner":    {d.Fields().Get(deal.FieldOwner)},

		"expected_close": {d.Fields().ExpectedClose.String()},
	}
	for k, val := range changes {
		v.Set(k, val)
	}
	return v
}

// moveDeal posts a move alone, with the closed-on date the page fills in
// beside the buttons (today: the rep's zone is UTC until reported).
func moveDeal(a *instance, d *deal.Deal, version int64, to deal.Stage) response {
	return a.postHTMX(dealPath(d)+"/stage", url.Values{"version": {fmt.Sprint(version)}, "stage": {string(to)}, "closed_on": {todayUTC()}})
}

func todayUTC() string { return domain.DateOf(time.Now().UTC()).String() }

func TestCreateDealForAContact(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	contact := a.insertContact("Grace Hopper")

	form := a.get(fmt.Sprintf("/deals/new?contact=%d", contact))
	require.Equal(t, http.StatusOK, form.status)
	assert.Contains(t, form.body, fmt.Sprintf(`name="contact" value="%d"`, contact), "the contact comes filled in")
	assert.Contains(t, form.body, `<option value="JPY"`, "the currency picker")

	res := a.post("/deals", url.Values{"contact": {fmt.Sprint(contact)}, "title": {"  Compiler licence "}, "amount": {"1,250.5"}, "currency": {"USD"}})
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	loc := res.header.Get("Location")
	require.Regexp(t, `^/deals/\d+\?notice=created$`, loc)

	page := a.get(loc)
	require.Equal(t, http.StatusOK, page.status)
	assert.Contains(t, page.body, "Deal created.")
	assert.Contains(t, page.body, `data-testid="deal-title">Compiler licence<`)
	assert.Contains(t, page.body, `data-testid="deal-amount">USD 1,250.50<`)
	assert.Contains(t, page.body, `data-testid="deal-stage">Qualification<`)
	assert.Contains(t, page.body, fmt.Sprintf(`href="/contacts/%d"`, contact))
	assert.Contains(t, page.body, `name="version" value="1"`)
	assert.Contains(t, page.body, `name="amount" value="1250.50"`, "the amount as a rep types it")
	assert.Contains(t, page.body, `<option value="USD" selected>`)
	assert.Contains(t, page.body, `data-event="DealCreated"`, "its history")

	t.Run("htmx gets HX-Redirect instead of a 303 that fetch would follow", func(t *testing.T) {
		res := a.postHTMX("/deals", url.Values{"contact": {fmt.Sprint(contact)}, "title": {"Second"}, "amount": {"10"}, "currency": {"JPY"}})
		require.Equal(t, http.StatusOK, res.status, res.body)
		assert.Regexp(t, `^/deals/\d+\?notice=created$`, res.header.Get("HX-Redirect"))
	})
}

func TestCreateDealInvalidIs422AndStoresNothing(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	contact := fmt.Sprint(a.insertContact("Grace Hopper"))
	cases := []struct {
		name     string
		form     url.Values
		messages []string
	}{
		{"every field wrong at once", url.Values{"contact": {contact}, "title": {" "}, "amount": {"12.345"}, "currency": {"EUR"}},
			[]string{"Title is required.", "EUR amounts have at most 2 decimals, like 1250.00."}},
		{"not a number", url.Values{"contact": {contact}, "title": {"T"}, "amount": {"lots"}, "currency": {"EUR"}},
			[]string{"Amount must be a number like 1250.00."}},
		{"negative", url.Values{"contact": {contact}, "title": {"T"}, "amount": {"-5"}, "currency": {"EUR"}},
			[]string{"Amount cannot be negative."}},
		{"unknown currency", url.Values{"contact": {contact}, "title": {"T"}, "amount": {"5"}, "currency": {"XYZ"}},
			[]string{"Currency must be one of EUR, USD, GBP, CHF, JPY, KRW, BRL, CAD, AUD."}},
		{"a contact that does not exist", url.Values{"contact": {"424242"}, "title": {"T"}, "amount": {"5"}, "currency": {"EUR"}},
			[]string{"The contact does not exist."}},
		{"no contact", url.Values{"title": {"T"}, "amount": {"5"}, "currency": {"EUR"}},
			[]string{"Choose the contact the deal is with."}},
		{"a contact that is not a number, with a bad amount", url.Values{"contact": {"Ada"}, "title": {"T"}, "amount": {"x"}, "currency": {"EUR"}},
			[]string{"The contact is a number, like 12.", "Amount must be a number like 1250.00."}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := a.post("/deals", tc.form)
			require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
			for _, m := range tc.messages {
				assert.Contains(t, res.body, m)
			}
			assert.Contains(t, res.body, `aria-invalid="true"`)
			assert.Contains(t, res.body, `role="alert"`)
			assert.Contains(t, res.body, fmt.Sprintf(`name="amount" value="%s"`, tc.form.Get("amount")), "what the rep typed is shown again")
		})
	}
	t.Run("htmx gets the form alone", func(t *testing.T) {
		res := a.postHTMX("/deals", url.Values{"contact": {"424242"}, "title": {"T"}, "amount": {"5"}, "currency": {"EUR"}})
		require.Equal(t, http.StatusUnprocessableEntity, res.status)
		assert.True(t, strings.HasPrefix(res.body, `<article id="new-deal"`), res.body)
	})
	page := a.get("/deals")
	assert.Contains(t, page.body, "No deals yet — a deal starts from its contact", "nothing was stored")
}

func TestSaveDeal(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	d := a.seedDeal(engines)

	res := a.post(dealPath(d), dealForm(d, 1, map[string]string{"amount": "99.9", "currency": "GBP"}))
	require.Equal(t, http.StatusSeeOther, res.status, res.body)
	assert.Equal(t, dealPath(d)+"?notice=saved", res.header.Get("Location"))

	saved := a.deal(d.ID())
	assert.Equal(t, int64(2), saved.Version())
	assert.Equal(t, deal.Money{Minor: 9990, Currency: "GBP"}, saved.Fields().Amount)
	assert.Equal(t, "Ann Example", saved.UpdatedBy())
}

func TestSaveDealOverHTMXReturnsTheEditorAtTheNewVersion(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	d := a.seedDeal(engines)

	res := a.postHTMX(dealPath(d), dealForm(d, 1, map[string]string{"title": "Two engines"}))
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.True(t, strings.HasPrefix(res.body, `<article id="deal-editor"`), "htmx gets the editor alone")
	assert.Contains(t, res.body, "Saved. This deal is now at version 2.")
	// Every form in the fragment must carry the new version, or the rep's
	// next save would conflict with their own.
	assert.NotContains(t, res.body, `name="version" value="1"`)
	assert.Equal(t, 2, strings.Count(res.body, `name="version" value="2"`), "the edit form, whose version the stage moves submit, and the delete form")
	assert.Regexp(t, `data-version="2" data-event="DealUpdated"`, res.body, "the save's own history entry")
	assert.Contains(t, res.body, "Analytical Engine</del> → <ins>Two engines")

	t.Run("saving the same values again writes nothing", func(t *testing.T) {
		res := a.postHTMX(dealPath(d), dealForm(a.deal(d.ID()), 2, map[string]string{"amount": "1,250"}))
		require.Equal(t, http.StatusOK, res.status)
		assert.Contains(t, res.body, "Nothing to save")
		assert.Equal(t, int64(2), a.deal(d.ID()).Version())
	})
}

func TestInvalidDealSaveIs422WithTheMessageAndKeepsTheVersion(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	d := a.seedDeal(engines)
	for _, tc := range []struct{ field, value, message string }{
		{"title", "", "Title is required."},
		{"title", strings.Repeat("t", 201), "Title is 201 characters; the limit is 200."},
		{"amount", "1000000000000.01", "Amount must be at most EUR 1,000,000,000,000.00."},
		{"amount", "12.5", "JPY amounts are whole numbers, like 1250."},
	} {
		t.Run(tc.message, func(t *testing.T) {
			form := dealForm(d, 1, map[string]string{tc.field: tc.value})
			if strings.HasPrefix(tc.message, "JPY") {
				form.Set("currency", "JPY")
			}
			res := a.postHTMX(dealPath(d), form)
			require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
			assert.Contains(t, res.body, tc.message)
			assert.Contains(t, res.body, `aria-invalid="true"`)
			assert.Contains(t, res.body, `name="version" value="1"`)
			assert.Equal(t, int64(1), a.deal(d.ID()).Version(), "nothing stored")
		})
	}
}

func TestStaleDealSaveIs409WithTheirsAndYoursAndTheFormAtTheCurrentVersion(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	d := a.seedDeal(engines)

	first := a.doWith(a.signIn("maria"), http.MethodPost, dealPath(d), dealForm(d, 1, map[string]string{"amount": "999.00", "title": "Engine, discounted"}), false)
	require.Equal(t, http.StatusSeeOther, first.status, first.body)

	second := a.post(dealPath(d), dealForm(d, 1, map[string]string{"amount": "1,500"}))
	require.Equal(t, http.StatusConflict, second.status, second.body)
	assert.Contains(t, second.body, "<!doctype html>", "a plain post gets the whole page")
	assert.Contains(t, second.body, `data-testid="conflict-banner"`)
	assert.Contains(t, second.body, "changed this deal after you opened it")
	assert.Contains(t, second.body, "You started from version 1; maria saved version 2")
	assert.Regexp(t, `data-testid="conflict-amount" data-kind="both"`, second.body)
	assert.Contains(t, second.body, `data-testid="theirs-amount">999.00 EUR<`, "the fresh value")
	assert.Contains(t, second.body, `data-testid="yours-amount">1500.00 EUR<`, "what the rep typed")
	assert.Regexp(t, `data-testid="conflict-title" data-kind="theirs"`, second.body, "their title, which the rep did not touch")
	assert.Contains(t, second.body, `name="version" value="2"`, "the form moves to the current version")
	assert.NotContains(t, second.body, `name="version" value="1"`)
	assert.Contains(t, second.body, `name="amount" value="1500.00"`, "the rep's amount stays in the input")
	assert.Contains(t, second.body, `name="title" value="Engine, discounted"`, "their title fills the field the rep did not change")
	assert.Contains(t, second.body, `data-use-value="999.00"`, "a button puts the saved amount back")
	assert.Regexp(t, `data-use-value="1500.00" data-for="deal-amount" data-testid="use-mine-amount"`, second.body,
		"and another puts the rep's back")

	saved := a.deal(d.ID())
	assert.Equal(t, int64(99900), saved.Fields().Amount.Minor, "the first save is kept")
	assert.Equal(t, int64(2), saved.Version())

	t.Run("over htmx the editor is the fragment, and saving it again succeeds", func(t *testing.T) {
		res := a.postHTMX(dealPath(d), dealForm(d, 1, map[string]string{"amount": "1,500"}))
		require.Equal(t, http.StatusConflict, res.status)
		assert.True(t, strings.HasPrefix(res.body, `<article id="deal-editor"`), res.body[:60])

		again := dealForm(a.deal(d.ID()), 2, map[string]string{"amount": "1500.00"})
		require.Equal(t, http.StatusOK, a.postHTMX(dealPath(d), again).status)
		final := a.deal(d.ID())
		assert.Equal(t, int64(150000), final.Fields().Amount.Minor)
		assert.Equal(t, "Engine, discounted", final.Fields().Title, "their change is kept too")
		assert.Equal(t, int64(3), final.Version())
	})
}

func TestDealStageMoves(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	d := a.seedDeal(engines)

	page := a.get(dealPath(d))
	for _, s := range []string{"PROPOSAL", "NEGOTIATION", "WON", "LOST"} {
		assert.Contains(t, page.body, `data-testid="move-`+s+`"`)
	}
	assert.NotContains(t, page.body, `data-testid="move-QUALIFICATION"`, "buttons only for allowed moves")
	assert.Contains(t, page.body, `name="closed_on" form="deal-form" value="`+todayUTC()+`"`, "the day a deal closes is today unless the rep says otherwise")

	res := moveDeal(a, d, 1, deal.StageLost)
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Contains(t, res.body, "Moved to Lost. This deal is now at version 2.")
	assert.Contains(t, res.body, `data-testid="move-QUALIFICATION"`, "a lost deal may be reopened")
	assert.Contains(t, res.body, `>Reopen</button>`)
	assert.NotContains(t, res.body, `data-testid="move-WON"`)
	assert.Regexp(t, `data-version="2" data-event="DealStageChanged"`, res.body)

	res = moveDeal(a, d, 2, deal.StageWon)
	require.Equal(t, http.StatusUnprocessableEntity, res.status)
	assert.Contains(t, res.body, "Cannot move from LOST to WON.")

	require.Equal(t, http.StatusOK, moveDeal(a, d, 2, deal.StageQualification).status)
	require.Equal(t, http.StatusOK, moveDeal(a, d, 3, deal.StageWon).status)

	res = moveDeal(a, d, 4, deal.StageQualification)
	require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
	assert.Contains(t, res.body, "Cannot move from WON to QUALIFICATION.")
	assert.Contains(t, res.body, `data-testid="action-error"`)
	assert.Contains(t, res.body, "A won deal stays won.")
	assert.NotContains(t, res.body, `data-testid="move-`, "a won deal offers no moves")
	assert.Equal(t, deal.StageWon, a.deal(d.ID()).Stage())
	assert.Equal(t, int64(4), a.deal(d.ID()).Version())

	t.Run("a plain post redirects", func(t *testing.T) {
		other := a.seedDeal(engines)
		res := a.post(dealPath(other)+"/stage", url.Values{"version": {"1"}, "stage": {"WON"}, "closed_on": {"2026-11-30"}})
		require.Equal(t, http.StatusSeeOther, res.status)
		assert.Equal(t, dealPath(other)+"?notice=moved", res.header.Get("Location"))
	})
	t.Run("an unknown stage is 422", func(t *testing.T) {
		res := moveDeal(a, d, 4, "CLOSED")
		assert.Equal(t, http.StatusUnprocessableEntity, res.status)
		assert.Contains(t, res.body, "&#34;CLOSED&#34; is not a stage; use one of QUALIFICATION, PROPOSAL, NEGOTIATION, WON, LOST.")
	})
}

func TestStaleDealStageMoveIs409SayingWhatChanged(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	d := a.seedDeal(engines)
	require.Equal(t, http.StatusOK, moveDeal(a, d, 1, deal.StageLost).status)

	res := moveDeal(a, d, 1, deal.StageWon)
	require.Equal(t, http.StatusConflict, res.status, res.body)
	assert.Contains(t, res.body, `data-testid="conflict-banner"`)
	assert.Contains(t, res.body, "The deal was not moved to Won.")
	assert.Regexp(t, `data-testid="conflict-stage" data-kind="theirs"`, res.body)
	assert.Contains(t, res.body, `data-testid="theirs-stage">Lost<`)
	assert.NotContains(t, res.body, `name="version" value="1"`, "every form is at the current version")
	assert.Contains(t, res.body, `data-testid="move-QUALIFICATION"`, "the moves allowed now")
	assert.Equal(t, deal.StageLost, a.deal(d.ID()).Stage())
}

func TestDealBadRequests(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	d := a.seedDeal(engines)

	for name, version := range map[string][]string{
		"missing version":     nil,
		"non-numeric version": {"abc"},
		"zero version":        {"0"},
		"huge version":        {"99999999999999999999"},
	} {
		t.Run(name+" is 400", func(t *testing.T) {
			form := dealForm(d, 1, map[string]string{"title": "Changed"})
			form.Del("version")
			if version != nil {
				form["version"] = version
			}
			assert.Equal(t, http.StatusBadRequest, a.post(dealPath(d), form).status)
			assert.Equal(t, http.StatusBadRequest, a.post(dealPath(d)+"/stage", url.Values{"stage": {"WON"}, "version": version}).status)
			assert.Equal(t, int64(1), a.deal(d.ID()).Version())
		})
	}
	t.Run("unknown deals are 404 and say so", func(t *testing.T) {
		res := a.get("/deals/999999")
		assert.Equal(t, http.StatusNotFound, res.status)
		assert.Contains(t, res.body, "Deal not found")
		assert.Equal(t, http.StatusNotFound, a.get("/deals/abc").status)
		assert.Equal(t, http.StatusNotFound, a.get("/deals/0").status)
		assert.Equal(t, http.StatusNotFound, a.post("/deals/999999", dealForm(d, 1, nil)).status)
		assert.Equal(t, http.StatusNotFound, a.post("/deals/999999/stage", url.Values{"version": {"1"}, "stage": {"WON"}}).status)
	})
	t.Run("a body over 1 MiB is 413", func(t *testing.T) {
		res := a.post(dealPath(d), dealForm(d, 1, map[string]string{"title": strings.Repeat("x", 2<<20)}))
		assert.Equal(t, http.StatusRequestEntityTooLarge, res.status)
		assert.Equal(t, int64(1), a.deal(d.ID()).Version())
	})
	t.Run("a bad list filter is 400", func(t *testing.T) {
		assert.Equal(t, http.StatusBadRequest, a.get("/deals?stage=CONVERTED").status)
		assert.Equal(t, http.StatusBadRequest, a.get("/deals?after=x").status)
	})
}

func TestDealPageHTMXGetsAFragmentAndAPlainRequestAFullPage(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	d := a.seedDeal(engines)

	full := a.get(dealPath(d))
	require.Equal(t, http.StatusOK, full.status)
	assert.True(t, strings.HasPrefix(full.body, "<!doctype html>"), full.body[:40])
	assert.Contains(t, full.body, `href="/deals">Deals</a>`, "the nav links the deals")

	frag := a.getHTMX(dealPath(d))
	require.Equal(t, http.StatusOK, frag.status)
	assert.True(t, strings.HasPrefix(frag.body, `<article id="deal-editor"`), frag.body[:40])

	notFound := a.getHTMX("/deals/424242")
	assert.Equal(t, http.StatusNotFound, notFound.status)
	assert.True(t, strings.HasPrefix(notFound.body, `<div class="notice error" role="alert"`), notFound.body)
}

var dealLoadMore = regexp.MustCompile(`hx-get="(/deals\?[^"]*after=[^"]*)"`)

func TestDealList(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	contact := a.insertContact("Grace Hopper")
	for i := range 60 {
		f := engines
		f.Title = fmt.Sprintf("Deal %03d", i)
		d, err := a.deals.Create(context.Background(), "seed", contact, f)
		require.NoError(t, err)
		if i%10 == 0 {
			_, err = a.deals.MoveAt(context.Background(), "seed", d, deal.StageWon, deal.Gate{ClosedOn: domain.DateOf(time.Now())})
			require.NoError(t, err)
		}
	}

	page := a.get("/deals")
	require.Equal(t, http.StatusOK, page.status)
	assert.Equal(t, 50, strings.Count(page.body, `data-testid="deal-row"`))
	assert.Contains(t, page.body, "Deal 059", "newest first")
	assert.NotContains(t, page.body, "Deal 009")
	assert.Contains(t, page.body, "EUR 1,250.00")
	assert.Contains(t, page.body, fmt.Sprintf(`<a href="/contacts/%d">Grace Hopper</a>`, contact), "the contact's name")
	assert.Contains(t, page.body, `aria-current="page" data-testid="tab-"`)

	t.Run("load more returns the next rows only", func(t *testing.T) {
		m := dealLoadMore.FindStringSubmatch(page.body)
		require.NotNil(t, m, "no load-more link")
		next := a.getHTMX(strings.ReplaceAll(m[1], "&amp;", "&"))
		require.Equal(t, http.StatusOK, next.status)
		assert.Equal(t, 10, strings.Count(next.body, `data-testid="deal-row"`))
		assert.Contains(t, next.body, "Deal 009")
		assert.NotContains(t, next.body, "Deal 010")
		assert.NotContains(t, next.body, `id="load-more"`, "the last page")
		assert.NotContains(t, next.body, "<table")
	})
	t.Run("a stage tab shows that stage only", func(t *testing.T) {
		res := a.getHTMX("/deals?stage=WON")
		require.Equal(t, http.StatusOK, res.status)
		assert.True(t, strings.HasPrefix(res.body, `<div id="deal-results"`), "htmx gets the results alone")
		assert.Equal(t, 6, strings.Count(res.body, `data-testid="deal-row"`))
		assert.Contains(t, res.body, `aria-current="page" data-testid="tab-WON"`)

		res = a.get("/deals?stage=LOST")
		assert.Contains(t, res.body, "No deals here yet.")
	})
}
