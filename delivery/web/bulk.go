package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"crm/delivery/leadquery"
	"crm/delivery/telemetry"
	"crm/delivery/web/views"
	"crm/domain"
	"crm/domain/lead"
	"crm/usecase/leads"
	"crm/usecase/record"
)

// BulkTimeout bounds a bulk change, which writes up to leads.MaxBulk leads
// one by one (about 3 ms each on two cores): far more than a page's
// deadline. Each lead's writes keep the page's deadline, so a database
// out of reach stops the change as soon as it would stop a page.
const BulkTimeout = 2 * time.Minute

// bulkPaths are the requests that make a bulk change, page and API.
var bulkPaths = map[string]bool{"/leads/bulk": true, "/api/v1/leads/bulk": true}

// isBulk reports whether r makes a bulk change (see BulkTimeout).
func isBulk(r *http.Request) bool { return r.Method == http.MethodPost && bulkPaths[r.URL.Path] }

// bulkForm is the lead list's bulk change form as posted.
type bulkForm struct {
	bulk     leads.Bulk
	query    leads.ListQuery // the view the change was made from
	selected map[int64]bool
	all      bool
	status   string
	source   string
	owner    string
}

// readBulkForm reads the bulk change form: the leads ticked (lead, each
// "id:version"), the view ("view", a query string) and whether the change
// is for all of it ("all"), and the change ("status", "source" or
// "owner": a user's id, or "none" for nobody). Its
// errors are 400s, for a form no page sends; a change the form allows
// but the use case refuses is the use case's to say.
func readBulkForm(r *http.Request, loc *time.Location) (bulkForm, error) {
	var f bulkForm
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return f, tooLarge
		}
		return f, &badRequest{msg: "The form could not be read."}
	}
	for key, vals := range r.PostForm {
		if len(vals) > 1 && key != "lead" {
			return f, &badRequest{msg: fmt.Sprintf("The field %q was sent more than once.", key)}
		}
		for _, v := range vals {
			if !utf8.ValidString(key) || !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
				return f, &badRequest{msg: "The form contains bytes that are not text."}
			}
		}
	}
	view, err := url.ParseQuery(r.PostForm.Get("view"))
	if err == nil {
		f.query, err = leadquery.Parse(view, loc, me(r).ID)
	}
	if err != nil {
		return f, &badRequest{msg: "The view of the list could not be read; reload the list and try again."}
	}
	f.query.Paging = record.Paging{} // the change and the list after it start from the first lead
	f.selected = map[int64]bool{}
	for _, raw := range r.PostForm["lead"] {
		id, version, ok := strings.Cut(raw, ":")
		s := leads.Seen{}
		s.ID, err = strconv.ParseInt(id, 10, 64)
		if err == nil {
			s.Version, err = strconv.ParseInt(version, 10, 64)
		}
		if !ok || err != nil {
			return f, &badRequest{msg: "A ticked lead could not be read; reload the list and tick it again."}
		}
		f.bulk.Leads = append(f.bulk.Leads, s)
		f.selected[s.ID] = true
	}
	f.all = r.PostForm.Get("all") == "view"
	if f.all {
		f.bulk.View = &f.query
	}
	f.status, f.source = r.PostForm.Get("status"), r.PostForm.Get("source")
	f.bulk.Change.Status = lead.Status(f.status)
	if strings.TrimSpace(f.source) != "" {
		// An empty box is no change: a page has no way to mean "clear".
		f.bulk.Change.Source = &f.source
	}
	f.owner = r.PostForm.Get("owner")
	switch f.owner {
	case "":
	case leadquery.OwnerNobody:
		var nobody int64
		f.bulk.Change.Owner = &nobody
	default:
		id, err := domain.ParseOwner(lead.FieldOwner, f.owner)
		if err != nil || id == 0 {
			return f, &badRequest{msg: "The owner chosen could not be read; reload the list and choose again."}
		}
		f.bulk.Change.Owner = &id
	}
	f.bulk.By = actor(r)
	return f, nil
}

// bulkLeads makes one change to the leads ticked in the list, or to every
// lead of its view, and answers with the list reloaded in the same view
// and, above it, what the change did to each lead.
func (s *server) bulkLeads(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context() // BulkTimeout's, see withDeadline
	f, err := readBulkForm(r, views.Location(r.Context()))
	if err != nil {
		return err
	}
	f.bulk.Each = s.timeout
	report, err := s.leads.Bulk(ctx, f.bulk)
	telemetry.CountBulk(s.saves, report)
	v := views.LeadListView{Query: f.query, Loc: views.Location(r.Context())}
	shown := &views.BulkReport{BulkReport: report, You: actor(r), Back: v.TabURL(f.query.Status), Loc: views.Location(r.Context()),
		Owners: views.OwnerNamer(r.Context())}
	switch {
	case isInvalid(err):
		return s.bulkRefused(w, r, v, f, ruleMessage(err))
	case report.Stopped != nil:
		s.log.ErrorContext(ctx, "bulk change stopped", "err", err, "done", len(report.Outcomes),
			"untouched", report.Untouched, "request_id", requestID(ctx))
		s.bulkReportAlone(w, r, *shown)
		return nil
	case err != nil:
		return err // before any write
	}
	v.Bulk.Report = shown
	page, err := s.leads.List(ctx, f.query)
	if err == nil {
		v.Leads, v.Next, v.NextKey = page.Items, page.Next, page.NextKey
		err = s.frameLeadList(r, &v)
	}
	if err != nil {
		s.log.ErrorContext(ctx, "list after a bulk change", "err", err, "request_id", requestID(ctx))
		shown.Unlisted = true
		s.bulkReportAlone(w, r, *shown)
		return nil
	}
	s.render(w, r, http.StatusOK, views.LeadListPage(v), views.LeadResults(v))
	return nil
}

// bulkRefused answers a bulk change refused whole, which wrote nothing:
// htmx puts msg in the form, which keeps what the rep ticked and chose;
// a plain post gets the list again with the form as posted.
func (s *server) bulkRefused(w http.ResponseWriter, r *http.Request, v views.LeadListView, f bulkForm, msg string) error {
	s.log.InfoContext(r.Context(), "request refused", "err", msg, "status", http.StatusUnprocessableEntity)
	if isHTMX(r) {
		s.render(w, r, http.StatusUnprocessableEntity, nil, views.BulkProblem(msg))
		return nil
	}
	page, err := s.leads.List(r.Context(), f.query)
	if err != nil {
		return err
	}
	v.Leads, v.Next, v.NextKey = page.Items, page.Next, page.NextKey
	if err := s.frameLeadList(r, &v); err != nil {
		return err
	}
	v.Bulk = views.LeadBulk{Selected: f.selected, All: f.all, Status: f.status, Source: f.source, Owner: f.owner, Problem: msg}
	s.render(w, r, http.StatusUnprocessableEntity, views.LeadListPage(v), nil)
	return nil
}

// bulkReportAlone answers a bulk change whose list cannot follow, the
// database having stopped answering during the change or after it, with
// 503 and the report of what was done.
func (s *server) bulkReportAlone(w http.ResponseWriter, r *http.Request, shown views.BulkReport) {
	w.Header().Set("Retry-After", "5")
	s.render(w, r, http.StatusServiceUnavailable, views.LeadBulkPage(shown), views.LeadBulkReport(shown))
}
