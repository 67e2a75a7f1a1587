package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"crm/delivery/web/views"
	"crm/domain"
	"crm/domain/lead"
	"crm/usecase/leads"
)

// maxSearchLen bounds the search text; longer input is refused, not cut.
const maxSearchLen = 200

// notices are the only messages a redirect may ask a page to show, so a
// link cannot make the page say anything else.
var notices = map[string]string{
	"created": "Lead created.",
	"deleted": "Lead deleted.",
	"saved":   "Saved.",
	"moved":   "Status changed.",
}

func (s *server) listLeads(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	query := leads.ListQuery{Search: strings.TrimSpace(q.Get("q"))}
	if !utf8.ValidString(query.Search) || utf8.RuneCountInString(query.Search) > maxSearchLen {
		s.fail(w, r, &badRequest{msg: fmt.Sprintf("Search text must be valid text of at most %d characters.", maxSearchLen)})
		return
	}
	if raw := q.Get("status"); raw != "" {
		st, err := lead.ParseStatus(raw)
		if err != nil {
			s.fail(w, r, &badRequest{msg: fmt.Sprintf("%q is not a status.", raw)})
			return
		}
		query.Status = st
	}
	if raw := q.Get("after"); raw != "" {
		after, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || after < 1 {
			s.fail(w, r, &badRequest{msg: "The page cursor is not valid."})
			return
		}
		query.After = after
	}

	page, err := s.leads.List(r.Context(), query)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := views.ListView{Status: query.Status, Search: query.Search, Leads: page.Leads, Next: page.Next, Notice: notices[q.Get("notice")]}
	if isHTMX(r) && query.After > 0 {
		s.render(w, r, http.StatusOK, nil, views.LeadRows(v))
		return
	}
	if v.Counts, err = s.leads.CountByStatus(r.Context(), query.Search); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.LeadListPage(v), views.LeadResults(v))
}

func (s *server) newLead(w http.ResponseWriter, r *http.Request) {
	v := views.NewLeadView{Form: views.Form{Prefix: lead.Kind, Values: map[string]string{lead.FieldScore: "0"}}}
	s.render(w, r, http.StatusOK, views.NewLeadPage(v), views.NewLeadForm(v))
}

func (s *server) createLead(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(r); err != nil {
		s.fail(w, r, err)
		return
	}
	form := decodeLeadForm(r)
	err := form.err()
	var created *lead.Lead
	if err == nil {
		created, err = s.leads.Create(r.Context(), actor(r), form.fields)
	}
	if err != nil {
		if isInvalid(err) {
			v := views.NewLeadView{Form: form.view(0, err)}
			s.render(w, r, http.StatusUnprocessableEntity, views.NewLeadPage(v), views.NewLeadForm(v))
			return
		}
		s.fail(w, r, err)
		return
	}
	redirect(w, r, fmt.Sprintf("/leads/%d?notice=created", created.ID()))
}

func (s *server) showLead(w http.ResponseWriter, r *http.Request) {
	id, err := leadID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l, err := s.leads.Get(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderLead(w, r, http.StatusOK, views.LeadView{Lead: l, Form: views.FormFromLead(l), Notice: notices[r.URL.Query().Get("notice")]})
}

func (s *server) saveLead(w http.ResponseWriter, r *http.Request) {
	id, version, ok := s.decodeWrite(w, r)
	if !ok {
		return
	}
	form := decodeLeadForm(r)
	err := form.err()
	var res leads.Saved
	if err == nil {
		res, err = s.leads.Save(r.Context(), actor(r), id, version, form.fields)
	}
	switch {
	case err == nil:
		saved := res.Lead
		if !isHTMX(r) {
			redirect(w, r, fmt.Sprintf("/leads/%d?notice=saved", id))
			return
		}
		notice := savedNotice(lead.Kind, res.Merge, views.FieldLabels, version, saved.Version())
		s.renderLead(w, r, http.StatusOK, views.LeadView{Lead: saved, Form: views.FormFromLead(saved), Notice: notice})
	case isInvalid(err):
		// The form keeps the version the rep started from: moving it on here
		// would hide a conflict with whoever saved in the meantime.
		s.renderCurrent(w, r, id, func(l *lead.Lead) views.LeadView {
			return views.LeadView{Lead: l, Form: form.view(version, err)}
		})
	default:
		s.failWrite(w, r, err, "save")
	}
}

func (s *server) changeStatus(w http.ResponseWriter, r *http.Request) {
	id, version, ok := s.decodeWrite(w, r)
	if !ok {
		return
	}
	to, err := lead.ParseStatus(r.PostForm.Get("status"))
	var res leads.Saved
	if err == nil {
		res, err = s.leads.Move(r.Context(), actor(r), id, version, to)
	}
	switch {
	case err == nil:
		moved := res.Lead
		if !isHTMX(r) {
			redirect(w, r, fmt.Sprintf("/leads/%d?notice=moved", id))
			return
		}
		notice := movedNotice(lead.Kind, moved.Status().Label(), res.Merge, views.FieldLabels, moved.Version())
		s.renderLead(w, r, http.StatusOK, views.LeadView{Lead: moved, Form: views.FormFromLead(moved), Notice: notice})
	case isInvalid(err):
		s.renderCurrent(w, r, id, func(l *lead.Lead) views.LeadView {
			return views.LeadView{Lead: l, Form: views.FormFromLead(l), ActionError: ruleMessage(err)}
		})
	default:
		s.failWrite(w, r, err, "status")
	}
}

func (s *server) deleteLead(w http.ResponseWriter, r *http.Request) {
	id, version, ok := s.decodeWrite(w, r)
	if !ok {
		return
	}
	if err := s.leads.Delete(r.Context(), id, version); err != nil {
		s.failWrite(w, r, err, "delete")
		return
	}
	redirect(w, r, "/leads?notice=deleted")
}

// decodeWrite reads what every write to a lead needs: its id and the
// version the rep started from. It answers the request itself on failure.
func (s *server) decodeWrite(w http.ResponseWriter, r *http.Request) (id, version int64, ok bool) {
	id, err := leadID(r)
	if err == nil {
		err = parseForm(r)
	}
	if err == nil {
		version, err = versionOf(r)
	}
	if err != nil {
		s.fail(w, r, err)
		return 0, 0, false
	}
	return id, version, true
}

// failWrite answers a failed write: a conflict shows the banner over the
// lead as it is now; anything else goes to the error table.
func (s *server) failWrite(w http.ResponseWriter, r *http.Request, err error, action string) {
	var conflict *leads.ConflictError
	if !errors.As(err, &conflict) {
		s.fail(w, r, err)
		return
	}
	s.renderLead(w, r, http.StatusConflict, conflictView(conflict, action))
}

// renderCurrent re-renders the lead page around a refused write (422),
// reading the lead as it is now.
func (s *server) renderCurrent(w http.ResponseWriter, r *http.Request, id int64, build func(*lead.Lead) views.LeadView) {
	l, err := s.leads.Get(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.renderLead(w, r, http.StatusUnprocessableEntity, build(l))
}

func (s *server) renderLead(w http.ResponseWriter, r *http.Request, status int, v views.LeadView) {
	v.History = s.history(r.Context(), lead.Kind, s.leads, v.Lead.ID())
	s.render(w, r, status, views.LeadPage(v), views.LeadEditor(v))
}

func isInvalid(err error) bool {
	var invalid *domain.ValidationError
	var rule *domain.RuleError
	return errors.As(err, &invalid) || errors.As(err, &rule)
}

func ruleMessage(err error) string {
	var rule *domain.RuleError
	if errors.As(err, &rule) {
		return rule.Message
	}
	var invalid *domain.ValidationError
	if errors.As(err, &invalid) && len(invalid.Fields) > 0 {
		return invalid.Fields[0].Message
	}
	return ""
}
