package postgres

import "github.com/jackc/pgx/v5"

// ContactRepositoryOn and DealRepositoryOn build repositories over tx, as
// a unit of work does, for the external tests.
func ContactRepositoryOn(tx pgx.Tx) *ContactRepository { return contactsOn(tx) }

// DealRepositoryOn: see ContactRepositoryOn.
func DealRepositoryOn(tx pgx.Tx) *DealRepository { return dealsOn(tx) }
