package api

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"crm/domain"
	"crm/domain/deal"
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
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	UpdatedBy string     `json:"updated_by"`
}

func newDealJSON(d *deal.Deal) dealJSON {
	f := d.Fields()
	j := dealJSON{
		ID: d.ID(), Version: d.Version(), Title: f.Title,
		Amount: moneyJSON{Value: f.Amount.Decimal(), Currency: f.Amount.Currency},
		Stage:  d.Stage(), ContactID: d.ContactID(),
		CreatedAt: d.CreatedAt().UTC(), UpdatedAt: d.UpdatedAt().UTC(), UpdatedBy: d.UpdatedBy(),
	}
	if id := d.LeadID(); id != 0 {
		j.LeadID = &id
	}
	return j
}

// dealPatch is the editable members a body sets; nil leaves a field as it
// is. The amount's value and currency merge separately, as RFC 7396 merges
// nested objects: {"amount":{"value":"90"}} keeps the currency.
type dealPatch struct {
	title           *string
	value, currency *string
}

func readDealPatch(o *jsonObject) dealPatch {
	p := dealPatch{title: o.text(deal.FieldTitle)}
	if amount := o.object(deal.FieldAmount); amount != nil {
		p.value, p.currency = amount.text("value"), amount.text("currency")
		amount.rejectUnknown(nil)
	}
	return p
}

// applyTo merges the patch onto f. The amount is parsed again from its
// merged value and currency, since whether "12.5" is valid depends on the
// currency.
func (p dealPatch) applyTo(f deal.Fields) (deal.Fields, error) {
	set(&f.Title, p.title)
	if p.value == nil && p.currency == nil {
		return f, nil
	}
	value, currency := f.Amount.Decimal(), f.Amount.Currency
	if f.Amount == (deal.Money{}) {
		value = ""
	}
	set(&value, p.value)
	set(&currency, p.currency)
	m, err := deal.ParseMoney(value, currency)
	if err != nil {
		// Report the title's problems too: every problem at once.
		f.Amount = placeholderMoney
		return f, joinValidation(err, f.Normalize().Validate())
	}
	f.Amount = m
	return f, nil
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
}

func apiField(name string) string {
	if n, ok := apiFieldNames[name]; ok {
		return n
	}
	return name
}

// dealFieldOrder is the order of a deal's fields in problem lists.
var dealFieldOrder = []string{deal.FieldTitle, deal.FieldAmount, deal.FieldCurrency, deal.FieldContact, deal.FieldLead}

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

// dealReadOnly explains the members of a deal a body may not set.
var dealReadOnly = map[string]string{
	"id":         "Read-only.",
	"stage":      "Change it with POST " + Prefix + "/deals/{id}/stage.",
	"lead_id":    "Read-only: a deal gets its lead when the lead is converted.",
	"created_at": "Read-only.",
	"updated_at": "Read-only.",
	"updated_by": "Read-only.",
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
	p, err := s.deals.List(r.Context(), deals.ListQuery{Stage: stage, Paging: page})
	if err != nil {
		return err
	}
	return s.dealRes.list(w, p.Page)
}

func (s *server) createDeal(w http.ResponseWriter, r *http.Request) error {
	return s.dealRes.create(w, r, dealReadOnly, func(o *jsonObject) func(*http.Request) (*deal.Deal, error) {
		patch := readDealPatch(o)
		contactID, _ := o.integer("contact_id", "7")
		return func(r *http.Request) (*deal.Deal, error) {
			if patch.value == nil && patch.currency == nil {
				// No amount at all: let ParseMoney say what is required.
				patch.value = new(string)
			}
			f, err := patch.applyTo(deal.Fields{})
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
	return s.dealRes.write(w, r, mergePatch(func(o *jsonObject) (map[string]string, operation[*deal.Deal]) {
		patch := readDealPatch(o)
		return withHint(dealReadOnly, "contact_id", "The contact of a deal cannot be changed."),
			func(r *http.Request, d *deal.Deal) (*deal.Deal, error) {
				f, err := patch.applyTo(d.Fields())
				if err != nil {
					return nil, err
				}
				return s.deals.Update(r.Context(), actor(r), d.ID(), d.Version(), f)
			}
	}))
}

func (s *server) changeDealStage(w http.ResponseWriter, r *http.Request) error {
	return s.dealRes.write(w, r, move(deal.FieldStage, `"WON"`, func(r *http.Request, d *deal.Deal, to string) (*deal.Deal, error) {
		stage, err := deal.ParseStage(to)
		if err != nil {
			return nil, err
		}
		return s.deals.ChangeStage(r.Context(), actor(r), d.ID(), d.Version(), stage)
	}))
}
