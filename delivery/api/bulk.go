package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"crm/delivery/leadquery"
	"crm/delivery/telemetry"
	"crm/domain"
	"crm/domain/lead"
	"crm/usecase/leads"
)

// bulkJSON is what a bulk change did: how many leads had each result, and
// each lead's outcome, in the order the ids were sent, then the view's.
type bulkJSON struct {
	Change   map[string]any    `json:"change"` // one member: status, source or owner_id (null for nobody)
	Complete bool              `json:"complete"`
	Counts   map[string]int    `json:"counts"`
	Outcomes []bulkOutcomeJSON `json:"outcomes"`
	Stopped  *bulkStoppedJSON  `json:"stopped,omitempty"`
}

// bulkStoppedJSON is where a bulk change stopped: the lead it was writing,
// whose write may or may not have landed, and how many leads after it
// were not touched.
type bulkStoppedJSON struct {
	ID        int64 `json:"id"`
	Version   int64 `json:"version"`
	Untouched int   `json:"untouched"`
}

type bulkOutcomeJSON struct {
	ID          int64      `json:"id"`
	Name        string     `json:"name,omitempty"`
	SeenVersion int64      `json:"seen_version"`
	Outcome     string     `json:"outcome"`
	Version     int64      `json:"version,omitempty"`
	By          string     `json:"by,omitempty"`
	DeletedAt   *time.Time `json:"deleted_at,omitempty"`
	Fields      []string   `json:"fields,omitempty"`
	Now         *string    `json:"now,omitempty"`
	Message     string     `json:"message,omitempty"`
	Link        string     `json:"link"`
}

func newBulkJSON(r leads.BulkReport) bulkJSON {
	out := bulkJSON{Complete: r.Stopped == nil, Counts: map[string]int{}, Outcomes: []bulkOutcomeJSON{}}
	switch c := r.Change; {
	case c.Source != nil:
		out.Change = map[string]any{"source": *c.Source}
	case c.Owner != nil:
		out.Change = map[string]any{ownerMember: ownerJSON(*c.Owner)}
	default:
		out.Change = map[string]any{"status": c.Status}
	}
	for _, res := range leads.BulkResults {
		out.Counts[string(res)] = r.Count(res)
	}
	for _, o := range r.Outcomes {
		j := bulkOutcomeJSON{ID: o.ID, Name: o.Name, SeenVersion: o.Seen, Outcome: string(o.Result), Version: o.Version,
			By: o.By, Message: o.Message, Link: Prefix + "/leads/" + fmt.Sprint(o.ID)}
		for _, f := range o.Fields {
			j.Fields = append(j.Fields, apiField(f))
		}
		if !o.At.IsZero() {
			at := o.At.UTC()
			j.DeletedAt = &at
		}
		if o.Result == leads.BulkConflict || o.Result == leads.BulkUnchanged {
			j.Now = &o.Now
		}
		out.Outcomes = append(out.Outcomes, j)
	}
	if r.Stopped != nil {
		out.Stopped = &bulkStoppedJSON{ID: r.Stopped.ID, Version: r.Stopped.Version, Untouched: r.Untouched}
	}
	return out
}

// bulkProblem is a bulk change the database stopped part way: the 503
// problem, with what was done in the members of a bulk answer.
type bulkProblem struct {
	problem
	bulkJSON
}

// bulkLeads answers POST /api/v1/leads/bulk: one change, a status, a source or an owner,
// to the leads listed in ids, each at the version the client read, and to
// every lead of view, each at the version read as the change lists it.
// Unlike a single write, each lead merges as a page's save does: a lead
// saved since is written on top of the newer save when no field collides.
func (s *server) bulkLeads(w http.ResponseWriter, r *http.Request) error {
	o, err := readObject(w, r, mediaJSON)
	if err != nil {
		return err
	}
	b := leads.Bulk{By: actor(r), Each: s.requestTimeout}
	for _, item := range o.objects("ids") {
		item.require("id", "42")
		item.require("version", "3")
		id, _ := item.integer("id", "42")
		b.Leads = append(b.Leads, leads.Seen{ID: id, Version: item.version()})
		item.rejectUnknown(nil)
	}
	if view := o.text("view"); view != nil {
		q, problem := readBulkView(*view, me(r.Context()).ID)
		if problem != "" {
			o.problem("view", problem)
		}
		b.View = &q
	}
	o.require("change", `{"status": "LOST"}`)
	if c := o.object("change"); c != nil {
		if st := c.text("status"); st != nil {
			b.Change.Status = lead.Status(*st)
		}
		b.Change.Source = c.text("source")
		b.Change.Owner = c.owner()
		c.rejectUnknown(nil)
	}
	if err := o.done(nil); err != nil {
		return err
	}
	report, err := s.leads.Bulk(r.Context(), b)
	telemetry.CountBulk(s.saves, report)
	var invalid *domain.ValidationError
	switch {
	case errors.As(err, &invalid):
		return bulkInvalid(invalid)
	case report.Stopped != nil:
		s.log.ErrorContext(r.Context(), "api bulk change stopped", "err", err, "done", len(report.Outcomes),
			"untouched", report.Untouched, "request_id", requestID(r.Context()))
		p := newProblem(kindUnavailable, fmt.Sprintf(
			"The database stopped answering during the bulk change. Leads done before it did: %d (see \"outcomes\"). "+
				"Whether lead %d changed is not known; the %d leads after it were not touched. Send the change again once "+
				"the database is back: leads already changed are then reported unchanged.",
			len(report.Outcomes), report.Stopped.ID, report.Untouched))
		p.header.Set("Retry-After", retryAfterSeconds)
		writeBulkProblem(w, bulkProblem{problem: p, bulkJSON: newBulkJSON(report)})
		return nil
	case err != nil:
		return err
	}
	return writeJSON(w, http.StatusOK, newBulkJSON(report))
}

// readBulkView reads a view as the lead list's query string has it;
// dates are days in UTC, as GET /leads reads them. problem says what is
// wrong with it, "" when nothing is.
func readBulkView(raw string, me int64) (q leads.ListQuery, problem string) {
	values, err := url.ParseQuery(raw)
	if err != nil {
		return q, fmt.Sprintf("Must be a query string such as \"status=NEW&source=Web\": %v.", err)
	}
	q, err = leadquery.Parse(values, time.UTC, me)
	if problems, ok := leadquery.IsProblems(err); ok {
		return q, problems.Error()
	}
	return q, ""
}

// bulkInvalid is a bulk change refused whole, its fields named as the
// body names them.
func bulkInvalid(invalid *domain.ValidationError) error {
	out := &domain.ValidationError{}
	for _, f := range invalid.Fields {
		switch f.Field {
		case lead.FieldStatus, lead.FieldSource, lead.FieldOwner:
			f.Field = leads.BulkFieldChange + "." + apiField(f.Field)
		}
		out.Add(f.Field, f.Message)
	}
	return out
}

func writeBulkProblem(w http.ResponseWriter, p bulkProblem) {
	for name, values := range p.header {
		w.Header()[name] = values
	}
	body, err := json.Marshal(p)
	if err != nil {
		body, _ = json.Marshal(p.problem)
	}
	w.Header().Set("Content-Type", mediaProblem)
	w.WriteHeader(p.Status)
	_, _ = w.Write(append(body, '\n'))
}

// objects returns member name as an array of objects, each read like a
// body's nested object ("ids[0].id"); nil when it is absent or not an
// array of objects.
func (o *jsonObject) objects(name string) []*jsonObject {
	raw, ok := o.take(name, "leave the member out instead")
	if !ok {
		return nil
	}
	var items []json.RawMessage
	if raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
		o.problem(name, "Must be an array of objects; got "+jsonKind(raw)+".")
		return nil
	}
	out := make([]*jsonObject, 0, len(items))
	for i, item := range items {
		at := fmt.Sprintf("%s[%d]", name, i)
		item = bytes.TrimSpace(item)
		if len(item) == 0 || item[0] != '{' {
			o.problem(at, "Must be an object such as {\"id\": 42, \"version\": 3}; got "+jsonKind(item)+".")
			continue
		}
		nested, err := parseObject(item, o.prefix+at+".")
		if err != nil {
			o.problem(at, err.Error())
			continue
		}
		nested.problems = o.problems
		out = append(out, nested)
	}
	return out
}
