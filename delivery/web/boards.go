package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5"

	"crm/delivery/leadquery"
	"crm/delivery/telemetry"
	"crm/delivery/web/views"
	"crm/domain"
	"crm/domain/deal"
	"crm/domain/lead"
	"crm/usecase/conflict"
	"crm/usecase/deals"
	"crm/usecase/leads"
	"crm/usecase/record"
)

// boardPageSize is how many cards a column shows at first and per More.
const boardPageSize = record.DefaultPageSize

// board serves one kind's board: its columns (one per state, in the
// order of the kind's machine), their pages, a card read again for the
// live board, and moves, which are the record page's moves
// (recordPages.move): the same use case, rules and merges.
type board[A shownRecord[F], F domain.FieldSet[F]] struct {
	pages  *recordPages[A, F]
	path   string // "/leads/board"
	title  string
	states []string // every state, in column order
	label  func(state string) string
	// view reads the board's filters from r's query: a 400 for one the
	// kind's list would refuse.
	view func(r *http.Request) (boardView[A], error)
	// card is record a as a card.
	card func(r *http.Request, a A) views.BoardCard
	// ask is what the card asks for when a stage gate refused its move to
	// state to with err: nil when the kind has no gates or err is another
	// refusal.
	ask func(r *http.Request, err error, to string) *views.BoardAsk
}

// boardView is one reading of a board's filters.
type boardView[A any] struct {
	filters url.Values // what the board's links keep
	// column reads a column's page of cards after the card after (0 for
	// the first page): the records and the id the next page starts after.
	column func(ctx context.Context, state string, after int64) ([]A, int64, error)
	// frame adds to b what the board shows around its columns: the counts
	// and totals of columns, tabs, the search; columns are filled.
	frame func(r *http.Request, b *views.Board) error
	// matches reports whether a card belongs on this board.
	matches func(a A) bool
}

func (b *board[A, F]) routes(r chi.Router) {
	r.Get(b.path, b.pages.s.handle(b.show))
	r.Get(b.path+"/column", b.pages.s.handle(b.more))
	r.Get(b.path+"/cards/{id}", b.pages.s.handle(b.showCard))
	r.Get(b.path+"/heads", b.pages.s.handle(b.heads))
	r.Post(b.path+"/cards/{id}/move", b.pages.s.handle(b.move))
	r.Get(b.path+"/live", b.pages.s.handle(b.live))
}

// build reads the whole board for r, with notice and banner.
func (b *board[A, F]) build(r *http.Request, v boardView[A]) (views.Board, error) {
	out := views.Board{Kind: b.pages.kind, Title: b.title, Path: b.path, Filters: v.filters, Field: b.pages.stateField}
	// The columns are read at once, each on its own connection: a search
	// takes each column its own walk of an index, and the board waits for
	// the slowest rather than for their sum.
	type read struct {
		items []A
		next  int64
		err   error
	}
	reads := make([]read, len(b.states))
	var wg sync.WaitGroup
	for i, state := range b.states {
		wg.Add(1)
		go func() {
			defer wg.Done()
			reads[i].items, reads[i].next, reads[i].err = v.column(r.Context(), state, 0)
		}()
	}
	wg.Wait()
	for i, state := range b.states {
		items, next, err := reads[i].items, reads[i].next, reads[i].err
		if err != nil {
			return out, err
		}
		col := views.BoardColumn{State: state, Label: b.label(state), Count: fmt.Sprint(len(items))}
		if next > 0 {
			col.Count = fmt.Sprintf("%d+", len(items))
			col.MoreURL = views.BoardColumnURL(b.path, v.filters, b.pages.stateField, state, next)
		}
		for _, a := range items {
			col.Cards = append(col.Cards, b.card(r, a))
		}
		out.Columns = append(out.Columns, col)
	}
	return out, v.frame(r, &out)
}

func (b *board[A, F]) show(w http.ResponseWriter, r *http.Request) error {
	v, err := b.view(r)
	if err != nil {
		return err
	}
	page, err := b.build(r, v)
	if err != nil {
		return err
	}
	page.Notice = b.pages.notices[r.URL.Query().Get("notice")]
	b.pages.s.render(w, r, http.StatusOK, views.BoardPage(page), views.BoardPage(page))
	return nil
}

// more answers a column's More: its next cards and, if it has more, the
// next More.
func (b *board[A, F]) more(w http.ResponseWriter, r *http.Request) error {
	v, err := b.view(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	state := q.Get(b.pages.stateField)
	var after int64
	if _, err := fmt.Sscan(q.Get("after"), &after); err != nil || after < 1 || !slices.Contains(b.states, state) {
		return &badRequest{msg: "The column or its page cursor is not valid."}
	}
	items, next, err := v.column(r.Context(), state, after)
	if err != nil {
		return err
	}
	page := views.Board{Kind: b.pages.kind, Path: b.path, Filters: v.filters, Field: b.pages.stateField}
	col := views.BoardColumn{State: state}
	if next > 0 {
		col.MoreURL = views.BoardColumnURL(b.path, v.filters, b.pages.stateField, state, next)
	}
	for _, a := range items {
		col.Cards = append(col.Cards, b.card(r, a))
	}
	b.pages.s.render(w, r, http.StatusOK, views.BoardCards(page, col), views.BoardCards(page, col))
	return nil
}

// heads answers the columns' counts (where exact) and amounts as they now
// are, which the live board reads again after saves: the board's own
// counting misses moves of cards it does not show.
func (b *board[A, F]) heads(w http.ResponseWriter, r *http.Request) error {
	v, err := b.view(r)
	if err != nil {
		return err
	}
	page := views.Board{Kind: b.pages.kind, Path: b.path, Filters: v.filters, Field: b.pages.stateField}
	for _, state := range b.states {
		page.Columns = append(page.Columns, views.BoardColumn{State: state, Label: b.label(state)})
	}
	if err := v.frame(r, &page); err != nil {
		return err
	}
	b.pages.s.render(w, r, http.StatusOK, views.BoardHeads(page), views.BoardHeads(page))
	return nil
}

// showCard answers a card as it is now, for the live board: 204 when it
// is deleted or no longer belongs on the board as filtered.
func (b *board[A, F]) showCard(w http.ResponseWriter, r *http.Request) error {
	v, err := b.view(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, b.pages.kind)
	if err != nil {
		return err
	}
	a, err := b.pages.svc.Get(r.Context(), id)
	var missing *domain.NotFoundError
	switch {
	case errors.As(err, &missing):
		w.WriteHeader(http.StatusNoContent)
		return nil
	case err != nil:
		return err
	case a.Deleted() || !v.matches(a):
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	page := views.Board{Kind: b.pages.kind, Path: b.path, Filters: v.filters, Field: b.pages.stateField}
	b.pages.s.render(w, r, http.StatusOK, views.BoardCardItem(page, b.card(r, a)), views.BoardCardItem(page, b.card(r, a)))
	return nil
}

// move answers a card's move, dropped or chosen in its Move to… control,
// with the record page's move at the card's version: a card someone saved
// but did not move since is moved all the same (the kernel's merge); one
// someone moved is a 409 saying who moved it and where, one the rules
// refuse a 422 with the reason by the card. A script gets the card as it
// now is (with the message); a page without scripts the board again.
func (b *board[A, F]) move(w http.ResponseWriter, r *http.Request) error {
	v, err := b.view(r)
	if err != nil {
		return err
	}
	id, version, err := decodeWrite(r, b.pages.kind)
	if err != nil {
		return err
	}
	to := r.PostForm.Get(b.pages.stateField)
	if to == "" {
		return &badRequest{msg: fmt.Sprintf("Choose where to move the %s.", b.pages.kind)}
	}
	res, err := b.pages.move(r, id, version, to, nil)
	telemetry.CountSave(b.pages.s.saves, b.pages.kind, telemetry.Page, err, res.Merge != nil)
	page := views.Board{Kind: b.pages.kind, Path: b.path, Filters: v.filters, Field: b.pages.stateField}
	var (
		c       *conflict.Error[A, F]
		deleted *domain.DeletedError
		status  = http.StatusOK
		card    views.BoardCard
	)
	switch {
	case err == nil:
		card = b.card(r, res.Record)
		page.Notice = fmt.Sprintf("Moved %s to %s.", card.Title, card.StateLabel)
	case isInvalid(err):
		cur, err2 := b.pages.svc.Get(r.Context(), id)
		if err2 != nil {
			return err2
		}
		status, card = http.StatusUnprocessableEntity, b.card(r, cur)
		card.Error = ruleMessage(err)
		if b.ask != nil {
			card.Ask = b.ask(r, err, to)
		}
		page.Notice = fmt.Sprintf("%s was not moved: %s", card.Title, card.Error)
	case errors.As(err, &c):
		status, card = http.StatusConflict, b.card(r, c.Current)
		page.Conflict = b.movedMeanwhile(c, to, actor(r))
		page.Notice = page.Conflict
	case errors.As(err, &deleted):
		who := views.Who(deleted.By)
		if deleted.By == actor(r) {
			who = "You"
		}
		page.Conflict = fmt.Sprintf("%s deleted this %s: it is in the Trash, and was not moved.", who, b.pages.kind)
		page.Notice = page.Conflict
		if isHTMX(r) {
			b.pages.s.render(w, r, http.StatusConflict, nil, views.BoardMoved(page, nil))
			return nil
		}
		status = http.StatusConflict
	default:
		return err
	}
	if !isHTMX(r) {
		if status == http.StatusOK {
			redirect(w, r, boardAddress(b.path, v.filters, "moved"))
			return nil
		}
		full, err := b.build(r, v)
		if err != nil {
			return err
		}
		full.Notice, full.Conflict = page.Notice, page.Conflict
		b.withCardError(&full, card)
		b.pages.s.render(w, r, status, views.BoardPage(full), nil)
		return nil
	}
	b.pages.s.render(w, r, status, nil, views.BoardMoved(page, &card))
	return nil
}

// withCardError puts the rules' message, and what the card asks for, on
// card's place on board b.
func (b *board[A, F]) withCardError(full *views.Board, card views.BoardCard) {
	if card.Error == "" {
		return
	}
	for i := range full.Columns {
		for j := range full.Columns[i].Cards {
			if full.Columns[i].Cards[j].ID == card.ID {
				full.Columns[i].Cards[j].Error, full.Columns[i].Cards[j].Ask = card.Error, card.Ask
			}
		}
	}
}

// movedMeanwhile is the banner of a move that lost the race: who moved
// the card, where, and that the rep's move was not made.
func (b *board[A, F]) movedMeanwhile(c *conflict.Error[A, F], to, you string) string {
	cur := c.Current
	who := views.Who(cur.UpdatedBy())
	if cur.UpdatedBy() == you {
		who = "You (in another tab)"
	}
	card := b.card(nil, cur)
	if c.HasBase() && b.state(c.Base) == b.state(cur) {
		// Not moved: a field the move would have written was saved (a
		// deal's expected close, brought by the dialog).
		return fmt.Sprintf("%s saved %s (version %d) after you opened the board, changing what your move would have written: your move to %s was not made. Open it to see what changed.",
			who, card.Title, cur.Version(), b.label(to))
	}
	return fmt.Sprintf("%s moved %s to %s (version %d) after you opened the board: your move to %s was not made, and the card is back in its column.",
		who, card.Title, b.label(b.state(cur)), cur.Version(), b.label(to))
}

// state is where a stands, as its column is keyed.
func (b *board[A, F]) state(a A) string {
	for _, s := range b.states {
		if b.label(s) == b.pages.state(a) {
			return s
		}
	}
	return ""
}

// live streams the saves of every record of the board's kind, for the
// board to read the cards they changed again; within the rep's and the
// feed's limits on streams, like a record page's.
func (b *board[A, F]) live(w http.ResponseWriter, r *http.Request) error {
	return b.pages.s.streamSaves(w, r, b.pages.kind, 0, nil, func(s domain.Saved) ([]byte, error) {
		return json.Marshal(boardNotice{ID: s.ID, Version: s.Version})
	}, "saved")
}

// boardNotice is what the board's stream sends of a save: which card to
// read again, and whether the board already has that version.
type boardNotice struct {
	ID      int64 `json:"id"`
	Version int64 `json:"version"`
}

// boardAddress is the board at path with filters, asking for notice.
func boardAddress(path string, filters url.Values, notice string) string {
	q := url.Values{}
	for k, v := range filters {
		q[k] = v
	}
	q.Set("notice", notice)
	return path + "?" + q.Encode()
}

// newLeadBoard is the lead board: a column per status, filtered as the
// lead list is (owner, search, source, read by leadquery), newest first in
// each column, which the index on status and creation answers.
func newLeadBoard(s *server) *board[*lead.Lead, lead.Fields] {
	states := make([]string, len(lead.Statuses))
	for i, st := range lead.Statuses {
		states[i] = string(st)
	}
	return &board[*lead.Lead, lead.Fields]{
		pages: s.leadPages, path: "/leads/board", title: "Lead board", states: states,
		label: func(st string) string { return lead.Status(st).Label() },
		view:  func(r *http.Request) (boardView[*lead.Lead], error) { return leadBoardView(s, r) },
		card: func(r *http.Request, l *lead.Lead) views.BoardCard {
			f := l.Fields()
			c := views.BoardCard{Kind: lead.Kind, ID: l.ID(), Version: l.Version(), State: string(l.Status()),
				StateLabel: l.Status().Label(), Title: f.Name, URL: views.RecordURL(lead.Kind, l.ID())}
			c.Lines = nonEmpty(f.Company, fmt.Sprintf("Score %d", f.Score), ownerLine(r, f.Owner))
			for _, next := range l.Status().Next() {
				if next == lead.StatusConverted {
					// Converting creates a contact and a deal: the Convert
					// page does it, and nothing moves until it succeeds.
					c.ConvertURL = views.RecordURL(lead.Kind, l.ID()) + "/convert"
					continue
				}
				c.Moves = append(c.Moves, views.BoardMove{State: string(next), Label: next.Label()})
			}
			return c
		},
	}
}

// leadBoardView reads the lead board's filters with the lead list's own
// parsing, keeping the owner, search and source (the board orders each
// column newest first and has a column per status).
func leadBoardView(s *server, r *http.Request) (boardView[*lead.Lead], error) {
	q, err := leadquery.Parse(r.URL.Query(), views.Location(r.Context()), me(r).ID)
	if problems, ok := leadquery.IsProblems(err); ok {
		return boardView[*lead.Lead]{}, &badRequest{msg: problems.Error()}
	}
	q = leads.ListQuery{Owner: q.Owner, Search: q.Search, Source: q.Source}
	filters := leadquery.Encode(q, views.Location(r.Context()))
	return boardView[*lead.Lead]{
		filters: filters,
		column: func(ctx context.Context, state string, after int64) ([]*lead.Lead, int64, error) {
			cq := q
			cq.Status, cq.Paging = lead.Status(state), record.Paging{After: after, Limit: boardPageSize}
			page, err := s.leads.List(ctx, cq)
			return page.Items, page.Next, err
		},
		frame: func(r *http.Request, b *views.Board) error {
			list := views.LeadListView{Query: q, Loc: views.Location(r.Context())}
			b.ListURL = list.TabURL("")
			b.OwnerTabs = boardOwnerTabs(list.OwnerTabs(), "/leads", b.Path)
			b.Search = &views.BoardSearch{Text: q.Search, Source: q.Source}
			sources, err := s.leads.Sources(r.Context())
			if err != nil {
				return err
			}
			b.Search.Sources = sources
			if q.Owner != (record.OwnerFilter{}) || q.Search != "" || q.Source != "" {
				return nil
			}
			// Unfiltered, each column's count is exact and costs nothing:
			// the saves keep them (lead_status_counts).
			counts, err := s.leads.CountByStatus(r.Context())
			if err != nil {
				return err
			}
			for i := range b.Columns {
				b.Columns[i].Count = fmt.Sprint(counts[lead.Status(b.Columns[i].State)])
			}
			return nil
		},
		matches: func(l *lead.Lead) bool {
			f := l.Fields()
			return q.Owner.Matches(f.Owner) && (q.Source == "" || f.Source == q.Source) &&
				(q.Search == "" || containsFold(q.Search, f.Name+" "+f.Email+" "+f.Company))
		},
	}, nil
}

// newDealBoard is the deal board: a column per stage, with each column's
// amounts per currency, filtered by owner as the deal list is.
func newDealBoard(s *server) *board[*deal.Deal, deal.Fields] {
	states := make([]string, len(deal.Stages))
	for i, st := range deal.Stages {
		states[i] = string(st)
	}
	return &board[*deal.Deal, deal.Fields]{
		pages: s.dealPages, path: "/deals/board", title: "Deal board", states: states,
		label: func(st string) string { return deal.Stage(st).Label() },
		view:  func(r *http.Request) (boardView[*deal.Deal], error) { return dealBoardView(s, r) },
		card: func(r *http.Request, d *deal.Deal) views.BoardCard {
			f := d.Fields()
			c := views.BoardCard{Kind: deal.Kind, ID: d.ID(), Version: d.Version(), State: string(d.Stage()),
				StateLabel: d.Stage().Label(), Title: f.Title, URL: views.RecordURL(deal.Kind, d.ID()),
				Lines: nonEmpty(f.Amount.String(), ownerLine(r, f.Owner))}
			for _, next := range d.Stage().Next() {
				c.Moves = append(c.Moves, views.BoardMove{State: string(next), Label: next.Label()})
			}
			return c
		},
		ask: dealBoardAsk,
	}
}

// dealBoardAsk is what a deal's card asks for when a stage gate refused
// its move (or the date given for it is not one): the expected close to
// enter Negotiation, the day it closed to be won, today in the rep's zone
// as the deal page's Closed on starts.
func dealBoardAsk(r *http.Request, err error, to string) *views.BoardAsk {
	field := refusedField(err)
	stage := deal.Stage(to)
	a := &views.BoardAsk{Field: field, Label: views.DealFieldLabels[field], To: to, ToLabel: stage.Label()}
	switch field {
	case deal.FieldExpectedClose:
		a.Question = "When do you expect this deal to close?"
		a.Value = r.PostForm.Get(deal.FieldExpectedClose)
	case deal.FieldClosedOn:
		a.Question = fmt.Sprintf("On which day was this deal %s?", strings.ToLower(stage.Label()))
		a.Value = views.Today(r.Context())
	default:
		return nil
	}
	return a
}

// refusedField is the field a refusal names: a rule's, or the first
// invalid one's.
func refusedField(err error) string {
	var rule *domain.RuleError
	if errors.As(err, &rule) {
		return rule.Field
	}
	var invalid *domain.ValidationError
	if errors.As(err, &invalid) && len(invalid.Fields) > 0 {
		return invalid.Fields[0].Field
	}
	return ""
}

// dealBoardView reads the deal board's owner filter as the deal list does.
func dealBoardView(s *server, r *http.Request) (boardView[*deal.Deal], error) {
	owner, ok := leadquery.ParseOwner(r.URL.Query().Get(leadquery.ParamOwner), me(r).ID)
	if !ok {
		return boardView[*deal.Deal]{}, &badRequest{msg: leadquery.OwnerProblem}
	}
	filters := url.Values{}
	if p := leadquery.OwnerParam(owner); p != "" {
		filters.Set(leadquery.ParamOwner, p)
	}
	return boardView[*deal.Deal]{
		filters: filters,
		column: func(ctx context.Context, state string, after int64) ([]*deal.Deal, int64, error) {
			page, err := s.deals.List(ctx, deals.ListQuery{Stage: deal.Stage(state), Owner: owner,
				Paging: record.Paging{After: after, Limit: boardPageSize}})
			return page.Items, page.Next, err
		},
		frame: func(r *http.Request, b *views.Board) error {
			list := views.DealListView{Owner: leadquery.OwnerParam(owner)}
			b.ListURL = list.ListURL("", 0)
			b.OwnerTabs = boardOwnerTabs(list.OwnerTabs(), "/deals", b.Path)
			totals, err := s.deals.Totals(r.Context(), owner)
			if err != nil {
				return err
			}
			for i := range b.Columns {
				n := 0
				for _, t := range totals {
					if string(t.Stage) == b.Columns[i].State {
						n += t.Count
						b.Columns[i].Totals = append(b.Columns[i].Totals, t.Amount.String())
					}
				}
				b.Columns[i].Count = fmt.Sprint(n)
			}
			return nil
		},
		matches: func(d *deal.Deal) bool { return owner.Matches(d.Fields().Owner) },
	}, nil
}

// boardOwnerTabs are a list's owner tabs pointed at its board: the same
// parameters at the board's address.
func boardOwnerTabs(tabs []views.Tab, list, board string) []views.Tab {
	for i := range tabs {
		u, err := url.Parse(tabs[i].URL)
		if err != nil || u.Path != list {
			continue
		}
		q := u.Query()
		for _, p := range []string{"status", "stage", "after", "key", "sort", "dir"} {
			q.Del(p)
		}
		u.Path, u.RawQuery = board, q.Encode()
		tabs[i].URL = u.String()
	}
	return tabs
}

// ownerLine is the card's line naming its owner, "" for nobody's.
func ownerLine(r *http.Request, owner int64) string {
	if owner == 0 || r == nil {
		return ""
	}
	return "Owner: " + views.OwnerName(r.Context(), owner)
}

func nonEmpty(lines ...string) []string {
	var out []string
	for _, l := range lines {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

// containsFold reports whether value holds search, in any case: how a
// card a live notice brings is checked against the board's search, which
// looks in a lead's name, email and company joined by spaces, as the
// list's search does (a search may span two of them). The list's search
// also matches the start of words for one or two letters, which any such
// card holds too.
func containsFold(search, value string) bool {
	return strings.Contains(strings.ToLower(value), strings.ToLower(strings.TrimSpace(search)))
}
