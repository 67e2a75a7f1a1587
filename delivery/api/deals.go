package api

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"crm/domain"
	"crm/domain/deal"
	"crm/domain/task"
	"crm/usecase/deals"
)

// moneyJSON is an amount as JSON: the decimal as a string, so no client
// ever reads it into a float, and its currency.
type moneyJSON struct {
	Value    string `json:"value"`
	Currency string `json:"currency"`
}

// dealJSON is the representation of a deal. LeadID is null for a deal not
// converted from a lead.
type dealJSON struct {
	ID        int64      `json:"id"`
	Version   int64      `json:"version"`
	Title     string     `json:"title"`
	Amount    moneyJSON  `json:"amount"`
	Stage     deal.Stage `json:"stage"`
	ContactID int64      `json:"contact_id"`
	LeadID    *int64     `json:"lead_id"`
	Notes     string     `json:"notes"`
	OwnerID   *int64     `json:"owner_id"`
	// The dates, written like 2026-12-31; null for none.
	ExpectedClose *string   `json:"expected_close"`
	ClosedOn      *string   `json:"closed_on"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	UpdatedBy     string    `json:"updated_by"`
}

func newDealJSON(d *deal.Deal) dealJSON {
	f := d.Fields()
	j := dealJSON{
		ID: d.ID(), Version: d.Version(), Title: f.Title,
		Amount: moneyJSON{Value: f.Amount.Decimal(), Currency: f.Amount.Currency},
		Stage:  d.Stage(), ContactID: d.ContactID(), Notes: f.Notes, OwnerID: ownerJSON(f.Owner),
		CreatedAt: d.CreatedAt().UTC(), UpdatedAt: d.UpdatedAt().UTC(), UpdatedBy: d.UpdatedBy(),
	}
	if id := d.LeadID(); id != 0 {
		j.LeadID = &id
	}
	j.ExpectedClose, j.ClosedOn = dateJSON(f.ExpectedClose), dateJSON(d.ClosedOn())
	return j
}

// dateJSON is a date as JSON: null for none.
func dateJSON(d domain.Date) *string {
	if d.IsZero() {
		return nil
	}
	s := d.String()
	return &s
}

// readDate reads the date member name as text already taken from the
// body (nil when absent, "" for none); a text that is no date is a
// *domain.ValidationError on name.
func readDate(name string, text *string) (domain.Date, error) {
	if text == nil {
		return domain.Date{}, nil
	}
	return domain.ParseDate(name, name, *text)
}

// readDealPatch reads the members of a deal a body may set; see
// resource.patch. The amount's value and currency merge separately, as RFC
// 7396 merges nested objects: {"amount":{"value":"90"}} keeps the currency.
// The amount is parsed again from its merged value and currency, since
// whether "12.5" is valid depends on the currency.
func readDealPatch(o *jsonObject) func(deal.Fields) (deal.Fields, error) {
	title, notes, expected := o.text(deal.FieldTitle), o.text(deal.FieldNotes), o.text(deal.FieldExpectedClose)
	var value, currency *string
	if amount := o.object(deal.FieldAmount); amount != nil {
		value, currency = amount.text("value"), amount.text("currency")
		amount.rejectUnknown(nil)
	}
	owner := o.owner()
	return func(f deal.Fields) (deal.Fields, error) {
		set(&f.Title, title)
		set(&f.Notes, notes)
		set(&f.Owner, owner)
		if expected != nil {
			d, err := readDate(deal.FieldExpectedClose, expected)
			if err != nil {
				return f, joinValidation(err, f.Normalize().Validate())
			}
			f.ExpectedClose = d
		}
		if value == nil && currency == nil && f.Amount != (deal.Money{}) {
			return f, nil
		}
		v, c := f.Amount.Decimal(), f.Amount.Currency
		if f.Amount == (deal.Money{}) {
			v = "" // a new deal: no amount is no amount, which ParseMoney refuses
		}
		set(&v, value)
		set(&c, currency)
		m, err := deal.ParseMoney(v, c)
		if err != nil {
			// Report the title's problems too: every problem at once.
			f.Amount = placeholderMoney
			return f, joinValidation(err, f.Normalize().Validate())
		}
		f.Amount = m
		return f, nil
	}
}

// placeholderMoney stands in for an amount that could not be parsed, so
// the domain can still check the other fields.
var placeholderMoney = deal.Money{Currency: deal.Currencies[0]}

// apiFieldNames renames the domain's field names to the members of the JSON
// representation where they differ.
var apiFieldNames = map[string]string{
	deal.FieldAmount:   "amount.value",
	deal.FieldCurrency: "amount.currency",
	deal.FieldContact:  "contact_id",
	deal.FieldLead:     "lead_id",
	task.FieldAssignee: "assignee_id",
	task.FieldLink:     "link_id",
	domain.FieldOwner:  ownerMember,
}

func apiField(name string) string {
	if n, ok := apiFieldNames[name]; ok {
		return n
	}
	return name
}

// dealFieldOrder is the order of a deal's fields in problem lists.
var dealFieldOrder = []string{deal.FieldTitle, deal.FieldAmount, deal.FieldCurrency, deal.FieldExpectedClose, deal.FieldNotes, deal.FieldOwner, deal.FieldContact, deal.FieldLead}

// joinValidation merges the field problems of several validation errors,
// in form order; errors of other types are returned first.
func joinValidation(errs ...error) error {
	var v domain.ValidationError
	for _, err := range errs {
		var invalid *domain.ValidationError
		switch {
		case err == nil:
		case errors.As(err, &invalid):
			v.Fields = append(v.Fields, invalid.Fields...)
		default:
			return err
		}
	}
	slices.SortStableFunc(v.Fields, func(a, b domain.FieldError) int {
		return slices.Index(dealFieldOrder, a.Field) - slices.Index(dealFieldOrder, b.Field)
	})
	return v.Err()
}

// dealReadOnly explains the members only a deal has that a body may not
// set. The contact is set when the deal is created, and only then.
var dealReadOnly = map[string]string{
	"stage":      "Change it with POST " + Prefix + "/deals/{id}/stage.",
	"closed_on":  "Set by the move that closes the deal: POST " + Prefix + "/deals/{id}/stage with closed_on.",
	"lead_id":    "Read-only: a deal gets its lead when the lead is converted.",
	"contact_id": "The contact of a deal cannot be changed.",
}

func (s *server) listDeals(w http.ResponseWriter, r *http.Request) error {
	page, err := readListPage(r)
	if err != nil {
		return err
	}
	var stage deal.Stage
	if v := r.URL.Query().Get("stage"); v != "" {
		if stage, err = deal.ParseStage(v); err != nil {
			return queryParamError("stage", err)
		}
	}
	owner, err := readOwnerFilter(r)
	if err != nil {
		return err
	}
	p, err := s.deals.List(r.Context(), deals.ListQuery{Stage: stage, Owner: owner, Paging: page})
	if err != nil {
		return err
	}
	return s.dealRes.list(w, p.Page)
}

func (s *server) createDeal(w http.ResponseWriter, r *http.Request) error {
	return s.dealRes.create(w, r, func(o *jsonObject) func(*http.Request) (*deal.Deal, error) {
		apply := readDealPatch(o)
		contactID, _ := o.integer("contact_id", "7")
		return func(r *http.Request) (*deal.Deal, error) {
			// Owned by its creator unless the body says otherwise.
			f, err := apply(deal.Fields{Owner: me(r.Context()).ID})
			if err != nil {
				// Add the contact's problem, which the domain checks on creation.
				_, other := deal.New(f, contactID, 0, actor(r))
				return nil, joinValidation(err, withoutFields(other, deal.FieldTitle, deal.FieldAmount, deal.FieldCurrency))
			}
			return s.deals.Create(r.Context(), actor(r), contactID, f)
		}
	})
}

// withoutFields drops the problems with the named fields from a validation
// error, already reported by another.
func withoutFields(err error, fields ...string) error {
	var invalid *domain.ValidationError
	if !errors.As(err, &invalid) {
		return err
	}
	v := domain.ValidationError{Fields: slices.DeleteFunc(slices.Clone(invalid.Fields), func(f domain.FieldError) bool {
		return slices.Contains(fields, f.Field)
	})}
	return v.Err()
}

func (s *server) patchDeal(w http.ResponseWriter, r *http.Request) error {
	return s.dealRes.patchWith(w, r, s.deals.Update)
}

// changeDealStage is moveWith for deals, whose body may carry the dates
// the stage gates read: expected_close (saved with the move) and
// closed_on (the day a move to WON or LOST closes the deal). Neither has a
// default: the domain refuses a move that needs one it was not given.
func (s *server) changeDealStage(w http.ResponseWriter, r *http.Request) error {
	return s.dealRes.write(w, r, change[*deal.Deal]{media: []string{mediaJSON}, read: func(o *jsonObject) (map[string]string, operation[*deal.Deal]) {
		o.require(deal.FieldStage, `"WON"`)
		state, expected, closedOn := o.text(deal.FieldStage), o.text(deal.FieldExpectedClose), o.text(deal.FieldClosedOn)
		return nil, func(r *http.Request, d *deal.Deal) (*deal.Deal, error) {
			to, err := deal.ParseStage(*state)
			if err != nil {
				return nil, err
			}
			expectedClose, err1 := readDate(deal.FieldExpectedClose, expected)
			closed, err2 := readDate(deal.FieldClosedOn, closedOn)
			if err := joinValidation(err1, err2); err != nil {
				return nil, err
			}
			return s.deals.MoveAt(r.Context(), actor(r), d, to, deal.Gate{ExpectedClose: expectedClose, ClosedOn: closed})
		}
	}})
}
