package api

import (
	"net/http"
	"strconv"
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

func leadPath(id int64) string { return Prefix + "/leads/" + strconv.FormatInt(id, 10) }

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
	p, err := s.leads.List(r.Context(), leads.ListQuery{Status: status, Search: search, After: page.after, Limit: page.limit})
	if err != nil {
		return err
	}
	items := make([]leadJSON, len(p.Leads))
	for i, l := range p.Leads {
		items[i] = newLeadJSON(l)
	}
	return writeJSON(w, http.StatusOK, list[leadJSON]{Items: items, Next: nextCursor(p.Next)})
}

func (s *server) getLead(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	l, err := s.leads.Get(r.Context(), id)
	if err != nil {
		return err
	}
	return sendRead(w, r, lead.Kind, l.Version(), newLeadJSON(l))
}

func (s *server) createLead(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r, mediaJSON)
	if err != nil {
		return err
	}
	patch := readLeadPatch(o)
	if err := o.done(withHint(leadReadOnly, "version", "A new lead starts at version 1; leave version out.")); err != nil {
		return err
	}
	l, err := s.leads.Create(r.Context(), actor(r), patch.applyTo(lead.Fields{}))
	if err != nil {
		return err
	}
	w.Header().Set("Location", leadPath(l.ID()))
	return writeResource(w, http.StatusCreated, l.Version(), newLeadJSON(l))
}

func (s *server) patchLead(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cond, err := requireIfMatch(r)
	if err != nil {
		return err
	}
	o, err := readObject(w, r, mediaMergePatch, mediaJSON)
	if err != nil {
		return err
	}
	patch := readLeadPatch(o)
	if err := cond.readBodyVersion(o, leadReadOnly); err != nil {
		return err
	}
	l, err := loadForWrite(r, cond, lead.Kind, id, s.leads.Get, newLeadJSON)
	if err != nil {
		return err
	}
	saved, err := s.leads.Update(r.Context(), actor(r), id, l.Version(), patch.applyTo(l.Fields()))
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, saved.Version(), newLeadJSON(saved))
}

func (s *server) changeLeadStatus(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cond, err := requireIfMatch(r)
	if err != nil {
		return err
	}
	o, err := readObject(w, r, mediaJSON)
	if err != nil {
		return err
	}
	o.require(lead.FieldStatus, `"CONTACTED"`)
	status := o.text(lead.FieldStatus)
	if err := cond.readBodyVersion(o, nil); err != nil {
		return err
	}
	l, err := loadForWrite(r, cond, lead.Kind, id, s.leads.Get, newLeadJSON)
	if err != nil {
		return err
	}
	to, err := lead.ParseStatus(*status)
	if err != nil {
		return err
	}
	saved, err := s.leads.ChangeStatus(r.Context(), actor(r), id, l.Version(), to)
	if err != nil {
		return err
	}
	return writeResource(w, http.StatusOK, saved.Version(), newLeadJSON(saved))
}

func (s *server) deleteLead(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	cond, err := requireIfMatch(r)
	if err != nil {
		return err
	}
	l, err := loadForWrite(r, cond, lead.Kind, id, s.leads.Get, newLeadJSON)
	if err != nil {
		return err
	}
	if err := s.leads.Delete(r.Context(), id, l.Version()); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
