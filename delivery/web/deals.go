package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"crm/delivery/web/views"
	"crm/domain"
	"crm/domain/deal"
	"crm/usecase/deals"
)

// DealService is what the pages need from the deal use cases.
type DealService interface {
	Create(ctx context.Context, by string, contactID int64, f deal.Fields) (*deal.Deal, error)
	Get(ctx context.Context, id int64) (*deal.Deal, error)
	List(ctx context.Context, q deals.ListQuery) (deals.Page, error)
	Save(ctx context.Context, by string, id, version int64, f deal.Fields) (deals.Saved, error)
	Move(ctx context.Context, by string, id, version int64, to deal.Stage) (deals.Saved, error)
	ListByContact(ctx context.Context, contactID int64) ([]*deal.Deal, error)
	historyReader
}

// dealNotices are the only messages a redirect may ask a deal page to
// show, so a link cannot make the page say anything else.
var dealNotices = map[string]string{
	"created":   "Deal created.",
	"saved":     "Saved.",
	"moved":     "Stage changed.",
	"converted": "Lead converted: this deal, its contact and the converted lead were saved together.",
}

var errDealNotFound = &httpError{status: http.StatusNotFound, title: "Deal not found",
	msg: "There is no deal with this number."}

// failDeal answers err as fail does, naming the deal when it is the thing
// not found (the error table's own 404 speaks of leads).
func (s *server) failDeal(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, domain.ErrNotFound) {
		err = fmt.Errorf("%w: %w", errDealNotFound, err)
	}
	s.fail(w, r, err)
}

// dealForm is a decoded deal form: the values exactly as typed (to show
// them again) and, when they parse, the fields for the use case.
type dealForm struct {
	values map[string]string
	fields deal.Fields
	// invalid holds decoding problems (an amount that is not a number, an
	// unknown currency) that must be reported as validation errors.
	invalid *domain.ValidationError
}

func decodeDealForm(r *http.Request) dealForm {
	f := dealForm{values: map[string]string{}}
	for _, name := range []string{deal.FieldTitle, deal.FieldAmount, deal.FieldCurrency} {
		f.values[name] = r.PostForm.Get(name)
	}
	f.fields.Title = f.values[deal.FieldTitle]
	money, err := deal.ParseMoney(f.values[deal.FieldAmount], f.values[deal.FieldCurrency])
	if err != nil {
		f.invalid = &domain.ValidationError{}
		errors.As(err, &f.invalid)
	}
	f.fields.Amount = money
	return f
}

// err reports decoding problems together with the domain's own validation
// of the title, so the rep sees every message in one round trip.
func (f dealForm) err() error {
	if f.invalid == nil {
		return nil
	}
	all := &domain.ValidationError{Fields: f.invalid.Fields}
	var rest *domain.ValidationError
	if errors.As(f.fields.Normalize().Validate(), &rest) {
		for _, fe := range rest.Fields {
			if fe.Field == deal.FieldTitle {
				all.Add(fe.Field, fe.Message)
			}
		}
	}
	return all.Err()
}

// view is the form as typed, with messages from err when it is a
// validation or rule error.
func (f dealForm) view(version int64, err error) views.Form {
	return views.Form{Prefix: deal.Kind, Values: f.values, Errors: fieldErrors(err), Version: version}
}

func (s *server) listDeals(w http.ResponseWriter, r *http.Request) {
	_, after, err := listQuery(r) // deals have no search
	if err != nil {
		s.fail(w, r, err)
		return
	}
	query := deals.ListQuery{After: after}
	if raw := r.URL.Query().Get("stage"); raw != "" {
		if query.Stage, err = deal.ParseStage(raw); err != nil {
			s.fail(w, r, &badRequest{msg: fmt.Sprintf("%q is not a stage.", raw)})
			return
		}
	}
	page, err := s.deals.List(r.Context(), query)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := views.DealListView{Stage: query.Stage, Deals: page.Deals, ContactNames: page.ContactNames, Next: page.Next,
		Notice: dealNotices[r.URL.Query().Get("notice")]}
	if isHTMX(r) && after > 0 {
		s.render(w, r, http.StatusOK, nil, views.DealRows(v))
		return
	}
	s.render(w, r, http.StatusOK, views.DealListPage(v), views.DealResults(v))
}

func (s *server) newDeal(w http.ResponseWriter, r *http.Request) {
	// The contact is shown as given: the create checks it exists.
	form := views.Form{Prefix: deal.Kind, Values: map[string]string{
		deal.FieldContact: r.URL.Query().Get("contact"), deal.FieldCurrency: deal.Currencies[0],
	}}
	v := views.NewDealView{Form: form}
	s.render(w, r, http.StatusOK, views.NewDealPage(v), views.NewDealForm(v))
}

// contactOf reads the contact a new deal is for, from its form.
func contactOf(r *http.Request) (int64, *domain.ValidationError) {
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

func (s *server) createDeal(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	form := decodeDealForm(r)
	form.values[deal.FieldContact] = r.PostForm.Get(deal.FieldContact)
	contactID, badContact := contactOf(r)
	err := form.err()
	if badContact != nil {
		all := &domain.ValidationError{}
		errors.As(err, &all)
		all.Fields = append(all.Fields, badContact.Fields...)
		err = all
	}
	var created *deal.Deal
	if err == nil {
		created, err = s.deals.Create(r.Context(), actor(r), contactID, form.fields)
	}
	if err != nil {
		if isInvalid(err) {
			v := views.NewDealView{Form: form.view(0, err)}
			s.render(w, r, http.StatusUnprocessableEntity, views.NewDealPage(v), views.NewDealForm(v))
			return
		}
		s.fail(w, r, err)
		return
	}
	redirect(w, r, fmt.Sprintf("/deals/%d?notice=created", created.ID()))
}

func (s *server) showDeal(w http.ResponseWriter, r *http.Request) {
	id, err := leadID(r) // any aggregate's {id}: a positive number
	if err != nil {
		s.failDeal(w, r, err)
		return
	}
	d, err := s.deals.Get(r.Context(), id)
	if err != nil {
		s.failDeal(w, r, err)
		return
	}
	s.renderDeal(w, r, http.StatusOK, views.DealView{Deal: d, Form: views.FormFromDeal(d),
		Notice: dealNotices[r.URL.Query().Get("notice")]})
}

func (s *server) saveDeal(w http.ResponseWriter, r *http.Request) {
	id, version, ok := s.decodeWrite(w, r)
	if !ok {
		return
	}
	form := decodeDealForm(r)
	err := form.err()
	var res deals.Saved
	if err == nil {
		res, err = s.deals.Save(r.Context(), actor(r), id, version, form.fields)
	}
	switch {
	case err == nil:
		saved := res.Deal
		if !isHTMX(r) {
			redirect(w, r, fmt.Sprintf("/deals/%d?notice=saved", id))
			return
		}
		notice := savedNotice(deal.Kind, res.Merge, views.DealFieldLabels, version, saved.Version())
		s.renderDeal(w, r, http.StatusOK, views.DealView{Deal: saved, Form: views.FormFromDeal(saved), Notice: notice})
	case isInvalid(err):
		// The form keeps the version the rep started from: moving it on here
		// would hide a conflict with whoever saved in the meantime.
		s.renderCurrentDeal(w, r, id, func(d *deal.Deal) views.DealView {
			return views.DealView{Deal: d, Form: form.view(version, err)}
		})
	default:
		s.failDealWrite(w, r, err)
	}
}

func (s *server) changeDealStage(w http.ResponseWriter, r *http.Request) {
	id, version, ok := s.decodeWrite(w, r)
	if !ok {
		return
	}
	to, err := deal.ParseStage(r.PostForm.Get(deal.FieldStage))
	var res deals.Saved
	if err == nil {
		res, err = s.deals.Move(r.Context(), actor(r), id, version, to)
	}
	switch {
	case err == nil:
		moved := res.Deal
		if !isHTMX(r) {
			redirect(w, r, fmt.Sprintf("/deals/%d?notice=moved", id))
			return
		}
		notice := movedNotice(deal.Kind, moved.Stage().Label(), res.Merge, views.DealFieldLabels, moved.Version())
		s.renderDeal(w, r, http.StatusOK, views.DealView{Deal: moved, Form: views.FormFromDeal(moved), Notice: notice})
	case isInvalid(err):
		s.renderCurrentDeal(w, r, id, func(d *deal.Deal) views.DealView {
			return views.DealView{Deal: d, Form: views.FormFromDeal(d), ActionError: ruleMessage(err)}
		})
	default:
		s.failDealWrite(w, r, err)
	}
}

// failDealWrite answers a failed write: a conflict shows the banner over
// the deal as it is now; anything else goes to the error table.
func (s *server) failDealWrite(w http.ResponseWriter, r *http.Request, err error) {
	var conflict *deals.ConflictError
	if !errors.As(err, &conflict) {
		s.failDeal(w, r, err)
		return
	}
	s.renderDeal(w, r, http.StatusConflict, dealConflictView(conflict))
}

// dealConflictView builds the deal page for a write that lost the race:
// the deal as saved now and the banner. A field save compares the three
// versions and fills the form with the rep's own changes on top of the
// current values; a stage move shows what changed since the rep looked.
// Either way the forms are at the current version.
func dealConflictView(c *deals.ConflictError) views.DealView {
	cur := c.Current
	var base fieldReader
	if c.Base != nil {
		base = c.Base.Fields()
	}
	if c.Yours != nil {
		banner := newBanner(deal.Kind, "save", c.Lock.Expected, cur.Version(), cur.UpdatedBy(), cur.UpdatedAt())
		banner.Rows = compareRows(c.Compare.Conflicts, c.Compare.Theirs, c.Compare.Yours,
			views.DealFieldLabels, base, cur.Fields(), *c.Yours)
		return views.DealView{Deal: cur, Form: views.DealForm(c.Compare.Proposed, cur.Version()), Conflict: banner}
	}
	banner := newBanner(deal.Kind, "status", c.Lock.Expected, cur.Version(), cur.UpdatedBy(), cur.UpdatedAt())
	banner.WantedStatus = c.WantedStage.Label()
	if c.Base != nil {
		banner.Rows = bannerRows(c.Base.Fields().Changed(cur.Fields()), views.ChangedByThem, views.DealFieldLabels, base, cur.Fields(), nil)
		if c.Base.Stage() != cur.Stage() {
			banner.Rows = append(banner.Rows, views.ConflictRow{Field: deal.FieldStage, Label: views.DealFieldLabels[deal.FieldStage],
				Kind: views.ChangedByThem, Base: c.Base.Stage().Label(), Theirs: cur.Stage().Label()})
		}
	}
	return views.DealView{Deal: cur, Form: views.FormFromDeal(cur), Conflict: banner}
}

// renderCurrentDeal re-renders the deal page around a refused write (422),
// reading the deal as it is now.
func (s *server) renderCurrentDeal(w http.ResponseWriter, r *http.Request, id int64, build func(*deal.Deal) views.DealView) {
	d, err := s.deals.Get(r.Context(), id)
	if err != nil {
		s.failDeal(w, r, err)
		return
	}
	s.renderDeal(w, r, http.StatusUnprocessableEntity, build(d))
}

// renderDeal renders the deal page, or its editor for htmx, with the
// deal's history.
func (s *server) renderDeal(w http.ResponseWriter, r *http.Request, status int, v views.DealView) {
	v.History = s.history(r.Context(), deal.Kind, s.deals, v.Deal.ID())
	s.render(w, r, status, views.DealPage(v), views.DealEditor(v))
}
