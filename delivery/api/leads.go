package api

import (
	"context"
	"net/http"
	"time"

	"crm/delivery/leadcsv"
	"crm/delivery/leadquery"
	"crm/domain/lead"
	"crm/usecase/leads"
	"crm/usecase/record"
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
	OwnerID   *int64      `json:"owner_id"`
	CreatedAt time.Time   `json:"created_at"`
	UpdatedAt time.Time   `json:"updated_at"`
	UpdatedBy string      `json:"updated_by"`
}

func newLeadJSON(l *lead.Lead) leadJSON {
	f := l.Fields()
	return leadJSON{
		ID: l.ID(), Version: l.Version(),
		Name: f.Name, Email: f.Email, Company: f.Company, Phone: f.Phone, Source: f.Source, Score: f.Score, Notes: f.Notes,
		Status: l.Status(), OwnerID: ownerJSON(f.Owner),
		CreatedAt: l.CreatedAt().UTC(), UpdatedAt: l.UpdatedAt().UTC(), UpdatedBy: l.UpdatedBy(),
	}
}

// readLeadPatch reads the members of a lead a body may set; see
// resource.patch.
func readLeadPatch(o *jsonObject) func(lead.Fields) (lead.Fields, error) {
	name, email, company := o.text(lead.FieldName), o.text(lead.FieldEmail), o.text(lead.FieldCompany)
	phone, source, notes := o.text(lead.FieldPhone), o.text(lead.FieldSource), o.text(lead.FieldNotes)
	score := o.int(lead.FieldScore, "80")
	owner := o.owner()
	return func(f lead.Fields) (lead.Fields, error) {
		set(&f.Owner, owner)
		set(&f.Name, name)
		set(&f.Email, email)
		set(&f.Company, company)
		set(&f.Phone, phone)
		set(&f.Source, source)
		set(&f.Notes, notes)
		set(&f.Score, score)
		return f, nil
	}
}

// leadReadOnly explains the members only a lead has that a body may not set.
var leadReadOnly = map[string]string{
	"status": "Change it with POST " + Prefix + "/leads/{id}/status.",
	"owner":  ownerHint,
}

func (s *server) listLeads(w http.ResponseWriter, r *http.Request) error {
	page, err := readListPage(r)
	if err != nil {
		return err
	}
	q, err := readLeadView(r)
	if err != nil {
		return err
	}
	q.Limit = page.Limit
	p, err := s.leads.List(r.Context(), q)
	if err != nil {
		return err
	}
	return s.leadRes.list(w, p)
}

func (s *server) createLead(w http.ResponseWriter, r *http.Request) error {
	return s.leadRes.createWith(w, r, s.leads.Create)
}

func (s *server) patchLead(w http.ResponseWriter, r *http.Request) error {
	return s.leadRes.patchWith(w, r, s.leads.Update)
}

func (s *server) changeLeadStatus(w http.ResponseWriter, r *http.Request) error {
	return moveWith(s.leadRes, w, r, lead.FieldStatus, `"CONTACTED"`, lead.ParseStatus, s.leads.MoveAt)
}

func (s *server) deleteLead(w http.ResponseWriter, r *http.Request) error {
	return s.leadRes.deleteWith(w, r, s.leads.Delete)
}

// readLeadView reads the view of the lead list, as the pages write it
// (see leadquery); dates are days in UTC.
func readLeadView(r *http.Request) (leads.ListQuery, error) {
	q, err := leadquery.Parse(r.URL.Query(), time.UTC, me(r.Context()).ID)
	if problems, ok := leadquery.IsProblems(err); ok {
		refused := make([]fieldError, len(problems))
		for i, p := range problems {
			refused[i] = fieldError{Field: p.Param, Message: p.Message}
		}
		return q, queryError(refused)
	}
	return q, nil
}

// exportLeads answers the CSV of a view of the lead list: every lead it
// selects, in its order, streamed.
func (s *server) exportLeads(w http.ResponseWriter, r *http.Request) error {
	q, err := readLeadView(r)
	if err != nil {
		return err
	}
	q.Paging = record.Paging{}
	return leadcsv.Serve(w, r, "leads", s.requestTimeout, func(ctx context.Context, fn func(*lead.Lead) error) error {
		return s.leads.Each(ctx, q, fn)
	})
}
