package web

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/a-h/templ"

	"crm/delivery/leadcsv"
	"crm/delivery/leadquery"
	"crm/delivery/web/views"
	"crm/domain"
	"crm/domain/lead"
	"crm/usecase/leads"
	"crm/usecase/record"
)

// LeadService is what the pages need from the lead use cases.
type LeadService interface {
	recordService[*lead.Lead, lead.Fields]
	Create(ctx context.Context, by string, f lead.Fields) (*lead.Lead, error)
	List(ctx context.Context, q leads.ListQuery) (record.Page[*lead.Lead], error)
	CountByStatus(ctx context.Context) (map[lead.Status]int, error)
	Sources(ctx context.Context) ([]string, error)
	Each(ctx context.Context, q leads.ListQuery, fn func(*lead.Lead) error) error
	Move(ctx context.Context, by string, id, version int64, to lead.Status) (record.Saved[*lead.Lead], error)
	SaveAndMove(ctx context.Context, by string, id, version int64, f lead.Fields, to lead.Status) (record.Saved[*lead.Lead], error)
	Duplicates(ctx context.Context, q record.DuplicateQuery) (record.Duplicates[*lead.Lead], error)
	// Bulk makes one change to many leads, each its own write; see
	// leads.Service.Bulk for what it returns.
	Bulk(ctx context.Context, b leads.Bulk) (leads.BulkReport, error)
}

// newLeadPages describes the lead's pages every kind of record has.
func newLeadPages(s *server, svc LeadService) *recordPages[*lead.Lead, lead.Fields] {
	return &recordPages[*lead.Lead, lead.Fields]{
		s: s, kind: lead.Kind, labels: views.LeadFieldLabels, fields: lead.EditableFields, svc: svc,
		notices: map[string]string{"created": "Lead created.", "deleted": "Lead deleted: it is in the Trash, where it can be restored.", "restored": "Restored from the Trash.", "saved": "Saved.", "moved": "Status changed."},
		inputs:  lead.EditableFields, decode: decodeLeadForm, form: views.LeadForm,
		page:   func(v views.LeadView) templ.Component { return views.LeadPage(v) },
		editor: func(v views.LeadView) templ.Component { return views.LeadEditor(v) },
		blank: func(r *http.Request) views.Form {
			return views.Form{Prefix: lead.Kind, Values: map[string]string{lead.FieldScore: "0", lead.FieldOwner: creatorOwns(r)}}
		},
		newFields: func(form views.Form) templ.Component {
			return views.LeadFields(form, nil, views.FieldExtras{LookUp: true})
		},
		create: creator(svc.Create),
		duplicates: lookalikes(lead.Kind, svc.Duplicates, func(l *lead.Lead) views.Lookalike {
			return views.Lookalike{URL: views.RecordURL(lead.Kind, l.ID()), Name: l.Fields().Name, Company: l.Fields().Company}
		}),
		move:       mover(lead.ParseStatus, svc.Move, svc.SaveAndMove),
		state:      func(l *lead.Lead) string { return l.Status().Label() },
		stateField: lead.FieldStatus, moved: "changed this lead's status",
	}
}

// decodeLeadForm reads a lead form (see recordPages.decode). A score that
// is not a whole number, or an owner that is no user's id, is reported
// beside the domain's other messages.
func decodeLeadForm(r *http.Request) (map[string]string, lead.Fields, error) {
	values := formValues(r, lead.EditableFields...)
	f := lead.Fields{
		Name: values[lead.FieldName], Email: values[lead.FieldEmail], Company: values[lead.FieldCompany],
		Phone: values[lead.FieldPhone], Source: values[lead.FieldSource], Notes: values[lead.FieldNotes],
	}
	invalid := &domain.ValidationError{}
	decodeOwner(r, values, &f.Owner, invalid)
	if raw := strings.TrimSpace(values[lead.FieldScore]); raw != "" {
		score, err := strconv.Atoi(raw)
		if err != nil {
			invalid.Add(lead.FieldScore, fmt.Sprintf("Score must be a whole number from %d to %d.", lead.MinScore, lead.MaxScore))
		}
		f.Score = score
	}
	if len(invalid.Fields) == 0 {
		return values, f, nil
	}
	return values, f, withDomainMessages(invalid, f.Normalize().Validate(), lead.FieldScore, lead.FieldOwner)
}

func (s *server) listLeads(w http.ResponseWriter, r *http.Request) error {
	loc := views.Location(r.Context())
	query, err := leadquery.Parse(r.URL.Query(), loc, me(r).ID)
	if problems, ok := leadquery.IsProblems(err); ok {
		return &badRequest{msg: problems.Error()}
	}
	page, err := s.leads.List(r.Context(), query)
	if err != nil {
		return err
	}
	v := views.LeadListView{Query: query, Loc: loc, Leads: page.Items, Next: page.Next, NextKey: page.NextKey,
		Notice: s.leadPages.notices[r.URL.Query().Get("notice")]}
	if loadingMore(r, query.Paging) {
		return s.renderList(w, r, query.Paging, views.LeadRows(v), nil, nil)
	}
	if err := s.frameLeadList(r, &v); err != nil {
		return err
	}
	if isHTMX(r) {
		// The form sends every control, empty or default; the address
		// keeps only what makes the view.
		w.Header().Set("HX-Push-Url", v.TabURL(query.Status))
	}
	return s.renderList(w, r, query.Paging, views.LeadRows(v), views.LeadListPage(v), views.LeadResults(v))
}

// frameLeadList adds to v, a first page of leads, what the list shows
// around its rows: the tab counts and, on a whole page, the sources the
// filter offers.
func (s *server) frameLeadList(r *http.Request, v *views.LeadListView) (err error) {
	v.SavedViews = s.leadListViews(r, v.ViewQuery())
	// The tabs count every lead of a status, so a narrower view shows
	// none; a search's or a filter's matches are not counted either:
	// counting every lead with "a" in it took seconds at a million leads,
	// while the page's own rows tell whether there are more than a page of
	// them (see LeadListView.Matches).
	if !v.Filtered() {
		if v.Counts, err = s.leads.CountByStatus(r.Context()); err != nil {
			return err
		}
	}
	if !isHTMX(r) {
		v.Sources, err = s.leads.Sources(r.Context())
	}
	return err
}

// exportLeads answers the CSV of a view of the lead list: every lead it
// selects, in its order, streamed.
func (s *server) exportLeads(w http.ResponseWriter, r *http.Request) error {
	query, err := leadquery.Parse(r.URL.Query(), views.Location(r.Context()), me(r).ID)
	if problems, ok := leadquery.IsProblems(err); ok {
		return &badRequest{msg: problems.Error()}
	}
	query.Paging = record.Paging{}
	return leadcsv.Serve(w, r, "leads", s.timeout, func(ctx context.Context, fn func(*lead.Lead) error) error {
		return s.leads.Each(ctx, query, fn)
	})
}
