// Package leadquery reads the lead list's view from a URL query and writes
// it back, for the pages, the API, the export and saved views alike: the
// address holds the whole view, and every control reads and writes the
// same parameters.
package leadquery

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"crm/domain/lead"
	"crm/usecase/leads"
	"crm/usecase/record"
)

// The parameters of a view.
const (
	ParamStatus      = "status"
	ParamSource      = "source"
	ParamSearch      = "q"
	ParamOwner       = "owner"
	ParamScoreMin    = "score_min"
	ParamScoreMax    = "score_max"
	ParamCreatedFrom = "created_from"
	ParamCreatedTo   = "created_to"
	ParamUpdatedFrom = "updated_from"
	ParamUpdatedTo   = "updated_to"
	ParamSort        = "sort"
	ParamDir         = "dir"
	ParamAfter       = "after"
	ParamKey         = "key"
)

// DateLayout is how dates are written in a view: as an <input type="date">
// sends them.
const DateLayout = time.DateOnly

// MaxTextLen bounds the search and the source; nothing longer can match.
const MaxTextLen = 200

// Problem is one parameter a view refused, and why, in words for a rep.
type Problem struct{ Param, Message string }

// Problems are every parameter a view refused.
type Problems []Problem

func (p Problems) Error() string {
	msgs := make([]string, len(p))
	for i, pr := range p {
		msgs[i] = pr.Message
	}
	return strings.Join(msgs, " ")
}

// AscendingByDefault reports the direction a sort key takes when the view
// names none: names, companies and the funnel from the start, the rest
// (newest, last changed, best score) from the top.
func AscendingByDefault(k leads.SortKey) bool {
	return k == leads.SortName || k == leads.SortCompany || k == leads.SortStatus
}

// The values of the owner parameter besides a user's id.
const (
	OwnerMine   = string(record.OwnerMine)
	OwnerNobody = string(record.OwnerNobody)
)

// Parse reads a view from v for rep me (a user id; 0 for nobody in
// particular, as when a saved view's text is checked): owner=me is their
// leads. Dates are days in loc, the rep's zone: a period's end day is
// included. Unknown parameters are ignored, as usual for query strings; a
// malformed known one is a Problems error.
func Parse(v url.Values, loc *time.Location, me int64) (leads.ListQuery, error) {
	var q leads.ListQuery
	var problems Problems
	refuse := func(param, msg string) { problems = append(problems, Problem{param, msg}) }

	owner, ok := ParseOwner(v.Get(ParamOwner), me)
	if !ok {
		refuse(ParamOwner, OwnerProblem)
	}
	q.Owner = owner

	if raw := v.Get(ParamStatus); raw != "" {
		s, err := lead.ParseStatus(raw)
		if err != nil {
			refuse(ParamStatus, fmt.Sprintf("%q is not a status.", raw))
		}
		q.Status = s
	}
	for _, t := range []struct {
		param string
		into  *string
		label string
	}{{ParamSearch, &q.Search, "Search text"}, {ParamSource, &q.Source, "Source"}} {
		raw := strings.TrimSpace(v.Get(t.param))
		if !utf8.ValidString(raw) || strings.ContainsRune(raw, 0) || utf8.RuneCountInString(raw) > MaxTextLen {
			refuse(t.param, fmt.Sprintf("%s must be valid text of at most %d characters.", t.label, MaxTextLen))
			continue
		}
		*t.into = raw
	}
	for _, b := range []struct {
		param string
		into  **int
		label string
	}{{ParamScoreMin, &q.Score.Min, "The lowest score"}, {ParamScoreMax, &q.Score.Max, "The highest score"}} {
		raw := strings.TrimSpace(v.Get(b.param))
		if raw == "" {
			continue
		}
		n, err := strconv.Atoi(raw)
		if err != nil || n < lead.MinScore || n > lead.MaxScore {
			refuse(b.param, fmt.Sprintf("%s must be a whole number from %d to %d.", b.label, lead.MinScore, lead.MaxScore))
			continue
		}
		*b.into = &n
	}
	for _, p := range []struct {
		from, to string
		into     *leads.Period
		label    string
	}{{ParamCreatedFrom, ParamCreatedTo, &q.Created, "created"}, {ParamUpdatedFrom, ParamUpdatedTo, &q.Updated, "last changed"}} {
		if d, ok := parseDay(v.Get(p.from), loc); !ok {
			refuse(p.from, fmt.Sprintf("The first day %s must be a date such as 2026-01-31.", p.label))
		} else {
			p.into.From = d
		}
		if d, ok := parseDay(v.Get(p.to), loc); !ok {
			refuse(p.to, fmt.Sprintf("The last day %s must be a date such as 2026-01-31.", p.label))
		} else if !d.IsZero() {
			p.into.To = d.AddDate(0, 0, 1) // the end day included
		}
	}

	by, err := leads.ParseSortKey(v.Get(ParamSort))
	if err != nil {
		refuse(ParamSort, fmt.Sprintf("%q is not something the list sorts by.", v.Get(ParamSort)))
	}
	q.Sort = leads.Sort{By: by, Asc: AscendingByDefault(by)}
	switch dir := v.Get(ParamDir); dir {
	case "":
	case "asc", "desc":
		q.Sort.Asc = dir == "asc"
	default:
		refuse(ParamDir, fmt.Sprintf("%q is not a direction: asc or desc.", dir))
	}

	if raw := v.Get(ParamAfter); raw != "" {
		q.After, err = strconv.ParseInt(raw, 10, 64)
		q.AfterKey = v.Get(ParamKey)
		if err != nil || q.After < 0 || (q.After > 0 && !keyFits(q.Sort, q.AfterKey)) {
			refuse(ParamAfter, "The page cursor is not valid: start again from the first page.")
		}
	}
	if len(problems) > 0 {
		return leads.ListQuery{}, problems
	}
	return q, nil
}

// keyFits reports whether key is a cursor key the sort can read.
func keyFits(s leads.Sort, key string) bool {
	if s.By == leads.SortCreated {
		return key == ""
	}
	_, err := s.ParseKey(key)
	return err == nil && utf8.ValidString(key)
}

// parseDay reads a date as the start of that day in loc; "" is the zero
// time, an open end.
func parseDay(raw string, loc *time.Location) (time.Time, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return time.Time{}, true
	}
	d, err := time.ParseInLocation(DateLayout, raw, loc)
	return d, err == nil
}

// Encode writes q's view back as parameters, without its page cursor:
// only what differs from the default view, so addresses stay short.
func Encode(q leads.ListQuery, loc *time.Location) url.Values {
	v := url.Values{}
	set := func(param, value string) {
		if value != "" {
			v.Set(param, value)
		}
	}
	set(ParamStatus, string(q.Status))
	set(ParamSearch, q.Search)
	set(ParamSource, q.Source)
	set(ParamOwner, OwnerParam(q.Owner))
	if q.Score.Min != nil {
		set(ParamScoreMin, strconv.Itoa(*q.Score.Min))
	}
	if q.Score.Max != nil {
		set(ParamScoreMax, strconv.Itoa(*q.Score.Max))
	}
	set(ParamCreatedFrom, Day(q.Created.From, loc))
	set(ParamCreatedTo, LastDay(q.Created, loc))
	set(ParamUpdatedFrom, Day(q.Updated.From, loc))
	set(ParamUpdatedTo, LastDay(q.Updated, loc))
	by := q.Sort.By
	if by != "" && by != leads.SortCreated {
		set(ParamSort, string(by))
	}
	if q.Sort.Asc != AscendingByDefault(by) {
		set(ParamDir, Dir(q.Sort))
	}
	return v
}

// ParseOwner reads the owner parameter of a list, of leads, contacts or
// deals alike, for rep me: "me" (me's records), "none" (nobody's), a
// user's id, or "" (everyone's); ok is false for anything else, which
// OwnerProblem explains.
func ParseOwner(raw string, me int64) (f record.OwnerFilter, ok bool) {
	switch raw = strings.TrimSpace(raw); raw {
	case "":
		return record.OwnerFilter{}, true
	case OwnerMine:
		return record.OwnerFilter{Of: record.OwnerMine, ID: me}, true
	case OwnerNobody:
		return record.OwnerFilter{Of: record.OwnerNobody}, true
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id < 1 {
		return record.OwnerFilter{}, false
	}
	return record.OwnerFilter{Of: record.OwnerUser, ID: id}, true
}

// OwnerProblem says what an owner parameter may be.
const OwnerProblem = "The owner must be me, none or a user's id, such as 7."

// OwnerParam is the owner parameter of a list selecting o: "" for every
// record.
func OwnerParam(o record.OwnerFilter) string {
	if o.Of == record.OwnerUser {
		return strconv.FormatInt(o.ID, 10)
	}
	return string(o.Of)
}

// Dir is the sort's direction as a view writes it.
func Dir(s leads.Sort) string {
	if s.Asc {
		return "asc"
	}
	return "desc"
}

// Day writes t as a date in loc, "" for the zero time.
func Day(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(DateLayout)
}

// LastDay is the last day a period includes, as Parse read it: the day
// before its (excluded) end.
func LastDay(p leads.Period, loc *time.Location) string {
	if p.To.IsZero() {
		return ""
	}
	return Day(p.To.In(loc).AddDate(0, 0, -1), loc)
}

// IsProblems reports whether err is a view's refusal, and returns it.
func IsProblems(err error) (Problems, bool) {
	var p Problems
	ok := errors.As(err, &p)
	return p, ok
}
