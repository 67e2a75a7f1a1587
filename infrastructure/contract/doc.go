// Package contract holds the contract suites of the repositories: one set
// of cases that runs against the PostgreSQL repositories and against the
// in-memory ones of package memory, so that a use case test on memory
// checks what PostgreSQL would do. It has tests only.
package contract
