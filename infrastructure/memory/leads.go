package memory

import (
	"context"
	"slices"
	"strings"

	"crm/domain"
	"crm/domain/deal"
	"crm/domain/lead"
	"crm/usecase/leads"
	"crm/usecase/record"
)

var _ leads.Repository = (*Leads)(nil)

// Leads keeps leads, with the lists of leads.Repository.
type Leads struct {
	*Store[*lead.Lead, lead.Snapshot]
	db *DB
}

// History returns one page of the lead's events and its deal's, newest
// first, as a lead's history in PostgreSQL tells the story to its end.
func (r *Leads) History(_ context.Context, id int64, p record.Paging) (record.Page[domain.RecordedEvent], error) {
	deals := map[int64]bool{}
	for _, d := range r.db.Deals.all() {
		if d.LeadID() == id {
			deals[d.ID()] = true
		}
	}
	return r.events.matching(p, func(e domain.RecordedEvent) bool {
		return (e.Kind == lead.Kind && e.AggregateID == id) || (e.Kind == deal.Kind && deals[e.AggregateID])
	}), nil
}

// List returns one page of the leads matching q, newest first.
func (r *Leads) List(_ context.Context, q leads.ListQuery) (record.Page[*lead.Lead], error) {
	return page(r.all(), q.Paging, func(l *lead.Lead) bool {
		return (q.Status == "" || l.Status() == q.Status) && leadMatches(l, q.Search)
	}), nil
}

// CountByStatus counts the live leads per status, every status present.
func (r *Leads) CountByStatus(context.Context) (map[lead.Status]int, error) {
	counts := make(map[lead.Status]int, len(lead.Statuses))
	for _, s := range lead.Statuses {
		counts[s] = 0
	}
	for _, l := range r.all() {
		counts[l.Status()]++
	}
	return counts, nil
}

func leadMatches(l *lead.Lead, search string) bool {
	f := l.Fields()
	if search = strings.TrimSpace(search); leads.ShortSearch(search) {
		search = strings.ToLower(search)
		return slices.ContainsFunc([]string{f.Name, f.Email, f.Company}, func(v string) bool {
			return strings.HasPrefix(strings.ToLower(v), search)
		})
	}
	return matches(search, f.Name, f.Email, f.Company)
}
