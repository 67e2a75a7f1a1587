package views

import (
	"fmt"
	"slices"
	"strconv"
	"time"

	"crm/delivery/leadquery"
	"crm/domain/lead"
	"crm/usecase/leads"
)

// LeadFieldLabels names each lead field as the form shows it.
var LeadFieldLabels = map[string]string{
	lead.FieldName: "Name", lead.FieldEmail: "Email", lead.FieldCompany: "Company",
	lead.FieldPhone: "Phone", lead.FieldSource: "Source", lead.FieldScore: "Score",
	lead.FieldNotes: "Notes", lead.FieldStatus: "Status", lead.FieldOwner: "Owner",
}

// LeadForm fills a form with f, to save at version.
func LeadForm(f lead.Fields, version int64) Form {
	values := make(map[string]string, len(lead.EditableFields))
	for _, name := range lead.EditableFields {
		values[name] = f.Get(name)
	}
	return Form{Prefix: lead.Kind, Values: values, Version: version}
}

// LeadView is the lead page's editor.
type LeadView = Editor[*lead.Lead]

// LeadListView is the lead list: the view (filters and order), the tab
// counts and one page of leads.
type LeadListView struct {
	Query   leads.ListQuery
	Loc     *time.Location // the rep's zone, which the view's dates are days of
	Sources []string       // what the source filter offers; nil on a partial render
	Counts  map[lead.Status]int
	Leads   []*lead.Lead
	Next    int64
	NextKey string
	Notice  string
	Bulk    LeadBulk
	// SavedViews are the rep's saved views, shown as tabs above the
	// status tabs.
	SavedViews SavedViews
}

// NoneAtAll says the CRM has no lead yet (not that none matches a search or
// a tab): the list then says how to add one.
func (v LeadListView) NoneAtAll() bool { return !v.Filtered() && v.Counts != nil && v.Total() == 0 }

// Total is the number of leads matching the search, across statuses.
func (v LeadListView) Total() int {
	n := 0
	for _, c := range v.Counts {
		n += c
	}
	return n
}

// Filtered reports whether the view narrows the list beyond a status tab,
// so that the tabs' counts do not apply to it.
func (v LeadListView) Filtered() bool {
	q := v.Query
	return q.Search != "" || q.Source != "" || leadquery.OwnerParam(q.Owner) != "" || q.Score != (leads.Bounds{}) || q.Created != (leads.Period{}) || q.Updated != (leads.Period{})
}

// viewURL is the list's URL for the view q, from its first page.
func (v LeadListView) viewURL(q leads.ListQuery) string {
	return listURL("/leads", leadquery.Encode(q, v.Loc), 0)
}

// TabURL is the list's URL for a status tab, keeping the rest of the view.
func (v LeadListView) TabURL(status lead.Status) string {
	q := v.Query
	q.Status = status
	return v.viewURL(q)
}

// NextURL is the list's URL for the next page of this view.
func (v LeadListView) NextURL() string {
	q := leadquery.Encode(v.Query, v.Loc)
	if v.NextKey != "" {
		q.Set(leadquery.ParamKey, v.NextKey)
	}
	return listURL("/leads", q, v.Next)
}

// ExportURL is the CSV of this view, every page of it.
func (v LeadListView) ExportURL() string {
	return listURL("/leads.csv", leadquery.Encode(v.Query, v.Loc), 0)
}

// ClearURL is the list without filters, keeping the tab and the order.
func (v LeadListView) ClearURL() string {
	return v.viewURL(leads.ListQuery{Status: v.Query.Status, Sort: v.Query.Sort})
}

// SortHeading is a column heading that sorts the list by key: by key in
// its usual direction, or the other way when the list is sorted by it.
func (v LeadListView) SortHeading(label string, key leads.SortKey) Heading {
	q := v.Query
	h := Heading{Label: label, Key: string(key)}
	sort := leads.Sort{By: key, Asc: leadquery.AscendingByDefault(key)}
	if q.Sort.By == key || (q.Sort.By == "" && key == leads.SortCreated) {
		h.Sorted = "descending"
		if q.Sort.Asc {
			h.Sorted = "ascending"
		}
		sort = leads.Sort{By: key, Asc: !q.Sort.Asc}
	}
	h.Dir = leadquery.Dir(sort)
	q.Sort = sort
	h.URL = v.viewURL(q)
	return h
}

// Headings are the lead table's column headings.
func (v LeadListView) Headings() []Heading {
	return []Heading{
		{Label: "Select", Cell: selectAllOnPage()},
		v.SortHeading("Name", leads.SortName), v.SortHeading("Company", leads.SortCompany), {Label: "Email"},
		v.SortHeading("Score", leads.SortScore), v.SortHeading("Status", leads.SortStatus), {Label: "Owner"},
		v.SortHeading("Last change", leads.SortUpdated),
	}
}

// SourceChoices are the sources the filter offers: the known ones, and
// the one in the view even when no live lead has it any more.
func (v LeadListView) SourceChoices() []string {
	if v.Query.Source == "" || slices.Contains(v.Sources, v.Query.Source) {
		return v.Sources
	}
	return append([]string{v.Query.Source}, v.Sources...)
}

// Dates returns a period's first and last day as the date inputs show them.
func (v LeadListView) Dates(p leads.Period) (string, string) {
	return leadquery.Day(p.From, v.Loc), leadquery.LastDay(p, v.Loc)
}

// scoreValue writes a score bound for its input, "" when open.
func scoreValue(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

func leadURL(l *lead.Lead) string { return RecordURL(lead.Kind, l.ID()) }

// leadMoves are the status moves the state machine allows from where the
// lead stands.
func leadMoves(v LeadView) Moves {
	l := v.Record
	m := Moves{Kind: lead.Kind, Name: "Status", Field: lead.FieldStatus, URL: leadURL(l) + "/status",
		Final: "A converted lead stays converted.", Error: v.ActionError}
	for _, s := range l.NextStatuses() {
		c := MoveChoice{State: string(s), Label: s.Label()}
		if s == lead.StatusConverted {
			// Converting creates a contact and a deal, so it has a page of
			// its own rather than a one-click move.
			c.Label, c.Href, c.Note = "Convert…", convertURL(l), fmt.Sprintf("(needs score ≥ %d)", lead.ConvertMinScore)
		}
		m.Choices = append(m.Choices, c)
	}
	return m
}

// leadTabs are the status tabs of the lead list, with their counts when
// the list has them (not while searching).
func leadTabs(v LeadListView) []Tab {
	count := func(n int) *int {
		if v.Counts == nil {
			return nil
		}
		return &n
	}
	status := v.Query.Status
	tabs := []Tab{{URL: v.TabURL(""), Label: "All", TestID: "tab-", Current: status == "", Count: count(v.Total())}}
	for _, s := range lead.Statuses {
		tabs = append(tabs, Tab{URL: v.TabURL(s), Label: s.Label(), TestID: "tab-" + string(s), Current: status == s,
			Count: count(v.Counts[s])})
	}
	return tabs
}

// Matches says how many leads a search or filter found, from the first page: its
// rows, or more than a page when there is a next one.
func (v LeadListView) Matches() string {
	switch n := len(v.Leads); {
	case v.Next > 0:
		return fmt.Sprintf("More than %d leads match.", n)
	case n == 1:
		return "1 lead matches."
	default:
		return fmt.Sprintf("%d leads match.", n)
	}
}
