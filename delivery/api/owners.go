package api

import (
	"net/http"

	"crm/delivery/leadquery"
	"crm/usecase/record"
)

// ownerMember is the member that holds a record's owner: the user's id,
// null for nobody.
const ownerMember = "owner_id"

// ownerJSON is an owner as the representations hold it: null for nobody.
func ownerJSON(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}

// owner returns the owner_id member: the id it sets, 0 for null (nobody),
// or nil when it is absent or no user id. Unlike the other members, null
// is a value here: it gives the record to nobody.
func (o *jsonObject) owner() *int64 {
	if raw, present := o.members[ownerMember]; present && string(raw) == "null" {
		o.used[ownerMember] = true
		var nobody int64
		return &nobody
	}
	id, ok := o.integer(ownerMember, "7")
	if !ok {
		return nil
	}
	if id < 1 {
		o.problem(ownerMember, "Must be a user's id (1 or more), or null for nobody.")
		return nil
	}
	return &id
}

// ownerHint answers a body that sets "owner", as a lead's representation
// had it when owners were free text.
const ownerHint = "The owner is " + ownerMember + ": a user's id, or null for nobody."

// readOwnerFilter reads the owner parameter of a list of contacts or
// deals, as the lead list has it (see leadquery.ParseOwner).
func readOwnerFilter(r *http.Request) (record.OwnerFilter, error) {
	o, ok := leadquery.ParseOwner(r.URL.Query().Get(leadquery.ParamOwner), me(r.Context()).ID)
	if !ok {
		return o, queryError([]fieldError{{Field: leadquery.ParamOwner, Message: leadquery.OwnerProblem}})
	}
	return o, nil
}
