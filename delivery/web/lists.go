package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/a-h/templ"

	"crm/usecase/record"
)

// maxSearchLen bounds the search text; longer input is refused, not cut.
const maxSearchLen = 200

// listQuery reads the search and the page cursor every list takes.
func listQuery(r *http.Request) (search string, p record.Paging, err error) {
	q := r.URL.Query()
	search = strings.TrimSpace(q.Get("q"))
	if !utf8.ValidString(search) || utf8.RuneCountInString(search) > maxSearchLen {
		return "", p, &badRequest{msg: fmt.Sprintf("Search text must be valid text of at most %d characters.", maxSearchLen)}
	}
	if raw := q.Get("after"); raw != "" {
		p.After, err = strconv.ParseInt(raw, 10, 64)
		if err != nil || p.After < 1 {
			return "", p, &badRequest{msg: "The page cursor is not valid."}
		}
	}
	return search, p, nil
}

// loadingMore reports whether r is a list's "Load more": an htmx request
// for a page past the first, answered with its rows alone.
func loadingMore(r *http.Request, p record.Paging) bool { return isHTMX(r) && p.After > 0 }

// renderList answers a list request: the next rows for "Load more", the
// results (what a search or a tab replaces) for another htmx request, and
// the whole page otherwise.
func (s *server) renderList(w http.ResponseWriter, r *http.Request, p record.Paging, rows, page, results templ.Component) error {
	if loadingMore(r, p) {
		page, results = nil, rows
	}
	s.render(w, r, http.StatusOK, page, results)
	return nil
}

// stateListQuery reads listQuery's search and cursor and the filter name
// of a list by state (a status, a stage): "" when the query has none, a
// 400 when parse refuses it.
func stateListQuery[S ~string](r *http.Request, name string, parse func(string) (S, error)) (string, record.Paging, S, error) {
	search, p, err := listQuery(r)
	if err != nil {
		return "", p, "", err
	}
	raw := r.URL.Query().Get(name)
	if raw == "" {
		return search, p, "", nil
	}
	state, err := parse(raw)
	if err != nil {
		return "", p, "", &badRequest{msg: fmt.Sprintf("%q is not a %s.", raw, name)}
	}
	return search, p, state, nil
}
