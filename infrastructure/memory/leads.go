package memory

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"slices"

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

// List returns one page of the leads matching q, in its order.
func (r *Leads) List(ctx context.Context, q leads.ListQuery) (record.Page[*lead.Lead], error) {
	matching, less := r.view(q), leadOrder(q.Sort)
	var after *lead.Lead
	switch {
	case q.After > 0 && (q.Sort.By == "" || q.Sort.By == leads.SortCreated):
		// A creation time never changes: the cursor's lead has it, as in
		// PostgreSQL, deleted or not.
		var err error
		if after, err = r.Get(ctx, q.After); err != nil {
			return record.Page[*lead.Lead]{Items: []*lead.Lead{}}, nil
		}
	case q.After > 0:
		key, err := q.Sort.ParseKey(q.AfterKey)
		if err != nil {
			return record.Page[*lead.Lead]{}, fmt.Errorf("list leads: %w", err)
		}
		after = cursorLead(q.Sort.By, q.After, key)
	}
	out := record.Page[*lead.Lead]{Items: []*lead.Lead{}}
	limit := q.Size()
	for _, l := range matching {
		if after != nil && less(l, after) <= 0 {
			continue
		}
		if len(out.Items) == limit {
			out.Next = out.Items[limit-1].ID()
			break
		}
		out.Items = append(out.Items, l)
	}
	return out, nil
}

// Each calls fn with every lead of q's view, in its order.
func (r *Leads) Each(_ context.Context, q leads.ListQuery, fn func(*lead.Lead) error) error {
	for _, l := range r.view(q) {
		if err := fn(l); err != nil {
			return err
		}
	}
	return nil
}

// view returns the live leads q's filters select, in its order.
func (r *Leads) view(q leads.ListQuery) []*lead.Lead {
	var matching []*lead.Lead
	for _, l := range r.all() {
		if leadSelected(l, q) {
			matching = append(matching, l)
		}
	}
	slices.SortFunc(matching, leadOrder(q.Sort))
	return matching
}

// leadSelected reports whether l passes q's filters.
func leadSelected(l *lead.Lead, q leads.ListQuery) bool {
	f := l.Fields()
	return (q.Status == "" || l.Status() == q.Status) && (q.Source == "" || f.Source == q.Source) && q.Owner.Matches(f.Owner) &&
		q.Score.Contains(f.Score) && q.Created.Contains(l.CreatedAt()) && q.Updated.Contains(l.UpdatedAt()) &&
		leadMatches(l, q.Search)
}

// collation orders names and companies as PostgreSQL's ICU root
// collation does (migration 000015).
var collation = collate.New(language.Und)

// leadOrder compares two leads in the order s, ids breaking ties.
func leadOrder(s leads.Sort) func(a, b *lead.Lead) int {
	key := func(a, b *lead.Lead) int {
		switch s.By {
		case leads.SortCreated, "":
			return a.CreatedAt().Compare(b.CreatedAt())
		case leads.SortUpdated:
			return a.UpdatedAt().Compare(b.UpdatedAt())
		case leads.SortName:
			return collation.CompareString(a.Fields().Name, b.Fields().Name)
		case leads.SortCompany:
			return collation.CompareString(a.Fields().Company, b.Fields().Company)
		case leads.SortScore:
			return cmp.Compare(a.Fields().Score, b.Fields().Score)
		case leads.SortStatus:
			return cmp.Compare(leads.StatusRank(a.Status()), leads.StatusRank(b.Status()))
		}
		return 0
	}
	return func(a, b *lead.Lead) int {
		c := cmp.Or(key(a, b), cmp.Compare(a.ID(), b.ID()))
		if !s.Asc {
			c = -c
		}
		return c
	}
}

// cursorLead is a lead standing where a page cursor points, for leadOrder
// to compare with: id, and key (as leads.Sort.ParseKey reads it) in the
// field the sort reads.
func cursorLead(by leads.SortKey, id int64, key any) *lead.Lead {
	snap := lead.Snapshot{Status: lead.StatusNew}
	var updated time.Time
	switch by {
	case leads.SortUpdated:
		updated = key.(time.Time)
	case leads.SortName:
		snap.Fields.Name = key.(string)
	case leads.SortCompany:
		snap.Fields.Company = key.(string)
	case leads.SortScore:
		snap.Fields.Score = key.(int)
	case leads.SortStatus:
		snap.Status = lead.Statuses[key.(int)-1]
	}
	l := lead.Rehydrate(snap)
	l.Stamp(domain.Meta{ID: id, UpdatedAt: updated})
	return l
}

// Sources lists the distinct sources of live leads, in byte order.
func (r *Leads) Sources(_ context.Context, limit int) ([]string, error) {
	seen := map[string]bool{}
	for _, l := range r.all() {
		if src := l.Fields().Source; src != "" {
			seen[src] = true
		}
	}
	sources := slices.Sorted(maps.Keys(seen))
	return sources[:min(limit, len(sources))], nil
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
	return matchesOrStarts(search, f.Name, f.Email, f.Company)
}
