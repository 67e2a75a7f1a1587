package api

import (
	"net/http"
	"time"

	"crm/domain/lead"
	"crm/usecase/leads"
)

// leadJSON is the representation of a lead.
type leadJSON struct {
	ID        int64       `json:"id"`
	Version   int64       `json:"version"`
	Name      string      `json:"name"`
	Email     string      `json:"email"`
	Company   string      `json:"company"`
	Phone     string      `json:"phone"`
	Source    string      `json:"source"`
	Score     int         `json:"score"`
	Notes     string      `json:"notes"`
	Status    lead.Status `json:"status"`
	Owner     string      `json:"owner"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
	UpdatedBy string      `json:"updated_by"`
}

func newLeadJSON(l *lead.Lead) leadJSON {
	f := l.Fields()
	return leadJSON{
		ID: l.ID(), Version: l.Version(),
		Name: f.Name, Email: f.Email, Company: f.Company, Phone: f.Phone, Source: f.Source, Score: f.Score, Notes: f.Notes,
		Status: l.Status(), Owner: l.Owner(),
		CreatedAt: l.CreatedAt().UTC(), UpdatedAt: l.UpdatedAt().UTC(), UpdatedBy: l.UpdatedBy(),
	}
}

// leadPatch is the editable members a body sets; nil leaves a field as it is.
type leadPatch struct {
	name, email, company, phone, source, notes *string
	score                                      *int
}

func readLeadPatch(o *jsonObject) leadPatch {
	return leadPatch{
		name: o.text(lead.FieldName), email: o.text(lead.FieldEmail), company: o.text(lead.FieldCompany),
		phone: o.text(lead.FieldPhone), source: o.text(lead.FieldSource), notes: o.text(lead.FieldNotes),
		score: o.int(lead.FieldScore, "80"),
	}
}

// applyTo merges the patch onto f, as RFC 7396 merges a patch onto a document.
func (p leadPatch) applyTo(f lead.Fields) lead.Fields {
	set(&f.Name, p.name)
	set(&f.Email, p.email)
	set(&f.Company, p.company)
	set(&f.Phone, p.phone)
	set(&f.Source, p.source)
	set(&f.Notes, p.notes)
	set(&f.Score, p.score)
	return f
}

// leadReadOnly explains the members of a lead a body may not set.
var leadReadOnly = map[string]string{
	"id":         "Read-only.",
	"status":     "Change it with POST " + Prefix + "/leads/{id}/status.",
	"owner":      "Read-only: a lead belongs to the user who creates it.",
	"created_at": "Read-only.",
	"updated_at": "Read-only.",
	"updated_by": "Read-only.",
}

// mergePatch is the change of a PATCH: an RFC 7396 merge patch (or plain
// JSON, read the same way) of members read by read.
func mergePatch[A any](read func(o *jsonObject) (map[string]string, operation[A])) change[A] {
	return change[A]{media: []string{mediaMergePatch, mediaJSON}, read: read}
}

func (s *server) listLeads(w http.ResponseWriter, r *http.Request) error {
	page, err := readListPage(r)
	if err != nil {
		return err
	}
	search, err := readSearch(r)
	if err != nil {
		return err
	}
	var status lead.Status
	if v := r.URL.Query().Get("status"); v != "" {
		if status, err = lead.ParseStatus(v); err != nil {
			return queryParamError("status", err)
		}
	}
	p, err := s.leads.List(r.Context(), leads.ListQuery{Status: status, Search: search, Paging: page})
	if err != nil {
		return err
	}
	return s.leadRes.list(w, p)
}

func (s *server) createLead(w http.ResponseWriter, r *http.Request) error {
	return s.leadRes.create(w, r, leadReadOnly, func(o *jsonObject) func(*http.Request) (*lead.Lead, error) {
		patch := readLeadPatch(o)
		return func(r *http.Request) (*lead.Lead, error) {
			return s.leads.Create(r.Context(), actor(r), patch.applyTo(lead.Fields{}))
		}
	})
}

func (s *server) patchLead(w http.ResponseWriter, r *http.Request) error {
	return s.leadRes.write(w, r, mergePatch(func(o *jsonObject) (map[string]string, operation[*lead.Lead]) {
		patch := readLeadPatch(o)
		return leadReadOnly, func(r *http.Request, l *lead.Lead) (*lead.Lead, error) {
			return s.leads.Update(r.Context(), actor(r), l.ID(), l.Version(), patch.applyTo(l.Fields()))
		}
	}))
}

func (s *server) changeLeadStatus(w http.ResponseWriter, r *http.Request) error {
	return s.leadRes.write(w, r, move(lead.FieldStatus, `"CONTACTED"`, func(r *http.Request, l *lead.Lead, to string) (*lead.Lead, error) {
		status, err := lead.ParseStatus(to)
		if err != nil {
			return nil, err
		}
		return s.leads.ChangeStatus(r.Context(), actor(r), l.ID(), l.Version(), status)
	}))
}

// move is the change of a POST that moves a record through its state
// machine: a body holding only field (the state to move to, like example)
// and perhaps the version.
func move[A any](field, example string, to func(r *http.Request, a A, to string) (A, error)) change[A] {
	return change[A]{media: []string{mediaJSON}, read: func(o *jsonObject) (map[string]string, operation[A]) {
		o.require(field, example)
		state := o.text(field)
		return nil, func(r *http.Request, a A) (A, error) { return to(r, a, *state) }
	}}
}

func (s *server) deleteLead(w http.ResponseWriter, r *http.Request) error {
	return s.leadRes.write(w, r, change[*lead.Lead]{noContent: true, read: func(*jsonObject) (map[string]string, operation[*lead.Lead]) {
		return nil, func(r *http.Request, l *lead.Lead) (*lead.Lead, error) {
			return l, s.leads.Delete(r.Context(), l.ID(), l.Version())
		}
	}})
}
