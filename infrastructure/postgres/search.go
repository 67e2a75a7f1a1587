package postgres

import (
	"strings"

	"github.com/jackc/pgx/v5"

	"crm/usecase/record"
)

// searchExpr is what a search of leads or contacts looks in. It must stay
// identical to the expression of each table's trigram index (leads:
// migration 000001; contacts: 000016), or searches read every row and the
// planner, which judges how many rows a term matches from the index's
// statistics (000031), misjudges it.
const searchExpr = `(name || ' ' || email || ' ' || company)`

// searchCondition is the WHERE condition of a search of leads or contacts,
// its arguments added to args; "" for no search. Surrounding spaces are
// ignored. One or two characters (record.ShortSearch) match the start of a
// name, an email or a company, through the tables' lower(...)
// text_pattern_ops indexes, as a trigram has three characters; a longer
// search matches anywhere, through the trigram index. Both ignore case and
// match literally.
func searchCondition(search string, args pgx.NamedArgs) string {
	switch search = strings.TrimSpace(search); {
	case record.ShortSearch(search):
		args["prefix"] = likeEscape(search) + "%"
		return `(lower(name) LIKE lower(@prefix) OR lower(email) LIKE lower(@prefix) OR lower(company) LIKE lower(@prefix))`
	case search != "":
		args["search"] = likePattern(search)
		return searchExpr + ` ILIKE @search`
	}
	return ""
}

// likePattern turns what a rep typed into an ILIKE pattern matching it
// anywhere, literally: % and _ are wildcards to ILIKE and \ its default
// escape character, so a search for "100%" must not mean "100 then anything".
func likePattern(search string) string { return "%" + likeEscape(search) + "%" }

// likeEscape makes search match itself literally in a LIKE pattern.
func likeEscape(search string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(search)
}
