package postgres

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"crm/usecase/conversion"
)

var _ conversion.UnitOfWork = (*UnitOfWork)(nil)

// UnitOfWork runs a use case that writes several aggregates in one READ
// COMMITTED transaction. The repositories it hands out are the ordinary
// ones built on that transaction: their own short transactions become
// savepoints inside it, so they commit with it or not at all.
type UnitOfWork struct {
	pool *pgxpool.Pool
}

// NewUnitOfWork returns a UnitOfWork over pool.
func NewUnitOfWork(pool *pgxpool.Pool) *UnitOfWork { return &UnitOfWork{pool: pool} }

// Do runs fn in a transaction, commits when fn returns nil and rolls back
// otherwise, returning fn's error unchanged so domain errors keep their
// meaning.
func (u *UnitOfWork) Do(ctx context.Context, fn func(ctx context.Context, r conversion.Repos) error) error {
	begin := func(ctx context.Context) (pgx.Tx, error) {
		return u.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
	}
	return transact(ctx, begin, "unit of work", func(tx pgx.Tx) error { return fn(ctx, txRepos{tx: tx}) })
}

// txRepos builds the repositories of one transaction.
type txRepos struct {
	tx pgx.Tx
}

func (r txRepos) Leads() conversion.LeadStore { return &LeadRepository{leadsTable.on(r.tx)} }
func (r txRepos) Contacts() conversion.ContactStore {
	return &ContactRepository{contactsTable.on(r.tx)}
}
func (r txRepos) Deals() conversion.DealStore { return &DealRepository{dealsTable.on(r.tx)} }
