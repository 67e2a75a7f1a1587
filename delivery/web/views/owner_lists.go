package views

import (
	"net/url"
	"strconv"

	"crm/delivery/leadquery"
)

// ownerTabs are a list's tabs by owner: every record, the rep's own
// (mine, as the kind's list names them) and nobody's, each at url(the
// owner parameter, see leadquery.ParseOwner) and current when the list's
// owner parameter is current.
func ownerTabs(current, every, mine string, url func(param string) string) []Tab {
	return []Tab{
		{Label: every, TestID: "owner-tab-", Current: current == "", URL: url("")},
		{Label: mine, TestID: "owner-tab-me", Current: current == leadquery.OwnerMine, URL: url(leadquery.OwnerMine)},
		{Label: "Unassigned", TestID: "owner-tab-none", Current: current == leadquery.OwnerNobody, URL: url(leadquery.OwnerNobody)},
	}
}

// OwnerTabs are the lead list's tabs by owner, keeping the rest of the
// view.
func (v LeadListView) OwnerTabs() []Tab {
	return ownerTabs(leadquery.OwnerParam(v.Query.Owner), "Every lead", "My leads", func(param string) string {
		q := v.Query
		// Only which owner matters to the address: "me" is whoever opens it.
		q.Owner, _ = leadquery.ParseOwner(param, 0)
		return v.viewURL(q)
	})
}

// OwnerTabs are the deal list's tabs by owner, keeping the stage.
func (v DealListView) OwnerTabs() []Tab {
	return ownerTabs(v.Owner, "Every deal", "My deals", func(param string) string {
		w := v
		w.Owner = param
		return w.ListURL(v.Stage, 0)
	})
}

// query is the query of the deal list at stage, by its owner, with its
// closed or untouched filter.
func (v DealListView) query(stage string) url.Values {
	q := url.Values{"stage": {stage}, ParamClosedFrom: {v.ClosedFrom}, ParamClosedTo: {v.ClosedTo}}
	if v.Owner != "" {
		q.Set(leadquery.ParamOwner, v.Owner)
	}
	if v.Untouched > 0 {
		q.Set(ParamUntouched, strconv.Itoa(v.Untouched))
	}
	return q
}

// OwnerTabs are the contact list's tabs by owner, keeping the search.
func (v ContactListView) OwnerTabs() []Tab {
	return ownerTabs(v.Owner, "Every contact", "Mine", func(param string) string {
		w := v
		w.Owner = param
		return w.ListURL(0)
	})
}
