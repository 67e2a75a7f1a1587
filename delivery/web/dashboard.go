package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"crm/delivery/web/views"
	"crm/usecase/dashboard"
)

// DashboardService builds a rep's dashboard.
type DashboardService interface {
	// Build reads every figure of q at now, periods in loc; a
	// domain.ErrUnavailable error when the database cannot be reached.
	Build(ctx context.Context, q dashboard.Query, now time.Time, loc *time.Location) (dashboard.Dashboard, error)
}

// showDashboard answers /dashboard (and /): the figures for the rep's own
// records or the team's, in the chosen period.
func (s *server) showDashboard(w http.ResponseWriter, r *http.Request) error {
	scope, q, err := dashboardQuery(r, me(r).ID)
	if err != nil {
		return err
	}
	d, err := s.dashboard.Build(r.Context(), q, time.Now(), views.Location(r.Context()))
	if err != nil {
		return err
	}
	page := views.DashboardPage(views.DashboardView{D: d, Scope: scope})
	s.render(w, r, http.StatusOK, page, page)
	return nil
}

// dashboardQuery reads the dashboard's filters for rep me; a malformed one
// is a 400 saying which and why.
func dashboardQuery(r *http.Request, me int64) (string, dashboard.Query, error) {
	v := r.URL.Query()
	q := dashboard.Query{Owner: me, Rep: me, RotDays: dashboard.DefaultRotDays}
	scope := v.Get(views.ParamScope)
	switch scope {
	case "", views.ScopeMine:
		scope = views.ScopeMine
	case views.ScopeTeam:
		q.Owner = 0
	default:
		return "", q, &badRequest{msg: fmt.Sprintf("Whose figures: %q is neither %q nor %q.", scope, views.ScopeMine, views.ScopeTeam)}
	}
	p, err := dashboard.ParsePeriod(v.Get(views.ParamPeriod))
	if err != nil {
		return "", q, &badRequest{msg: "Period: " + err.Error() + "."}
	}
	q.Period = p
	if raw := strings.TrimSpace(v.Get(views.ParamRotDays)); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > dashboard.MaxRotDays {
			return "", q, &badRequest{msg: fmt.Sprintf("Rotting after: the days are a whole number from 1 to %d.", dashboard.MaxRotDays)}
		}
		q.RotDays = n
	}
	return scope, q, nil
}
