package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"crm/domain"
	"crm/usecase/record"
)

// readListPage reads after and limit, the query parameters every list
// shares. Unknown query parameters are ignored, as is usual for query
// strings; a malformed known one is a 400. A limit past
// record.MaxPageSize is refused rather than silently returning fewer.
func readListPage(r *http.Request) (record.Paging, error) {
	q := r.URL.Query()
	var p record.Paging
	var problems []fieldError
	if s := q.Get("after"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			problems = append(problems, fieldError{Field: "after", Message: "Must be the id from \"next\" of the previous page."})
		}
		p.After = n
	}
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > record.MaxPageSize {
			problems = append(problems, fieldError{Field: "limit", Message: fmt.Sprintf("Must be a whole number from 1 to %d.", record.MaxPageSize)})
		}
		p.Limit = n
	}
	if len(problems) > 0 {
		return record.Paging{}, queryError(problems)
	}
	return p, nil
}

// maxSearchLen bounds the q parameter; nothing longer can match a field.
const maxSearchLen = 200

// readSearch reads the q parameter: text to find, which must be valid
// UTF-8 without NUL, as the database refuses both.
func readSearch(r *http.Request) (string, error) {
	s := r.URL.Query().Get("q")
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) || utf8.RuneCountInString(s) > maxSearchLen {
		return "", queryError([]fieldError{{Field: "q", Message: fmt.Sprintf(
			"Must be text of at most %d characters, without NUL.", maxSearchLen)}})
	}
	return s, nil
}

// readSearchedList reads the query parameters of a list with a search:
// after, limit and q.
func readSearchedList(r *http.Request) (record.Paging, string, error) {
	page, err := readListPage(r)
	if err != nil {
		return page, "", err
	}
	search, err := readSearch(r)
	return page, search, err
}

// queryParamError turns the domain's refusal of a query parameter (an
// unknown status) into a 400: a query string is not a form to correct.
func queryParamError(name string, err error) error {
	var invalid *domain.ValidationError
	msg := "Is not valid."
	if errors.As(err, &invalid) && len(invalid.Fields) > 0 {
		msg = invalid.Fields[0].Message
	}
	return queryError([]fieldError{{Field: name, Message: msg}})
}

func queryError(problems []fieldError) error {
	msgs := make([]string, len(problems))
	for i, p := range problems {
		msgs[i] = p.Field + ": " + p.Message
	}
	return &requestError{kind: kindMalformed, fields: problems,
		detail: "The query string is not valid. " + strings.Join(msgs, " ")}
}

// nextCursor turns a page's next cursor into JSON: null on the last page.
func nextCursor(next int64) *int64 {
	if next == 0 {
		return nil
	}
	return &next
}

// list is the JSON of one page of any list.
type list[T any] struct {
	Items   []T    `json:"items"`
	Next    *int64 `json:"next"`
	NextKey string `json:"next_key,omitempty"` // with next, for a list sorted by more than the id
}
