package postgres

import "github.com/jackc/pgx/v5"

// ContactRepositoryOn builds a ContactRepository over tx, as a unit of
// work does, for the external tests.
func ContactRepositoryOn(tx pgx.Tx) *ContactRepository { return &ContactRepository{db: tx} }
