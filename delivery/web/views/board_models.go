package views

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"crm/delivery/leadquery"
	"crm/domain"
	"crm/usecase/leads"
)

// Board is a kind's pipeline as columns of cards, one column per state
// of its state machine, with the filters it shares with the kind's list.
type Board struct {
	Kind  string // "lead" or "deal"
	Title string // "Lead board"
	// Path is the board's address without its filters ("/leads/board");
	// Filters are those it shows (owner, search, source), kept by every
	// link, column page and move.
	Path    string
	Filters url.Values
	// Field is the state field a move posts ("status", "stage").
	Field     string
	OwnerTabs []Tab
	// Search is the lead board's search and source filter; nil for a
	// board without them.
	Search   *BoardSearch
	ListURL  string // the kind's list, with the same filters
	Columns  []BoardColumn
	Notice   string // what a move without scripts did
	Conflict string // why the last move was not made, for the banner
}

// BoardSearch is what a board's search form holds.
type BoardSearch struct {
	Text, Source string
	Sources      []string
}

// BoardColumn is one state's column: its count, its totals, its first
// cards and the address of the next ones.
type BoardColumn struct {
	State, Label string
	// Count is how many cards the column holds: exact, or "50+" when a
	// filtered column has more than its first page (counting a search's
	// matches would cost what the board must not).
	Count string
	// Totals are the column's amounts, one per currency (deals).
	Totals  []string
	Cards   []BoardCard
	MoreURL string // "" when every card is shown
}

// BoardCard is one record on a board.
type BoardCard struct {
	Kind        string
	ID, Version int64
	State       string // where it stands, as its column names it
	StateLabel  string
	Title, URL  string
	Lines       []string // what else the card shows: company, amount, owner
	// Moves are where its Move to… control may send it: the states its
	// machine allows next.
	Moves []BoardMove
	// ConvertURL is a qualified lead's Convert page: dropping it on
	// Converted opens it, as the Move to… control's link does.
	ConvertURL string
	// Error is why the rules refused the last move, shown by the card.
	Error string
	// Ask is the date a stage gate refused the last move for want of,
	// asked for beside the card (in a dialog with scripts); nil if none.
	Ask *BoardAsk
}

// BoardAsk asks for the field a stage gate needs (a deal's expected close
// to enter Negotiation, its closed-on date to be won) and moves the card
// again with it: the move and the date are one write.
type BoardAsk struct {
	Question     string // "When do you expect this deal to close?"
	Field, Label string // the input's name and label
	Value        string // what the input starts with
	To, ToLabel  string // where the move goes
}

// BoardMove is one state a card can move to.
type BoardMove struct{ State, Label string }

// DomID is the card's element id.
func (c BoardCard) DomID() string { return fmt.Sprintf("card-%s-%d", c.Kind, c.ID) }

// boardURL is the board's address at path with filters and extra added.
func boardURL(path string, filters url.Values, extra url.Values) string {
	q := url.Values{}
	for k, v := range filters {
		q[k] = v
	}
	for k, v := range extra {
		q[k] = v
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// MoveURL is where a move of card c is posted, keeping the board's
// filters so a page without scripts comes back to the same board.
func (b Board) MoveURL(c BoardCard) string {
	return boardURL(fmt.Sprintf("%s/cards/%d/move", b.Path, c.ID), b.Filters, nil)
}

// LiveURL is the board's stream of saves.
func (b Board) LiveURL() string { return b.Path + "/live" }

// HeadsURL is where the live board reads its columns' counts and amounts.
func (b Board) HeadsURL() string { return boardURL(b.Path+"/heads", b.Filters, nil) }

// CardsURL is where a card is read again for the live board.
func (b Board) CardsURL() string { return boardURL(b.Path+"/cards", b.Filters, nil) }

// BoardColumnURL is the address of a column's cards after the card after.
func BoardColumnURL(path string, filters url.Values, field, state string, after int64) string {
	return boardURL(path+"/column", filters, url.Values{field: {state}, "after": {fmt.Sprint(after)}})
}

// BoardURL is the lead board with this view's owner, search and source.
func (v LeadListView) BoardURL() string {
	return boardURL("/leads/board", leadquery.Encode(leads.ListQuery{Owner: v.Query.Owner, Search: v.Query.Search, Source: v.Query.Source}, v.Loc), nil)
}

// BoardURL is the deal board with this list's owner.
func (v DealListView) BoardURL() string {
	q := url.Values{}
	if v.Owner != "" {
		q.Set(leadquery.ParamOwner, v.Owner)
	}
	return boardURL("/deals/board", q, nil)
}

// Today is today in the rep's zone, as YYYY-MM-DD: the day a deal's
// Closed on starts at, on its page and on the board.
func Today(ctx context.Context) string {
	return domain.DateOf(time.Now().In(Location(ctx))).String()
}
