package views

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"crm/delivery/leadquery"
	"crm/domain/deal"
	"crm/domain/lead"
	"crm/domain/task"
	"crm/usecase/dashboard"
)

// The values of the dashboard's scope parameter: the rep's own records or
// the whole team's.
const (
	ScopeMine = "me"
	ScopeTeam = "team"
)

// The dashboard's query parameters.
const (
	ParamScope   = "scope"
	ParamPeriod  = "period"
	ParamRotDays = "rot"
)

// DashboardView is a rep's dashboard: the figures and the filters that
// chose them.
type DashboardView struct {
	D     dashboard.Dashboard
	Scope string // ScopeMine or ScopeTeam
}

// ownerParam is the lists' owner parameter for the dashboard's scope: the
// rep's own, or everyone's.
func (v DashboardView) ownerParam() string {
	if v.Scope == ScopeTeam {
		return ""
	}
	return leadquery.OwnerMine
}

// listURL is a list at path filtered by one state (param=value) and the
// dashboard's owner.
func (v DashboardView) listURL(path, param, value string) string {
	q := url.Values{}
	if value != "" {
		q.Set(param, value)
	}
	if o := v.ownerParam(); o != "" {
		q.Set(leadquery.ParamOwner, o)
	}
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// LeadsURL is the lead list of status, by the dashboard's owner.
func (v DashboardView) LeadsURL(s lead.Status) string {
	return v.listURL("/leads", leadquery.ParamStatus, string(s))
}

// DealsURL is the deal list of stage ("" for every stage), by the
// dashboard's owner.
func (v DashboardView) DealsURL(s deal.Stage) string {
	return v.listURL("/deals", deal.FieldStage, string(s))
}

// ClosedURL is the deal list of the deals now in stage (Won or Lost)
// that entered it in c's period, by the dashboard's owner: the deals c
// counts. The list's days include the last, the period's end does not.
func (v DashboardView) ClosedURL(stage deal.Stage, c dashboard.Closed) string {
	return v.dealsURL(url.Values{deal.FieldStage: {string(stage)},
		ParamClosedFrom: {c.From.Format(time.DateOnly)}, ParamClosedTo: {c.To.AddDate(0, 0, -1).Format(time.DateOnly)}})
}

// RottingURL is the deal list of the open deals not saved for the
// dashboard's rotting days, by its owner: the deals the rotting count
// counts.
func (v DashboardView) RottingURL() string {
	return v.dealsURL(url.Values{ParamUntouched: {strconv.Itoa(v.D.Query.RotDays)}})
}

// dealsURL is the deal list filtered by q and the dashboard's owner.
func (v DashboardView) dealsURL(q url.Values) string {
	if o := v.ownerParam(); o != "" {
		q.Set(leadquery.ParamOwner, o)
	}
	return "/deals?" + q.Encode()
}

// RateText is a rate as a rep reads it ("33.3 %"), a dash when there was
// nothing to take a share of.
func RateText(r dashboard.Rate) string {
	if !r.Known {
		return "–"
	}
	return fmt.Sprintf("%d.%d %%", r.PerMille/10, r.PerMille%10)
}

// daysText is an average in tenths of a day ("3.5 days"), a dash for none.
func daysText(t dashboard.StageTime) string {
	tenths, ok := t.Average()
	if !ok {
		return "–"
	}
	return fmt.Sprintf("%d.%d days", tenths/10, tenths%10)
}

// amountText is a sum in its currency ("EUR 1,250.00").
func amountText(a dashboard.Amount) string {
	return deal.Money{Minor: a.Minor, Currency: a.Currency}.String()
}

// figure is a count as the page writes it, thousands separated.
func figure(n int64) string { return count(int(n)) }

// FunnelLabel is what the funnel chart says to a screen reader: every
// step's leads and its rate.
func FunnelLabel(steps []dashboard.FunnelStep) string {
	parts := make([]string, len(steps))
	for i, s := range steps {
		parts[i] = fmt.Sprintf("%s %d", s.Status.Label(), s.Reached)
		if i > 0 {
			parts[i] += fmt.Sprintf(" (%s of %s)", RateText(s.Rate), steps[i-1].Status.Label())
		}
	}
	return "Lead funnel, leads that reached each step: " + strings.Join(parts, ", ") + "."
}

// funnelBar is one bar of the funnel chart, in the chart's units.
type funnelBar struct {
	Step           dashboard.FunnelStep
	Y, Width, Left int
}

// Sizes of the funnel chart, in its viewBox's units.
const (
	funnelWidth   = 600
	funnelBarArea = 420
	funnelRow     = 44
	funnelBarTall = 32
	funnelLabels  = 170
)

// funnelBars lays the steps out as centred bars, each as wide as its
// share of the first step's leads (at least a sliver, so an empty step
// still shows where it is).
func funnelBars(steps []dashboard.FunnelStep) []funnelBar {
	bars := make([]funnelBar, len(steps))
	var top int64
	if len(steps) > 0 {
		top = steps[0].Reached
	}
	for i, s := range steps {
		w := 2
		if top > 0 {
			w = max(w, int(s.Reached*funnelBarArea/top))
		}
		bars[i] = funnelBar{Step: s, Y: i * funnelRow, Width: w, Left: funnelLabels + (funnelBarArea-w)/2}
	}
	return bars
}

func funnelHeight(steps []dashboard.FunnelStep) int { return len(steps) * funnelRow }

// funnelViewBox is the chart's coordinate system.
func funnelViewBox(steps []dashboard.FunnelStep) string {
	return fmt.Sprintf("0 0 %d %d", funnelWidth, funnelHeight(steps))
}

// scopeOptions and periodOptions are the filters' choices.
var scopeOptions = []struct{ Value, Label string }{{ScopeMine, "Mine"}, {ScopeTeam, "Team"}}

// taskURL is a task's page.
func taskURL(id int64) string { return RecordURL(task.Kind, id) }

// The closed stages and the deal kind, by their domain names.
const (
	dealWon  = deal.StageWon
	dealLost = deal.StageLost
	dealKind = deal.Kind
)

// rottingCount is how many deals rot, "1000+" past the bound of the count.
func rottingCount(r dashboard.Rotting) string {
	if r.Count >= dashboard.RottingCounted {
		return fmt.Sprintf("%d+", dashboard.RottingCounted)
	}
	return figure(r.Count)
}

func lower(s string) string { return strings.ToLower(s) }

// dealCount is how many deals, in words ("1 deal", "2 deals").
func dealCount(n int64) string {
	if n == 1 {
		return "1 deal"
	}
	return figure(n) + " deals"
}
