package views

import (
	"fmt"
	"net/url"
	"strings"

	"crm/domain/deal"
)

// DealFieldLabels names each deal field as the form shows it.
var DealFieldLabels = map[string]string{
	deal.FieldTitle: "Title", deal.FieldAmount: "Amount", deal.FieldCurrency: "Currency",
	deal.FieldStage: "Stage", deal.FieldContact: "Contact", deal.FieldLead: "Lead",
}

// FormFromDeal fills a form with a deal's saved values.
func FormFromDeal(d *deal.Deal) Form { return DealForm(d.Fields(), d.Version()) }

// DealForm fills a form with f, to save at version. The amount and its
// currency, one field to the domain, are two inputs.
func DealForm(f deal.Fields, version int64) Form {
	return Form{Prefix: deal.Kind, Version: version, Values: map[string]string{
		deal.FieldTitle:    f.Title,
		deal.FieldAmount:   f.Amount.Decimal(),
		deal.FieldCurrency: f.Amount.Currency,
	}}
}

// DealView is the deal page's editable part: header, notices, the edit
// form, the stage actions and the history. Everything that carries a
// version lives in it, so one swap keeps the page at the current version.
type DealView struct {
	Deal     *deal.Deal
	Form     Form
	Notice   string
	Conflict *Conflict
	// ActionError is a rule violation of a stage move, shown by its buttons.
	ActionError string
	History     HistoryView
}

// DealListView is the deal list: the stage tab and one page of deals.
type DealListView struct {
	Stage        deal.Stage // "" for every stage
	Deals        []*deal.Deal
	ContactNames map[int64]string
	Next         int64
	Notice       string
}

// ListURL is the list's URL for a stage tab and the page after cursor after.
func (v DealListView) ListURL(stage deal.Stage, after int64) string {
	q := url.Values{}
	if stage != "" {
		q.Set("stage", string(stage))
	}
	if after > 0 {
		q.Set("after", fmt.Sprint(after))
	}
	if len(q) == 0 {
		return "/deals"
	}
	return "/deals?" + q.Encode()
}

// ContactName is the name of deal d's contact, or its number when the
// name is not at hand.
func (v DealListView) ContactName(d *deal.Deal) string {
	if name := v.ContactNames[d.ContactID()]; name != "" {
		return name
	}
	return fmt.Sprintf("Contact #%d", d.ContactID())
}

// NewDealView is the create form; its values include the contact's id.
type NewDealView struct {
	Form Form
}

func dealURL(d *deal.Deal) string { return fmt.Sprintf("/deals/%d", d.ID()) }

func contactIDURL(id int64) string { return fmt.Sprintf("/contacts/%d", id) }

func leadIDURL(id int64) string { return fmt.Sprintf("/leads/%d", id) }

// splitAmount splits an amount as deal.Fields.Get reads it ("1250.00 EUR")
// into the number and the currency, the two inputs the conflict buttons
// fill.
func splitAmount(s string) (amount, currency string) {
	if i := strings.LastIndexByte(s, ' '); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

func newDealURL(contactID int64) string { return fmt.Sprintf("/deals/new?contact=%d", contactID) }
