package views

import (
	"fmt"
	"strings"

	"crm/domain/deal"
)

// DealFieldLabels names each deal field as the form shows it.
var DealFieldLabels = map[string]string{
	deal.FieldTitle: "Title", deal.FieldAmount: "Amount", deal.FieldCurrency: "Currency",
	deal.FieldStage: "Stage", deal.FieldContact: "Contact", deal.FieldLead: "Lead", deal.FieldNotes: "Notes", deal.FieldOwner: "Owner",
	deal.FieldExpectedClose: "Expected close", deal.FieldClosedOn: "Closed on",
}

// DealForm fills a form with f, to save at version. The amount and its
// currency, one field to the domain, are two inputs.
func DealForm(f deal.Fields, version int64) Form {
	return Form{Prefix: deal.Kind, Version: version, Values: map[string]string{
		deal.FieldTitle:         f.Title,
		deal.FieldAmount:        f.Amount.Decimal(),
		deal.FieldCurrency:      f.Amount.Currency,
		deal.FieldExpectedClose: f.ExpectedClose.String(),
		deal.FieldNotes:         f.Notes,
		deal.FieldOwner:         f.Get(deal.FieldOwner),
	}}
}

// DealView is the deal page's editor.
type DealView = Editor[*deal.Deal]

// DealListView is the deal list: the stage tab and one page of deals.
type DealListView struct {
	Stage        deal.Stage // "" for every stage
	Owner        string     // the owner parameter (see leadquery.ParseOwner): "" for everyone's
	Deals        []*deal.Deal
	ContactNames map[int64]string
	After        int64 // the cursor the page starts after, 0 for the first
	Next         int64
	Notice       string
	// ClosedFrom and ClosedTo are the days, both included, the listed deals
	// were won or lost in ("2026-11-01"), "" for any; Untouched the days
	// the listed open deals have gone unsaved, 0 for any.
	ClosedFrom, ClosedTo string
	Untouched            int
}

// The deal list's query parameters beyond the stage and owner: the deals
// closed between two days, and the open ones not saved for some days.
const (
	ParamClosedFrom = "closed_from"
	ParamClosedTo   = "closed_to"
	ParamUntouched  = "untouched"
)

// Filter is what the list's closed or untouched filter keeps, as a rep
// reads it, "" when there is none.
func (v DealListView) Filter() string {
	switch {
	case v.ClosedFrom != "":
		what := "Won or lost"
		if v.Stage.Closed() {
			what = v.Stage.Label()
		}
		return fmt.Sprintf("%s between %s and %s", what, v.ClosedFrom, v.ClosedTo)
	case v.Untouched > 0:
		return fmt.Sprintf("Not saved for %d days or more", v.Untouched)
	}
	return ""
}

// ClearFilterURL is the list at the same stage and owner without the
// closed or untouched filter.
func (v DealListView) ClearFilterURL() string {
	w := v
	w.ClosedFrom, w.ClosedTo, w.Untouched = "", "", 0
	return w.ListURL(v.Stage, 0)
}

// NoneAtAll says the CRM has no deal yet (not that none is at a stage):
// the list then says how to add one.
func (v DealListView) NoneAtAll() bool {
	return v.Stage == "" && v.Owner == "" && v.Filter() == "" && v.After == 0 && len(v.Deals) == 0
}

// ListURL is the list's URL for a stage tab and the page after cursor after.
func (v DealListView) ListURL(stage deal.Stage, after int64) string {
	return listURL("/deals", v.query(string(stage)), after)
}

// ContactName is the name of deal d's contact, or its number when the
// name is not at hand.
func (v DealListView) ContactName(d *deal.Deal) string {
	if name := v.ContactNames[d.ContactID()]; name != "" {
		return name
	}
	return fmt.Sprintf("Contact #%d", d.ContactID())
}

func dealURL(d *deal.Deal) string { return RecordURL(deal.Kind, d.ID()) }

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

// dealMoves are the stage moves the stage table allows from where the deal
// stands.
func dealMoves(v DealView) Moves {
	d := v.Record
	m := Moves{Kind: deal.Kind, Name: "Stage", Field: deal.FieldStage, URL: dealURL(d) + "/stage",
		Final: "A won deal stays won.", Error: v.ActionError}
	for _, s := range d.NextStages() {
		c := MoveChoice{State: string(s), Label: s.Label()}
		if d.Stage() == deal.StageLost {
			c.Label = "Reopen" // to Qualification, the one way back
		}
		m.Choices = append(m.Choices, c)
	}
	return m
}

// dealTabs are the stage tabs of the deal list.
func dealTabs(v DealListView) []Tab {
	tabs := []Tab{{URL: v.ListURL("", 0), Label: "All", TestID: "tab-", Current: v.Stage == ""}}
	for _, s := range deal.Stages {
		tabs = append(tabs, Tab{URL: v.ListURL(s, 0), Label: s.Label(), TestID: "tab-" + string(s), Current: v.Stage == s})
	}
	return tabs
}
