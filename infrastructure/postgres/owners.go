package postgres

import (
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/jackc/pgx/v5"

	"crm/domain"
	"crm/usecase/record"
)

// ownerArg is an owner as the owner_id columns hold it: NULL for nobody.
func ownerArg(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// ownerOf is an owner_id column's value as the domain holds it: 0 for
// nobody.
func ownerOf(id *int64) int64 {
	if id == nil {
		return 0
	}
	return *id
}

// refusedOwner turns the violation of an owner's foreign key (leads_owner_fkey
// and its like: a user id that names nobody, sent by a hand-made form or
// the API) into the rep's validation message, and returns nil for anything
// else.
func refusedOwner(err error) error {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == foreignKeyViolation && strings.HasSuffix(pgErr.ConstraintName, "_owner_fkey") {
		return &domain.ValidationError{Fields: []domain.FieldError{{Field: domain.FieldOwner,
			Message: "No user has that id: choose the owner from the list of users, or nobody."}}}
	}
	return nil
}

// ownerCondition is the WHERE condition of the records o selects (adding
// its argument to args), "" for every record; migration 000024 indexes
// both ("My leads" and "Unassigned").
func ownerCondition(o record.OwnerFilter, args pgx.NamedArgs) string {
	switch o.Of {
	case record.OwnerAnyone:
		return ""
	case record.OwnerNobody:
		return `owner_id IS NULL`
	}
	args["owner_id"] = o.ID
	return `owner_id = @owner_id`
}
