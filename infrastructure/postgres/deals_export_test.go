package postgres

import "github.com/jackc/pgx/v5"

// DealRepositoryOn builds a DealRepository over tx, as a unit of work does,
// for the external tests.
func DealRepositoryOn(tx pgx.Tx) *DealRepository { return &DealRepository{db: tx} }
