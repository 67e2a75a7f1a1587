package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"

	"crm/delivery/leadquery"
	"crm/delivery/web/views"
	"crm/domain"
	"crm/domain/deal"
	"crm/usecase/dashboard"
	"crm/usecase/deals"
	"crm/usecase/record"
)

// DealService is what the pages need from the deal use cases.
type DealService interface {
	recordService[*deal.Deal, deal.Fields]
	Create(ctx context.Context, by string, contactID int64, f deal.Fields) (*deal.Deal, error)
	List(ctx context.Context, q deals.ListQuery) (deals.Page, error)
	Move(ctx context.Context, by string, id, version int64, to deal.Stage, g deal.Gate) (record.Saved[*deal.Deal], error)
	SaveAndMove(ctx context.Context, by string, id, version int64, f deal.Fields, to deal.Stage, g deal.Gate) (record.Saved[*deal.Deal], error)
	ListByContact(ctx context.Context, contactID int64) ([]*deal.Deal, error)
	// Totals counts the live deals of owner by stage and adds up their
	// amounts per currency, for the board.
	Totals(ctx context.Context, owner record.OwnerFilter) ([]deals.StageTotal, error)
}

// newDealPages describes the deal's pages every kind of record has.
func newDealPages(s *server, svc DealService) *recordPages[*deal.Deal, deal.Fields] {
	return &recordPages[*deal.Deal, deal.Fields]{
		s: s, kind: deal.Kind, labels: views.DealFieldLabels, fields: deal.EditableFields, svc: svc,
		notices: map[string]string{
			"created": "Deal created.", "deleted": "Deal deleted: it is in the Trash, where it can be restored.", "restored": "Restored from the Trash.", "saved": "Saved.", "moved": "Stage changed.",
			"converted": "Lead converted: this deal, its contact and the converted lead were saved together.",
		},
		inputs: dealInputs, decode: decodeDealForm, form: views.DealForm,
		page:   func(v views.DealView) templ.Component { return views.DealPage(v) },
		editor: func(v views.DealView) templ.Component { return views.DealEditor(v) },
		blank: func(r *http.Request) views.Form {
			// The contact is shown as given: the create checks it exists.
			return views.Form{Prefix: deal.Kind, Values: map[string]string{
				deal.FieldContact: r.URL.Query().Get("contact"), deal.FieldCurrency: deal.Currencies[0],
				deal.FieldOwner: creatorOwns(r),
			}}
		},
		newFields: func(form views.Form) templ.Component { return views.NewDealFields(form) },
		create: func(r *http.Request, f deal.Fields, invalid error) (*deal.Deal, error) {
			contactID, err := contactOf(r)
			if invalid != nil || err != nil {
				all := &domain.ValidationError{}
				errors.As(invalid, &all)
				return nil, withDomainMessages(all, err)
			}
			return svc.Create(r.Context(), actor(r), contactID, f)
		},
		move:       dealMover(svc),
		state:      func(d *deal.Deal) string { return d.Stage().Label() },
		stateField: deal.FieldStage, moved: "moved this deal to another stage",
	}
}

// dealMover is recordPages.move for deals: the page's moves carry the
// deal's form, whose expected close the move saves first (so a rep who
// typed it passes the Negotiation gate), and the closed-on date beside the
// move buttons, which the page fills with today in the rep's zone. The
// domain's move decides what either is needed for.
func dealMover(svc DealService) func(r *http.Request, id, version int64, to string, typed *deal.Fields) (record.Saved[*deal.Deal], error) {
	return func(r *http.Request, id, version int64, to string, typed *deal.Fields) (record.Saved[*deal.Deal], error) {
		stage, err := deal.ParseStage(to)
		if err != nil {
			return record.Saved[*deal.Deal]{}, err
		}
		closedOn, err := domain.ParseDate(deal.FieldClosedOn, views.DealFieldLabels[deal.FieldClosedOn], strings.TrimSpace(r.PostForm.Get(deal.FieldClosedOn)))
		if err != nil {
			return record.Saved[*deal.Deal]{}, err
		}
		g := deal.Gate{ClosedOn: closedOn}
		if typed != nil {
			return svc.SaveAndMove(r.Context(), actor(r), id, version, *typed, stage, g)
		}
		// A move without the deal's form (a board's, whose dialog asks for
		// the expected close) brings the date in the move's own write.
		if g.ExpectedClose, err = domain.ParseDate(deal.FieldExpectedClose, views.DealFieldLabels[deal.FieldExpectedClose],
			strings.TrimSpace(r.PostForm.Get(deal.FieldExpectedClose))); err != nil {
			return record.Saved[*deal.Deal]{}, err
		}
		return svc.Move(r.Context(), actor(r), id, version, stage, g)
	}
}

// dealTermInputs are the inputs of a deal's title and amount: the amount
// and its currency are two inputs that make one Money. The conversion form
// has these of the deal.
var dealTermInputs = []string{deal.FieldTitle, deal.FieldAmount, deal.FieldCurrency}

// dealInputs are the inputs of all a deal's fields.
var dealInputs = slices.Clip(append(slices.Clone(dealTermInputs), deal.FieldExpectedClose, deal.FieldNotes, deal.FieldOwner))

// decodeDealForm reads a deal form (see recordPages.decode). The contact,
// in the create form only, is kept among the values to be shown again.
func decodeDealForm(r *http.Request) (map[string]string, deal.Fields, error) {
	values := formValues(r, append(dealInputs, deal.FieldContact)...)
	money, err := deal.ParseMoney(values[deal.FieldAmount], values[deal.FieldCurrency])
	f := deal.Fields{Title: values[deal.FieldTitle], Amount: money, Notes: values[deal.FieldNotes]}
	invalid := &domain.ValidationError{}
	errors.As(err, &invalid)
	expected, err := domain.ParseDate(deal.FieldExpectedClose, views.DealFieldLabels[deal.FieldExpectedClose], strings.TrimSpace(values[deal.FieldExpectedClose]))
	if v := (*domain.ValidationError)(nil); errors.As(err, &v) {
		invalid.Fields = append(invalid.Fields, v.Fields...)
	}
	f.ExpectedClose = expected
	if decodeOwner(r, values, &f.Owner, invalid); len(invalid.Fields) == 0 {
		return values, f, nil
	}
	return values, f, withDomainMessages(invalid, f.Normalize().Validate(), deal.FieldAmount, deal.FieldCurrency, deal.FieldExpectedClose, deal.FieldOwner)
}

// contactOf reads the contact a new deal is for, from its form.
func contactOf(r *http.Request) (int64, error) {
	raw := strings.TrimSpace(r.PostForm.Get(deal.FieldContact))
	if raw == "" {
		return 0, nil // deal.New says a contact is needed
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 {
		v := &domain.ValidationError{}
		v.Add(deal.FieldContact, "The contact is a number, like 12.")
		return 0, v
	}
	return id, nil
}

func (s *server) listDeals(w http.ResponseWriter, r *http.Request) error {
	_, paging, stage, err := stateListQuery(r, deal.FieldStage, deal.ParseStage) // deals have no search
	if err != nil {
		return err
	}
	owner, ok := leadquery.ParseOwner(r.URL.Query().Get(leadquery.ParamOwner), me(r).ID)
	if !ok {
		return &badRequest{msg: leadquery.OwnerProblem}
	}
	query := deals.ListQuery{Stage: stage, Owner: owner, Paging: paging}
	v := views.DealListView{Stage: query.Stage, Owner: leadquery.OwnerParam(owner), After: paging.After,
		Notice: s.dealPages.notices[r.URL.Query().Get("notice")]}
	if err := dealFilters(r, time.Now(), &query, &v); err != nil {
		return err
	}
	page, err := s.deals.List(r.Context(), query)
	if err != nil {
		return err
	}
	v.Deals, v.ContactNames, v.Next = page.Items, page.ContactNames, page.Next
	return s.renderList(w, r, paging, views.DealRows(v), views.DealListPage(v), views.DealResults(v))
}

// dealFilters reads the deal list's closed and untouched filters into q,
// as the dashboard counts its won, lost and rotting deals, and into v to be
// shown and kept; a malformed one is a 400 saying which and why. The days
// closed are the rep's, from the first one's midnight in their zone to the
// midnight after the last, as the dashboard's periods are.
func dealFilters(r *http.Request, now time.Time, q *deals.ListQuery, v *views.DealListView) error {
	params := r.URL.Query()
	from, to := strings.TrimSpace(params.Get(views.ParamClosedFrom)), strings.TrimSpace(params.Get(views.ParamClosedTo))
	if from != "" || to != "" {
		const msg = "Closed between: closed_from and closed_to are both days, like 2026-11-01, the first no later than the last."
		loc := views.Location(r.Context())
		first, err1 := time.ParseInLocation(time.DateOnly, from, loc)
		last, err2 := time.ParseInLocation(time.DateOnly, to, loc)
		if err1 != nil || err2 != nil || last.Before(first) {
			return &badRequest{msg: msg}
		}
		q.ClosedFrom, q.ClosedTo = first, last.AddDate(0, 0, 1)
		v.ClosedFrom, v.ClosedTo = from, to
	}
	if raw := strings.TrimSpace(params.Get(views.ParamUntouched)); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > dashboard.MaxRotDays {
			return &badRequest{msg: fmt.Sprintf("Not saved for: the days are a whole number from 1 to %d.", dashboard.MaxRotDays)}
		}
		q.UntouchedSince = now.Add(-time.Duration(n) * 24 * time.Hour)
		v.Untouched = n
	}
	return nil
}
