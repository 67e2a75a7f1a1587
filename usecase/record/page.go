package record

// DefaultPageSize and MaxPageSize bound one page of any list.
const (
	DefaultPageSize = 50
	MaxPageSize     = 200
)

// Paging is the part of every list query that picks the page. Lists are
// newest first and paged by keyset (the id of the last record shown), so a
// page deep in a list is as fast as the first and records added meanwhile
// do not shift later pages.
type Paging struct {
	After int64 // the id of the last record already shown, 0 for the first page
	Limit int   // 0 or less for DefaultPageSize; more than MaxPageSize is cut to it
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

// Page is one page of a list and the cursor of the next, 0 when this is
// the last.
type Page[A any] struct {
	Items []A
	Next  int64
}
