package record

import "unicode/utf8"

// DefaultPageSize and MaxPageSize bound one page of any list.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// Paging is the part of every list query that picks the page. Lists are
// paged by keyset (the sort key and id of the last record shown), so a page
// deep in a list is as fast as the first and records added meanwhile do
// not shift later pages.
type Paging struct {
	After    int64  // the id of the last record already shown, 0 for the first page
	AfterKey string // its sort key, for lists sorted by more than the id
	Limit    int    // 0 or less for DefaultPageSize; more than MaxPageSize is cut to it
}

// Size is the number of records a page holds.
func (p Paging) Size() int {
	switch {
	case p.Limit <= 0:
		return DefaultPageSize
	case p.Limit > MaxPageSize:
		return MaxPageSize
	}
	return p.Limit
}

// Page is one page of a list and the cursor of the next: Next is 0 when
// this is the last, NextKey the sort key that goes with it.
type Page[A any] struct {
	Items   []A
	Next    int64
	NextKey string
}

// ShortSearch reports whether a search (trimmed) is so short that it
// matches the start of a record's name, email or company rather than any
// part: one or two characters, fewer than a trigram index can look up.
func ShortSearch(search string) bool {
	n := utf8.RuneCountInString(search)
	return n > 0 && n < 3
}
