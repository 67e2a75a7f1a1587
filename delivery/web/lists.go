package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

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
