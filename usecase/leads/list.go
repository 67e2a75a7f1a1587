package leads

import (
	"fmt"
	"strconv"
	"time"

	"crm/domain/lead"
	"crm/usecase/record"
)

// ListQuery selects a page of leads: the filters, all of which must hold,
// and the order. The zero value is every live lead, newest first.
type ListQuery struct {
	Status  lead.Status // "" for every status
	Source  string      // exactly this source, "" for any
	Search  string      // matched anywhere in name, email or company
	Owner   record.OwnerFilter
	Score   Bounds
	Created Period
	Updated Period
	Sort    Sort
	record.Paging
}

// Bounds is an inclusive range of scores; a nil end is open.
type Bounds struct{ Min, Max *int }

// Contains reports whether score is within b.
func (b Bounds) Contains(score int) bool {
	return (b.Min == nil || score >= *b.Min) && (b.Max == nil || score <= *b.Max)
}

// Period is a half-open range of instants [From, To); a zero end is open.
type Period struct{ From, To time.Time }

// Contains reports whether t is within p.
func (p Period) Contains(t time.Time) bool {
	return (p.From.IsZero() || !t.Before(p.From)) && (p.To.IsZero() || t.Before(p.To))
}

// SortKey is what the lead list can be ordered by. Every order ends with
// the id, so leads with the same key keep one order and the page cursor
// (the key and the id of the last lead shown) is exact.
type SortKey string

const (
	// SortCreated orders by creation. Creation times never change, so
	// its cursor is the id alone.
	SortCreated SortKey = "created"
	SortUpdated SortKey = "updated"
	SortName    SortKey = "name"
	SortCompany SortKey = "company"
	SortScore   SortKey = "score"
	// SortStatus follows the funnel (lead.Statuses), not the alphabet.
	SortStatus SortKey = "status"
)

// SortKeys lists every sort key, in the order a picker offers them.
var SortKeys = []SortKey{SortCreated, SortUpdated, SortName, SortCompany, SortScore, SortStatus}

// ParseSortKey reads a sort key; "" is SortCreated.
func ParseSortKey(s string) (SortKey, error) {
	if s == "" {
		return SortCreated, nil
	}
	for _, k := range SortKeys {
		if string(k) == s {
			return k, nil
		}
	}
	return "", fmt.Errorf("unknown sort key %q", s)
}

// Label names the key as a column or a picker does.
func (k SortKey) Label() string {
	switch k {
	case SortUpdated:
		return "Last change"
	case SortName:
		return "Name"
	case SortCompany:
		return "Company"
	case SortScore:
		return "Score"
	case SortStatus:
		return "Status"
	}
	return "Created"
}

// Sort is an order of the list. The zero value is newest first.
type Sort struct {
	By  SortKey // "" is SortCreated
	Asc bool
}

// Key returns l's value of the sort key as the page cursor carries it;
// "" for SortCreated, whose cursor is the id alone.
func (s Sort) Key(l *lead.Lead) string {
	switch s.By {
	case SortUpdated:
		return l.UpdatedAt().UTC().Format(time.RFC3339Nano)
	case SortName:
		return l.Fields().Name
	case SortCompany:
		return l.Fields().Company
	case SortScore:
		return strconv.Itoa(l.Fields().Score)
	case SortStatus:
		return strconv.Itoa(StatusRank(l.Status()))
	}
	return ""
}

// ParseKey reads a cursor's key back as the value the sort compares: a
// time, a string or an int.
func (s Sort) ParseKey(raw string) (any, error) {
	switch s.By {
	case SortUpdated:
		t, err := time.Parse(time.RFC3339Nano, raw)
		if err != nil {
			return nil, fmt.Errorf("page cursor: %w", err)
		}
		return t, nil
	case SortName, SortCompany:
		return raw, nil
	case SortScore, SortStatus:
		n, err := strconv.Atoi(raw)
		if err != nil {
			return nil, fmt.Errorf("page cursor: %w", err)
		}
		return n, nil
	}
	return nil, nil
}

// StatusRank is a status's place in the funnel, from 1, as the sort by
// status compares it (the SQL of migration 000015 repeats the order).
func StatusRank(s lead.Status) int {
	for i, st := range lead.Statuses {
		if st == s {
			return i + 1
		}
	}
	return 0
}
