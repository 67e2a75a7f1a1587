package views

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"crm/delivery/leadquery"
	"crm/domain/savedview"
	"crm/domain/user"
	"crm/usecase/leads"
)

// ViewFieldLabels names each saved view field as the form shows it.
var ViewFieldLabels = map[string]string{
	savedview.FieldName: "Name", savedview.FieldQuery: "Filters and order", savedview.FieldShared: "Shared with the team",
}

// ViewForm fills a form with f, to save at version.
func ViewForm(f savedview.Fields, version int64) Form {
	values := make(map[string]string, len(savedview.EditableFields))
	for _, name := range savedview.EditableFields {
		values[name] = f.Get(name)
	}
	return Form{Prefix: savedview.Kind, Values: values, Version: version}
}

// ViewView is a saved view's page's editor.
type ViewView = Editor[*savedview.View]

type listViewKey struct{}

// WithListView returns ctx carrying the lead list's view (as the list
// writes its query) the rep came to a saved view's page from, "" for none:
// the page offers to update the view to it.
func WithListView(ctx context.Context, query string) context.Context {
	return context.WithValue(ctx, listViewKey{}, query)
}

// listView is the lead list's view of ctx (see WithListView).
func listView(ctx context.Context) string {
	q, _ := ctx.Value(listViewKey{}).(string)
	return q
}

// SavedViewURL is the lead list showing view v.
func SavedViewURL(v *savedview.View) string { return leadListURL(v.Fields().Query) }

// leadListURL is the lead list showing the view query, written as the list
// writes it.
func leadListURL(query string) string {
	if query == "" {
		return "/leads"
	}
	return "/leads?" + query
}

// viewEditURL is the page of view v for a rep who came from the lead list
// showing query ("" for none), so the page can offer to update v to it.
func viewEditURL(v *savedview.View, query string) string {
	u := RecordURL(savedview.Kind, v.ID())
	if query != "" {
		u += "?" + url.Values{"from": {query}}.Encode()
	}
	return u
}

// viewsURL is the page of every view, for a rep who came from the lead
// list showing query.
func viewsURL(query string) string {
	if query == "" {
		return "/views"
	}
	return "/views?" + url.Values{"from": {query}}.Encode()
}

// SavedViews are the saved views the lead list shows above its status
// tabs: the rep's own and the team's, with the one showing now marked.
type SavedViews struct {
	Views []*savedview.View
	// Current is the list's view now, as the list writes it: a view saved
	// with this query is the current tab, and "Save this view" saves it.
	Current string
	// Unavailable says the views could not be read just now.
	Unavailable bool
}

// CurrentView is the view the list shows now, nil when it shows none.
// Of two views with the same filters, the rep's own comes first.
func (t SavedViews) CurrentView() *savedview.View {
	var found *savedview.View
	for _, v := range t.Views {
		if v.Fields().Query == t.Current && (found == nil || (found.Fields().Shared && !v.Fields().Shared)) {
			found = v
		}
	}
	return found
}

// Ordered lists the views as the tabs show them: the rep's personal ones,
// then the team's, each by name.
func (t SavedViews) Ordered() []*savedview.View {
	var mine, team []*savedview.View
	for _, v := range t.Views {
		if v.Fields().Shared {
			team = append(team, v)
		} else {
			mine = append(mine, v)
		}
	}
	return append(mine, team...)
}

// ViewListView is the page of every view a rep sees.
type ViewListView struct {
	Views []*savedview.View
	// From is the lead list's view the rep came from, "" for none.
	From   string
	Notice string
}

// Personal and Shared split the views as the page lists them.
func (v ViewListView) Personal() []*savedview.View { return v.only(false) }

// Shared lists the views the team sees.
func (v ViewListView) Shared() []*savedview.View { return v.only(true) }

func (v ViewListView) only(shared bool) []*savedview.View {
	var out []*savedview.View
	for _, sv := range v.Views {
		if sv.Fields().Shared == shared {
			out = append(out, sv)
		}
	}
	return out
}

// whoSees says who sees view v, as u reads it.
func whoSees(v *savedview.View, u user.User) string {
	switch {
	case !v.Fields().Shared:
		return "Only you"
	case v.IsOwner(u):
		return "The team (you made it)"
	}
	return "The team (made by " + Who(v.Owner().Name) + ")"
}

// DescribeView says in words what the lead list shows for the view query
// (as the list writes it): "Status New · score 80 to 100 · sorted by
// Score, descending". Its days are days, read as they are written.
func DescribeView(query string) string {
	v, err := url.ParseQuery(query)
	if err != nil {
		return query
	}
	q, err := leadquery.Parse(v, time.UTC, 0)
	if err != nil {
		return query
	}
	var parts []string
	if q.Status != "" {
		parts = append(parts, "Status "+q.Status.Label())
	} else {
		parts = append(parts, "Every status")
	}
	if q.Search != "" {
		parts = append(parts, fmt.Sprintf("matching “%s”", q.Search))
	}
	if q.Source != "" {
		parts = append(parts, fmt.Sprintf("source “%s”", q.Source))
	}
	switch p := leadquery.OwnerParam(q.Owner); p {
	case "":
	case leadquery.OwnerMine:
		parts = append(parts, "mine")
	case leadquery.OwnerNobody:
		parts = append(parts, "unassigned")
	default:
		parts = append(parts, "owned by user #"+p)
	}
	if s := scoreWords(q.Score); s != "" {
		parts = append(parts, s)
	}
	for _, p := range []struct {
		what string
		p    leads.Period
	}{{"created", q.Created}, {"last changed", q.Updated}} {
		if s := periodWords(p.what, p.p); s != "" {
			parts = append(parts, s)
		}
	}
	by := q.Sort.By
	if by == "" {
		by = leads.SortCreated
	}
	dir := "descending"
	if q.Sort.Asc {
		dir = "ascending"
	}
	parts = append(parts, fmt.Sprintf("sorted by %s, %s", by.Label(), dir))
	return strings.Join(parts, " · ")
}

func scoreWords(b leads.Bounds) string {
	switch {
	case b.Min != nil && b.Max != nil:
		return fmt.Sprintf("score %d to %d", *b.Min, *b.Max)
	case b.Min != nil:
		return fmt.Sprintf("score at least %d", *b.Min)
	case b.Max != nil:
		return fmt.Sprintf("score at most %d", *b.Max)
	}
	return ""
}

func periodWords(what string, p leads.Period) string {
	from, to := leadquery.Day(p.From, time.UTC), leadquery.LastDay(p, time.UTC)
	switch {
	case from != "" && to != "":
		return fmt.Sprintf("%s %s to %s", what, from, to)
	case from != "":
		return fmt.Sprintf("%s from %s", what, from)
	case to != "":
		return fmt.Sprintf("%s until %s", what, to)
	}
	return ""
}
