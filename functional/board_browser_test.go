package functional

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain/deal"
	"crm/domain/lead"
)

// cardSel is the CSS selector of l's card, in the column of state when
// state is not "".
func cardSel(l *lead.Lead, state lead.Status) string {
	card := fmt.Sprintf(`#card-lead-%d`, l.ID())
	if state == "" {
		return card
	}
	return fmt.Sprintf(`[data-testid="column-%s"] %s`, state, card)
}

// center is the middle of the element sel selects, in the viewport.
func center(tab context.Context, sel string) (float64, float64, error) {
	xy, err := chromedp.Run(tab, chromedp.Evaluate[[]float64](fmt.Sprintf(`(function () {
		var el = document.querySelector(%q); el.scrollIntoView({block: "center"});
		var r = el.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`, sel)))
	if err != nil {
		return 0, 0, err
	}
	return xy[0], xy[1], nil
}

// press presses the mouse on sel and moves it a little, so the drag has
// started, and returns where it is.
func press(tab context.Context, sel string) (float64, float64, error) {
	x, y, err := center(tab, sel)
	if err != nil {
		return 0, 0, err
	}
	return x, y + 12, chromedp.Do(tab,
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMousePressed, x, y, chromedp.ButtonLeft, chromedp.ClickCount(1)),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y+6, chromedp.ButtonLeft),
		chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x, y+12, chromedp.ButtonLeft),
	)
}

// drop moves the pressed mouse from (x, y) over the column of state in
// steps, as a hand would, and lets go there.
func drop[S ~string](tab context.Context, x, y float64, state S) error {
	tx, ty, err := center(tab, fmt.Sprintf(`[data-testid="column-%s"] .board-cards`, state))
	if err != nil {
		return err
	}
	var steps []chromedp.Action[chromedp.Void]
	for i := 1; i <= 10; i++ {
		f := float64(i) / 10
		steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, x+(tx-x)*f, y+(ty-y)*f, chromedp.ButtonLeft))
	}
	steps = append(steps, chromedp.MouseEvent(input.DispatchMouseEventTypeMouseReleased, tx, ty, chromedp.ButtonLeft, chromedp.ClickCount(1)))
	return chromedp.Do(tab, steps...)
}

// dragTo drags l's card with the mouse, by its company line, to the
// column of state.
func dragTo(tab context.Context, l *lead.Lead, state lead.Status) error {
	x, y, err := press(tab, cardSel(l, "")+" .meta")
	if err != nil {
		return err
	}
	return drop(tab, x, y, state)
}

func boardText(t *testing.T, tab context.Context, sel string) string {
	t.Helper()
	text, err := chromedp.Run(tab, chromedp.Text(chromedp.CSS(sel)))
	require.NoError(t, err)
	return text
}

func saveShot(t *testing.T, tab context.Context, name string) {
	t.Helper()
	shot, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
	require.NoError(t, err)
	path := screenshotPath(t, name)
	require.NoError(t, os.WriteFile(path, shot, 0o644))
	t.Logf("screenshot: %s", path)
}

func TestBrowserBoardDragWithTheMouseAndAnotherRepSeesItLive(t *testing.T) {
	a := newApp(t)
	for i, name := range []string{"Grace Hopper", "Alan Turing", "Konrad Zuse"} {
		l := a.seedLead(lead.Fields{Name: name, Company: "Engines Ltd", Score: 40 + 10*i})
		if i == 0 {
			moveLeadTo(t, a, l, lead.StatusContacted, lead.StatusQualified)
		}
	}
	ada := a.seedLead(lead.Fields{Name: "Ada Lovelace", Company: "Analytical Engines", Score: 85, Owner: a.user("maria").ID})
	browser := newBrowser(t)
	maria, john := a.newRep(browser, "maria"), a.newRep(browser, "john")
	for _, rep := range []context.Context{maria, john} {
		require.NoError(t, chromedp.Do(rep, chromedp.EmulateViewport(1280, 900),
			chromedp.Navigate(a.srv.URL+"/leads/board"), chromedp.WaitVisible(chromedp.CSS(cardSel(ada, lead.StatusNew))),
			chromedp.Evaluate[chromedp.Void](`window.notReloaded = true`)))
	}

	require.NoError(t, dragTo(maria, ada, lead.StatusContacted))
	require.NoError(t, chromedp.Do(maria, chromedp.WaitVisible(chromedp.CSS(cardSel(ada, lead.StatusContacted)+`[data-version="2"]`))))
	assert.Equal(t, lead.StatusContacted, a.lead(ada.ID()).Status(), "the drop moved the lead")
	require.NoError(t, chromedp.Do(maria, chromedp.Poll[chromedp.Void](`document.getElementById("board-status").textContent === "Moved Ada Lovelace to Contacted."`)),
		"the move is announced")
	assert.Equal(t, "1", boardText(t, maria, `[data-testid="column-CONTACTED"] [data-testid="column-count"]`), "the counts follow")

	require.NoError(t, chromedp.Do(john, chromedp.WaitVisible(chromedp.CSS(cardSel(ada, lead.StatusContacted)+`[data-version="2"]`))),
		"john sees maria's move without a reload")
	_, err := a.leads.Move(context.Background(), "maria", ada.ID(), 2, lead.StatusQualified)
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(john, chromedp.WaitVisible(chromedp.CSS(cardSel(ada, lead.StatusQualified)))), "and the next one")
	newcomer := a.seedLead(lead.Fields{Name: "Charles Babbage", Company: "Difference Engines", Score: 60})
	require.NoError(t, chromedp.Do(john, chromedp.WaitVisible(chromedp.CSS(cardSel(newcomer, lead.StatusNew)))), "a new lead arrives too")
	kept, err := chromedp.Run(john, chromedp.Evaluate[bool](`window.notReloaded === true`))
	require.NoError(t, err)
	assert.True(t, kept, "without a reload")
	saveShot(t, john, "lead-board.png")

	// A qualified lead dropped on Converted opens its conversion, prefilled,
	// in a dialog on the board: nothing moves until the conversion
	// succeeds; a refusal keeps the dialog open with its message.
	require.NoError(t, dragTo(maria, ada, lead.StatusConverted))
	convert := `#board-dialog[open] [data-testid="convert"]`
	require.NoError(t, chromedp.Do(maria, chromedp.WaitVisible(chromedp.CSS(convert))))
	assert.Equal(t, lead.StatusQualified, a.lead(ada.ID()).Status())
	require.NoError(t, chromedp.Do(maria, chromedp.WaitVisible(chromedp.CSS(cardSel(ada, lead.StatusQualified)))), "the card waits in its column")
	name, err := chromedp.Run(maria, chromedp.Evaluate[string](`document.querySelector("#board-dialog input[name=name]").value`))
	require.NoError(t, err)
	assert.Equal(t, "Ada Lovelace", name, "prefilled from the lead")
	saveShot(t, maria, "board-convert-dialog.png")
	require.NoError(t, chromedp.Do(maria,
		chromedp.SetValue(chromedp.CSS(`#board-dialog input[name=amount]`), "lots"),
		chromedp.Click(chromedp.CSS(convert)),
		chromedp.WaitVisible(chromedp.CSS(`#board-dialog[open] [aria-invalid="true"][name="amount"]`))))
	assert.Equal(t, lead.StatusQualified, a.lead(ada.ID()).Status(), "refused: nothing moved")
	require.NoError(t, chromedp.Do(maria,
		chromedp.SetValue(chromedp.CSS(`#board-dialog input[name=amount]`), "5000.00"),
		chromedp.Click(chromedp.CSS(convert)),
		chromedp.WaitVisible(chromedp.CSS(cardSel(ada, lead.StatusConverted))),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="board-converted"]`))))
	assert.Contains(t, boardText(t, maria, `[data-testid="board-converted"]`), "Converted Ada Lovelace")
	assert.Equal(t, lead.StatusConverted, a.lead(ada.ID()).Status())
	open, err := chromedp.Run(maria, chromedp.Evaluate[bool](`document.getElementById("board-dialog").open || !window.notReloaded`))
	require.NoError(t, err)
	assert.False(t, open, "the dialog closed, and the board was never left")
}

func TestBrowserBoardMoveByKeyboardOnly(t *testing.T) {
	a := newApp(t)
	first := a.seedLead(lead.Fields{Name: "Alan Turing", Company: "Bletchley"})
	ada := a.seedLead(lead.Fields{Name: "Ada Lovelace", Company: "Analytical Engines"})
	browser := newBrowser(t)
	maria := a.newRep(browser, "maria")
	require.NoError(t, chromedp.Do(maria, chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(a.srv.URL+"/leads/board"), chromedp.WaitVisible(chromedp.CSS(cardSel(ada, lead.StatusNew)))))

	// Tab from the search's button reaches the first card (Ada, the
	// newest); the arrow keys go down to Alan and back up.
	require.NoError(t, chromedp.Do(maria, chromedp.Focus(chromedp.CSS(`.board-search button`)), chromedp.KeyEvent(kb.Tab)))
	focused := func() string {
		id, err := chromedp.Run(maria, chromedp.Evaluate[string](`document.activeElement.id`))
		require.NoError(t, err)
		return id
	}
	assert.Equal(t, fmt.Sprintf("card-lead-%d", ada.ID()), focused(), "Tab reaches the first card")
	require.NoError(t, chromedp.Do(maria, chromedp.KeyEvent(kb.ArrowDown)))
	assert.Equal(t, fmt.Sprintf("card-lead-%d", first.ID()), focused(), "ArrowDown goes to the next card")
	require.NoError(t, chromedp.Do(maria, chromedp.KeyEvent(kb.ArrowUp)))
	assert.Equal(t, fmt.Sprintf("card-lead-%d", ada.ID()), focused())

	// Into Ada's Move to… control: her link, then the select; the arrow
	// key picks Contacted, Tab goes to Move, Enter moves.
	require.NoError(t, chromedp.Do(maria, chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Tab)))
	label, err := chromedp.Run(maria, chromedp.Evaluate[string](`document.activeElement.closest("label").textContent.trim()`))
	require.NoError(t, err)
	assert.Contains(t, label, "Move Ada Lovelace to")
	require.NoError(t, chromedp.Do(maria, chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(kb.Enter)))
	require.NoError(t, chromedp.Do(maria, chromedp.WaitVisible(chromedp.CSS(cardSel(ada, lead.StatusContacted)))))
	require.NoError(t, chromedp.Do(maria, chromedp.Poll[chromedp.Void](`document.getElementById("board-status").textContent === "Moved Ada Lovelace to Contacted."`)),
		"the move is announced")
	assert.Equal(t, fmt.Sprintf("card-lead-%d", ada.ID()), focused(), "the focus stays on the moved card")
	assert.Equal(t, lead.StatusContacted, a.lead(ada.ID()).Status())

	// ArrowLeft goes to the New column's card.
	require.NoError(t, chromedp.Do(maria, chromedp.KeyEvent(kb.ArrowLeft)))
	assert.Equal(t, fmt.Sprintf("card-lead-%d", first.ID()), focused(), "ArrowLeft goes to the column before")

	// The session ends: a move is refused and the board says why, rather
	// than that the server did not answer.
	_, err = a.db.Pool.Exec(context.Background(), `DELETE FROM sessions`)
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(maria, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(function () {
		var s = document.querySelector('#card-lead-%d [data-testid="board-move-to"]');
		s.value = 'CONTACTED'; s.form.requestSubmit(); })()`, first.ID())),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="board-failed"]`))))
	assert.Equal(t, "Alan Turing was not moved: your session has ended. Sign in again in another tab, then move it again.",
		boardText(t, maria, `[data-testid="board-failed"]`))
	require.NoError(t, chromedp.Do(maria, chromedp.WaitVisible(chromedp.CSS(cardSel(first, lead.StatusNew)))), "the card stays where it was")
	assert.Equal(t, lead.StatusNew, a.lead(first.ID()).Status())
}

func TestBrowserBoardAStaleDropShowsWhoMovedItAndARefusedOneWhy(t *testing.T) {
	a := newApp(t)
	ada := a.seedLead(lead.Fields{Name: "Ada Lovelace", Company: "Analytical Engines", Score: 70})
	alan := a.seedLead(lead.Fields{Name: "Alan Turing", Company: "Bletchley", Score: 50})
	browser := newBrowser(t)
	maria := a.newRep(browser, "maria")
	require.NoError(t, chromedp.Do(maria, chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(a.srv.URL+"/leads/board"), chromedp.WaitVisible(chromedp.CSS(cardSel(ada, lead.StatusNew)))))

	// Maria is dragging Ada when john moves her to Lost: the card stays
	// under maria's pointer, and her drop meets john's move.
	x, y, err := press(maria, cardSel(ada, "")+" .meta")
	require.NoError(t, err)
	_, err = a.leads.Move(context.Background(), "john", ada.ID(), 1, lead.StatusLost)
	require.NoError(t, err)
	require.NoError(t, drop(maria, x, y, lead.StatusContacted))
	require.NoError(t, chromedp.Do(maria, chromedp.WaitVisible(chromedp.CSS(`[data-testid="board-conflict"]`))))
	assert.Contains(t, boardText(t, maria, `[data-testid="board-conflict"]`),
		"john moved Ada Lovelace to Lost (version 2) after you opened the board: your move to Contacted was not made")
	require.NoError(t, chromedp.Do(maria, chromedp.WaitVisible(chromedp.CSS(cardSel(ada, lead.StatusLost)))),
		"the card goes to where it stands")
	assert.Equal(t, lead.StatusLost, a.lead(ada.ID()).Status())

	// A drop the rules refuse: the card comes back with the reason.
	require.NoError(t, dragTo(maria, alan, lead.StatusQualified))
	require.NoError(t, chromedp.Do(maria, chromedp.WaitVisible(chromedp.CSS(cardSel(alan, lead.StatusNew)+` [data-testid="card-error"]`))))
	assert.Equal(t, "Cannot move from NEW to QUALIFIED.", boardText(t, maria, cardSel(alan, "")+` [data-testid="card-error"]`))
	assert.Equal(t, lead.StatusNew, a.lead(alan.ID()).Status())
	saveShot(t, maria, "board-refused-drop.png")
}

func TestBrowserDealBoard(t *testing.T) {
	a := newApp(t)
	engine := a.seedDeal(engines)
	a.seedDeal(deal.Fields{Title: "Difference Engine No. 2", Amount: deal.Money{Minor: 4200000, Currency: "GBP"}, Owner: a.user("maria").ID})
	loom := a.seedDeal(deal.Fields{Title: "Jacquard loom", Amount: deal.Money{Minor: 990000, Currency: "USD"}})
	tabulator := a.seedDeal(deal.Fields{Title: "Tabulator", Amount: deal.Money{Minor: 310000, Currency: "USD"}})
	_, err := a.deals.Move(context.Background(), "maria", loom.ID(), 1, loom.Stage().Next()[0], deal.Gate{})
	require.NoError(t, err)
	browser := newBrowser(t)
	maria := a.newRep(browser, "maria")
	require.NoError(t, chromedp.Do(maria, chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(a.srv.URL+"/deals/board"), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#card-deal-%d`, loom.ID())))))
	saveShot(t, maria, "deal-board.png")

	// Dropped on Negotiation without an expected close, the loom comes back
	// and a dialog asks for the date, focused; typing it and pressing Enter
	// moves the deal with it.
	card := fmt.Sprintf(`#card-deal-%d`, loom.ID())
	x, y, err := press(maria, card+" .meta")
	require.NoError(t, err)
	require.NoError(t, drop(maria, x, y, deal.StageNegotiation))
	require.NoError(t, chromedp.Do(maria, chromedp.WaitVisible(chromedp.CSS(`#board-dialog[open] [data-testid="ask-date"]`))))
	focused, err := chromedp.Run(maria, chromedp.Evaluate[string](`document.activeElement.name`))
	require.NoError(t, err)
	assert.Equal(t, "expected_close", focused, "the date is focused")
	assert.Contains(t, boardText(t, maria, `#board-dialog`), "When do you expect this deal to close?")
	assert.Equal(t, deal.StageProposal, a.deal(loom.ID()).Stage(), "nothing moved yet")
	saveShot(t, maria, "deal-board-ask.png")
	require.NoError(t, chromedp.Do(maria,
		chromedp.SetValue(chromedp.CSS(`#board-dialog [data-testid="ask-date"]`), "2027-03-31"),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="column-NEGOTIATION"] `+card))))
	got := a.deal(loom.ID())
	assert.Equal(t, deal.StageNegotiation, got.Stage())
	assert.Equal(t, "2027-03-31", got.Fields().ExpectedClose.String())
	require.NoError(t, chromedp.Do(maria, chromedp.Poll[chromedp.Void](`document.getElementById("board-status").textContent === "Moved Jacquard loom to Negotiation."`)))

	// Escape closes the dialog of a drop on Won: nothing moves.
	x, y, err = press(maria, card+" .meta")
	require.NoError(t, err)
	require.NoError(t, drop(maria, x, y, deal.StageWon))
	require.NoError(t, chromedp.Do(maria, chromedp.WaitVisible(chromedp.CSS(`#board-dialog[open] [data-testid="ask-date"]`)),
		chromedp.KeyEvent(kb.Escape),
		chromedp.Poll[chromedp.Void](`!document.getElementById("board-dialog").open`)))
	assert.Equal(t, deal.StageNegotiation, a.deal(loom.ID()).Stage())
	require.NoError(t, chromedp.Do(maria, chromedp.Poll[chromedp.Void](`document.activeElement.id === "card-deal-`+fmt.Sprint(loom.ID())+`"`)),
		"the focus goes back to the card")
	require.NoError(t, chromedp.Do(maria, chromedp.Poll[chromedp.Void](`(function () {
		var totals = document.querySelector('[data-testid="column-NEGOTIATION"] [data-testid="column-totals"]');
		return totals !== null && totals.textContent.trim() === "USD 9,900.00"; })()`)), "the column's amount follows the move")

	// Dropped on Lost, the engine closes today without asking: only
	// winning needs the day.
	x, y, err = press(maria, fmt.Sprintf(`#card-deal-%d .meta`, engine.ID()))
	require.NoError(t, err)
	require.NoError(t, drop(maria, x, y, deal.StageLost))
	require.NoError(t, chromedp.Do(maria, chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="column-LOST"] #card-deal-%d[data-version="2"]`, engine.ID())))),
		"the answer, not only the drop, puts the card there")
	assert.Equal(t, time.Now().Format(time.DateOnly), a.deal(engine.ID()).ClosedOn().String())

	// Another rep's move changes both columns' counts and amounts live.
	_, err = a.deals.Move(context.Background(), "john", tabulator.ID(), 1, deal.StageProposal, deal.Gate{})
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(maria, chromedp.Poll[chromedp.Void](`(function () {
		var col = function (s) { return document.querySelector('[data-testid="column-' + s + '"]'); };
		var totals = col("PROPOSAL").querySelector('[data-testid="column-totals"]');
		return totals !== null && totals.textContent.trim() === "USD 3,100.00" &&
			col("PROPOSAL").querySelector('[data-testid="column-count"]').textContent === "1" &&
			!col("QUALIFICATION").textContent.includes("USD"); })()`)), "john's move arrives in the heads")
}

// TestBrowserBoardLiveSavesKeepTheColumnsOrder: a save of a card the
// board does not show (beyond a column's first page) does not put it on
// top; the column's More brings it once, in its place; a card that cannot
// move (a won deal) dropped elsewhere gets the rules' reason.
func TestBrowserBoardLiveSavesKeepTheColumnsOrder(t *testing.T) {
	a := newApp(t)
	var ls []*lead.Lead
	for i := range 55 {
		ls = append(ls, a.seedLead(lead.Fields{Name: fmt.Sprintf("Lead %02d", i), Company: "Acme"}))
	}
	oldest, shown := ls[0], ls[30]
	won := a.dealAt(deal.StageWon)
	browser := newBrowser(t)
	maria := a.newRep(browser, "maria")
	require.NoError(t, chromedp.Do(maria, chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(a.srv.URL+"/leads/board"), chromedp.WaitVisible(chromedp.CSS(cardSel(ls[54], lead.StatusNew)))))

	for _, l := range []*lead.Lead{oldest, shown} {
		f := l.Fields()
		f.Company = "Saved by john"
		_, err := a.leads.Update(context.Background(), "john", l, f)
		require.NoError(t, err)
	}
	require.NoError(t, chromedp.Do(maria, chromedp.WaitVisible(chromedp.CSS(cardSel(shown, lead.StatusNew)+`[data-version="2"]`))),
		"a card the board shows is read again")
	present, err := chromedp.Run(maria, chromedp.Evaluate[bool](fmt.Sprintf(`document.getElementById("card-lead-%d") !== null`, oldest.ID())))
	require.NoError(t, err)
	assert.False(t, present, "a card beyond the first page is left to More")

	require.NoError(t, chromedp.Do(maria, chromedp.Click(chromedp.CSS(`[data-testid="column-NEW"] [data-testid="column-more"]`)),
		chromedp.WaitVisible(chromedp.CSS(cardSel(oldest, lead.StatusNew)))))
	order, err := chromedp.Run(maria, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll('[data-testid="column-NEW"] .board-card-title')).map(function (e) { return e.textContent; })`))
	require.NoError(t, err)
	require.Len(t, order, 55, "each card once")
	assert.Equal(t, "Lead 54", order[0])
	assert.Equal(t, "Lead 00", order[54], "the oldest last")

	require.NoError(t, chromedp.Do(maria, chromedp.Navigate(a.srv.URL+"/deals/board"),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#card-deal-%d`, won.ID())))))
	x, y, err := press(maria, fmt.Sprintf(`#card-deal-%d .meta`, won.ID()))
	require.NoError(t, err)
	require.NoError(t, drop(maria, x, y, deal.StageProposal))
	require.NoError(t, chromedp.Do(maria, chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-testid="column-WON"] #card-deal-%d [data-testid="card-error"]`, won.ID())))))
	assert.Equal(t, "Cannot move from WON to PROPOSAL. A won deal stays won.",
		boardText(t, maria, fmt.Sprintf(`#card-deal-%d [data-testid="card-error"]`, won.ID())))
}
