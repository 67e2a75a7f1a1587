package functional

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/deal"
	"crm/domain/lead"
)

// cardsOf returns the ids of the cards in the column of state on a
// board's page, in order.
func cardsOf(t *testing.T, body, state string) []int64 {
	t.Helper()
	start := strings.Index(body, `data-testid="column-`+state+`"`)
	require.GreaterOrEqual(t, start, 0, "no column %s", state)
	end := strings.Index(body[start:], "</section>")
	var ids []int64
	for _, m := range regexp.MustCompile(`data-testid="board-card" data-id="(\d+)"`).FindAllStringSubmatch(body[start:start+end], -1) {
		var id int64
		fmt.Sscan(m[1], &id)
		ids = append(ids, id)
	}
	return ids
}

// columnCount is the count a column of the board's page shows.
func columnCount(t *testing.T, body, state string) string {
	t.Helper()
	m := regexp.MustCompile(`data-testid="column-` + state + `"[^>]*>\s*<h2[^>]*>[^<]*<span class="count" data-testid="column-count">([^<]*)</span>`).FindStringSubmatch(body)
	require.NotNil(t, m, "no count in column %s", state)
	return m[1]
}

func boardMove(kind string, id, version int64, field, to string) (string, url.Values) {
	return fmt.Sprintf("/%ss/board/cards/%d/move", kind, id), url.Values{"version": {fmt.Sprint(version)}, field: {to}}
}

func TestLeadBoard_AColumnPerStatusWithCountsCardsAndTheirMoves(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	ada := a.seedLead(lead.Fields{Name: "Ada", Company: "Engines Ltd", Source: "Referral", Owner: a.user("ann").ID})
	grace := a.seedLead(lead.Fields{Name: "Grace", Source: "Web"})
	grace = moveLeadTo(t, a, grace, lead.StatusContacted, lead.StatusQualified)

	page := a.get("/leads/board")
	require.Equal(t, http.StatusOK, page.status, page.body)
	for _, s := range lead.Statuses {
		assert.Contains(t, page.body, `data-testid="column-`+string(s)+`"`, "a column for %s", s)
	}
	assert.Equal(t, []int64{ada.ID()}, cardsOf(t, page.body, "NEW"))
	assert.Equal(t, []int64{grace.ID()}, cardsOf(t, page.body, "QUALIFIED"))
	assert.Equal(t, "1", columnCount(t, page.body, "NEW"))
	assert.Equal(t, "0", columnCount(t, page.body, "CONVERTED"))
	assert.Regexp(t, `(?s)Engines Ltd.*Owner: Ann Example`, page.body, "a card shows the company and owner")
	assert.Regexp(t, `(?s)id="card-lead-`+fmt.Sprint(ada.ID())+`".*?<option value="CONTACTED">Contacted</option><option value="LOST">Lost</option></select>`, page.body,
		"its Move to… control offers the moves the table allows")
	assert.Contains(t, page.body, fmt.Sprintf(`data-convert-url="/leads/%d/convert"`, grace.ID()), "a qualified lead is converted on its Convert page")
	assert.Contains(t, page.body, `href="/leads" data-testid="board-list-link"`, "the board links to the list")

	mine := a.get("/leads/board?owner=me&source=Referral")
	require.Equal(t, http.StatusOK, mine.status)
	assert.Equal(t, []int64{ada.ID()}, cardsOf(t, mine.body, "NEW"))
	assert.Empty(t, cardsOf(t, mine.body, "QUALIFIED"), "the filters are the list's")
	search := a.get("/leads/board?q=grac")
	assert.Equal(t, []int64{grace.ID()}, cardsOf(t, search.body, "QUALIFIED"))
	assert.Empty(t, cardsOf(t, search.body, "NEW"))

	list := a.get("/leads?owner=me&q=ad")
	assert.Contains(t, list.body, `href="/leads/board?owner=me&amp;q=ad"`, "the list links to its board")

	bad := a.get("/leads/board?owner=nobody-at-all")
	assert.Equal(t, http.StatusBadRequest, bad.status, "a filter the list refuses, the board refuses")
}

// moveLeadTo moves l through states as maria, one move each.
func moveLeadTo(t *testing.T, a *instance, l *lead.Lead, states ...lead.Status) *lead.Lead {
	t.Helper()
	for _, s := range states {
		res, err := a.leads.Move(context.Background(), "maria", l.ID(), l.Version(), s)
		require.NoError(t, err)
		l = res.Record
	}
	return l
}

func TestLeadBoard_ColumnsPageLazily(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	var ids []int64
	for i := range 53 {
		ids = append([]int64{a.seedLead(lead.Fields{Name: fmt.Sprintf("Lead %02d", i)}).ID()}, ids...)
	}
	page := a.get("/leads/board")
	assert.Equal(t, ids[:50], cardsOf(t, page.body, "NEW"), "the first 50, newest first")
	assert.Equal(t, "53", columnCount(t, page.body, "NEW"), "the count is of the whole column")
	more := regexp.MustCompile(`hx-get="([^"]+)"[^>]*data-testid="column-more"`).FindStringSubmatch(page.body)
	require.NotNil(t, more, "a More button")
	rest := a.getHTMX(strings.ReplaceAll(more[1], "&amp;", "&"))
	require.Equal(t, http.StatusOK, rest.status, rest.body)
	assert.Equal(t, 3, strings.Count(rest.body, `data-testid="board-card"`), "then the rest")
	assert.NotContains(t, rest.body, "column-more")

	filtered := a.get("/leads/board?q=lead")
	assert.Equal(t, "50+", columnCount(t, filtered.body, "NEW"), "a search's matches are not counted")
	assert.Equal(t, http.StatusBadRequest, a.getHTMX("/leads/board/column?status=NEW&after=x").status)
	assert.Equal(t, http.StatusBadRequest, a.getHTMX("/leads/board/column?status=WON&after=3").status)
}

func TestLeadBoard_ADropIsTheRecordPagesMove(t *testing.T) {
	t.Parallel()
	a := newApp(t)

	t.Run("moved", func(t *testing.T) {
		l := a.seedLead(lead.Fields{Name: "Ada"})
		res := a.postHTMX(boardMove("lead", l.ID(), 1, "status", "CONTACTED"))
		require.Equal(t, http.StatusOK, res.status, res.body)
		assert.Regexp(t, `data-version="2" data-state="CONTACTED"`, res.body, "the card comes back where it now stands, at its new version")
		assert.Contains(t, res.body, "Moved Ada to Contacted.")
		assert.Equal(t, lead.StatusContacted, a.lead(l.ID()).Status())
	})
	t.Run("stale, but nobody moved it since: the move goes through", func(t *testing.T) {
		l := a.seedLead(lead.Fields{Name: "Ada", Phone: "555 0100"})
		_, err := a.leads.Save(context.Background(), "maria", l.ID(), 1, func() lead.Fields { f := l.Fields(); f.Phone = "555 0199"; return f }())
		require.NoError(t, err)
		res := a.postHTMX(boardMove("lead", l.ID(), 1, "status", "CONTACTED"))
		require.Equal(t, http.StatusOK, res.status, res.body)
		got := a.lead(l.ID())
		assert.Equal(t, lead.StatusContacted, got.Status())
		assert.Equal(t, "555 0199", got.Fields().Phone, "maria's save is kept")
		assert.Regexp(t, `data-version="3" data-state="CONTACTED"`, res.body)
	})
	t.Run("someone moved it: 409 saying who and where, nothing moves", func(t *testing.T) {
		l := a.seedLead(lead.Fields{Name: "Ada"})
		moveLeadTo(t, a, l, lead.StatusLost)
		res := a.postHTMX(boardMove("lead", l.ID(), 1, "status", "CONTACTED"))
		require.Equal(t, http.StatusConflict, res.status, res.body)
		assert.Contains(t, res.body, "maria moved Ada to Lost (version 2) after you opened the board: your move to Contacted was not made")
		assert.Regexp(t, `data-version="2" data-state="LOST"`, res.body, "the card goes back to where it stands")
		assert.Equal(t, lead.StatusLost, a.lead(l.ID()).Status())
	})
	t.Run("the rules refuse it: 422 with the reason by the card", func(t *testing.T) {
		l := a.seedLead(lead.Fields{Name: "Ada"})
		res := a.postHTMX(boardMove("lead", l.ID(), 1, "status", "QUALIFIED"))
		require.Equal(t, http.StatusUnprocessableEntity, res.status, res.body)
		assert.Regexp(t, `(?s)data-state="NEW".*data-testid="card-error">Cannot move from NEW to QUALIFIED.`, res.body)
		conv := a.postHTMX(boardMove("lead", l.ID(), 1, "status", "CONVERTED"))
		assert.Equal(t, http.StatusUnprocessableEntity, conv.status, "converting is the Convert page's")
		assert.Equal(t, lead.StatusNew, a.lead(l.ID()).Status())
		assert.Equal(t, int64(1), a.lead(l.ID()).Version())
	})
	t.Run("bad input changes nothing", func(t *testing.T) {
		l := a.seedLead(lead.Fields{Name: "Ada"})
		path, form := boardMove("lead", l.ID(), 1, "status", "")
		assert.Equal(t, http.StatusBadRequest, a.postHTMX(path, form).status, "no status")
		path, form = boardMove("lead", l.ID(), 1, "status", "CONTACTED")
		form.Set("version", "x")
		assert.Equal(t, http.StatusBadRequest, a.postHTMX(path, form).status, "no version")
		assert.Equal(t, http.StatusUnprocessableEntity, a.postHTMX(boardMove("lead", l.ID(), 1, "status", "WON")).status, "an unknown status")
		assert.Equal(t, http.StatusNotFound, a.postHTMX(boardMove("lead", 424242, 1, "status", "CONTACTED")).status)
		assert.Equal(t, int64(1), a.lead(l.ID()).Version())
	})
	t.Run("without scripts the board comes back", func(t *testing.T) {
		l := a.seedLead(lead.Fields{Name: "Ada", Owner: a.user("ann").ID})
		path, form := boardMove("lead", l.ID(), 1, "status", "CONTACTED")
		res := a.post(path+"?owner=me", form)
		require.Equal(t, http.StatusSeeOther, res.status, res.body)
		assert.Equal(t, "/leads/board?notice=moved&owner=me", res.header.Get("Location"))
		refused := a.post(boardMove("lead", l.ID(), 2, "status", "NEW"))
		require.Equal(t, http.StatusUnprocessableEntity, refused.status)
		assert.Contains(t, refused.body, "<h1>Lead board</h1>", "the whole board")
		assert.Contains(t, refused.body, `data-testid="card-error">Cannot move from CONTACTED to NEW.`)
	})
}

func TestLeadBoard_ACardIsReadAgainForTheLiveBoard(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	l := a.seedLead(lead.Fields{Name: "Ada", Source: "Web"})
	res := a.getHTMX(fmt.Sprintf("/leads/board/cards/%d", l.ID()))
	require.Equal(t, http.StatusOK, res.status)
	assert.Contains(t, res.body, fmt.Sprintf(`id="card-lead-%d"`, l.ID()))
	assert.Equal(t, http.StatusNoContent, a.getHTMX(fmt.Sprintf("/leads/board/cards/%d?source=Referral", l.ID())).status,
		"a card the board's filters do not hold")
	assert.Equal(t, http.StatusNoContent, a.getHTMX("/leads/board/cards/424242").status)
}

func TestDealBoard_AColumnPerStageWithAmountsPerCurrency(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	first := a.seedDeal(engines) // EUR 1,250.00
	a.seedDeal(deal.Fields{Title: "Difference Engine", Amount: deal.Money{Minor: 50000, Currency: "EUR"}})
	a.seedDeal(deal.Fields{Title: "Loom", Amount: deal.Money{Minor: 9900, Currency: "USD"}, Owner: a.user("ann").ID})
	start := string(first.Stage())

	page := a.get("/deals/board")
	require.Equal(t, http.StatusOK, page.status, page.body)
	for _, s := range deal.Stages {
		assert.Contains(t, page.body, `data-testid="column-`+string(s)+`"`, "a column for %s", s)
	}
	assert.Equal(t, "3", columnCount(t, page.body, start))
	assert.Regexp(t, `(?s)data-testid="column-`+start+`".*?<li>EUR 1,750.00</li><li>USD 99.00</li></ul>`, page.body,
		"the amounts per currency, never added together")
	mine := a.get("/deals/board?owner=me")
	assert.Equal(t, "1", columnCount(t, mine.body, start))
	assert.Contains(t, a.get("/deals").body, `href="/deals/board"`, "the list links to its board")

	next := first.Stage().Next()[0]
	res := a.postHTMX(boardMove("deal", first.ID(), 1, "stage", string(next)))
	require.Equal(t, http.StatusOK, res.status, res.body)
	assert.Equal(t, next, a.deal(first.ID()).Stage())
	stale := a.postHTMX(boardMove("deal", first.ID(), 1, "stage", string(next)))
	assert.Equal(t, http.StatusOK, stale.status, "the rep's own move sent twice is made once")
	assert.Equal(t, int64(2), a.deal(first.ID()).Version())

	heads := a.getHTMX("/deals/board/heads")
	require.Equal(t, http.StatusOK, heads.status, heads.body)
	assert.Regexp(t, `(?s)<div data-state="`+start+`"><span data-testid="column-count">2</span><ul class="board-totals" data-testid="column-totals"><li>EUR 500.00</li><li>USD 99.00</li></ul></div>`,
		heads.body, "the heads as they now are, for the live board")
	assert.Contains(t, heads.body, `<div data-state="`+string(next)+`"><span data-testid="column-count">1</span><ul class="board-totals" data-testid="column-totals"><li>EUR 1,250.00</li></ul></div>`)
	mineHeads := a.getHTMX("/deals/board/heads?owner=me")
	assert.Contains(t, mineHeads.body, `<div data-state="`+start+`"><span data-testid="column-count">1</span>`)
	assert.Equal(t, http.StatusBadRequest, a.getHTMX("/deals/board/heads?owner=someone").status)
}

// TestDealBoard_AStageGateAsksForItsDate: a drop the gates refuse for want
// of a date answers 422 with the card asking for it (the expected close to
// enter Negotiation; the day it closed, today, to be won), and the ask's
// move brings the date in the move's own write.
func TestDealBoard_AStageGateAsksForItsDate(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	d := a.seedDeal(engines)
	ask := regexp.MustCompile(`(?s)<form method="post" action="/deals/board/cards/\d+/move" class="board-ask".*?</form>`)

	refused := a.postHTMX(boardMove("deal", d.ID(), 1, "stage", string(deal.StageNegotiation)))
	require.Equal(t, http.StatusUnprocessableEntity, refused.status, refused.body)
	form := ask.FindString(refused.body)
	require.NotEmpty(t, form, refused.body)
	assert.Contains(t, form, "When do you expect this deal to close?")
	assert.Contains(t, form, `<input type="hidden" name="version" value="1">`)
	assert.Contains(t, form, `<input type="hidden" name="stage" value="NEGOTIATION">`)
	assert.Contains(t, form, `<input type="date" name="expected_close" value="" required`)
	assert.Contains(t, form, "Move Analytical Engine to Negotiation")
	assert.Equal(t, int64(1), a.deal(d.ID()).Version(), "nothing written")

	path, move := boardMove("deal", d.ID(), 1, "stage", string(deal.StageNegotiation))
	move.Set("expected_close", "not a day")
	bad := a.postHTMX(path, move)
	assert.Equal(t, http.StatusUnprocessableEntity, bad.status)
	assert.Contains(t, ask.FindString(bad.body), `name="expected_close"`, "a date that is not one is asked for again")

	move.Set("expected_close", "2027-02-01")
	moved := a.postHTMX(path, move)
	require.Equal(t, http.StatusOK, moved.status, moved.body)
	got := a.deal(d.ID())
	assert.Equal(t, deal.StageNegotiation, got.Stage())
	assert.Equal(t, "2027-02-01", got.Fields().ExpectedClose.String())
	assert.Equal(t, int64(2), got.Version(), "the date and the move are one write")

	won := a.postHTMX(boardMove("deal", d.ID(), 2, "stage", string(deal.StageWon)))
	require.Equal(t, http.StatusUnprocessableEntity, won.status)
	form = ask.FindString(won.body)
	assert.Contains(t, form, "On which day was this deal won?")
	assert.Contains(t, form, fmt.Sprintf(`<input type="date" name="closed_on" value="%s" required`, time.Now().In(time.UTC).Format(time.DateOnly)),
		"today in the rep's zone (UTC here)")

	t.Run("a date another rep saved meanwhile is not overwritten by the ask's move", func(t *testing.T) {
		e := a.seedDeal(engines)
		refused := a.postHTMX(boardMove("deal", e.ID(), 1, "stage", string(deal.StageNegotiation)))
		require.Equal(t, http.StatusUnprocessableEntity, refused.status)
		theirs := e.Fields()
		theirs.ExpectedClose = mustDate(t, "2031-06-30")
		_, err := a.deals.Update(context.Background(), "john", e, theirs)
		require.NoError(t, err)

		path, move := boardMove("deal", e.ID(), 1, "stage", string(deal.StageNegotiation))
		move.Set("expected_close", "2030-01-15")
		res := a.postHTMX(path, move)
		require.Equal(t, http.StatusConflict, res.status, res.body)
		assert.Contains(t, res.body, "john saved Analytical Engine (version 2) after you opened the board, changing what your move would have written: your move to Negotiation was not made.")
		got := a.deal(e.ID())
		assert.Equal(t, "2031-06-30", got.Fields().ExpectedClose.String(), "john's date kept")
		assert.Equal(t, deal.StageQualification, got.Stage())
	})
	t.Run("without scripts the ask stands in the card on the whole board", func(t *testing.T) {
		res := a.post(boardMove("deal", d.ID(), 2, "stage", string(deal.StageWon)))
		require.Equal(t, http.StatusUnprocessableEntity, res.status)
		assert.Contains(t, res.body, "<h1>Deal board</h1>")
		assert.Contains(t, ask.FindString(res.body), "On which day was this deal won?")
	})
}
