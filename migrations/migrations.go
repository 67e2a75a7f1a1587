// Package migrations holds the SQL that shapes the CRM's PostgreSQL schema,
// embedded so the binary migrates the database it talks to without shipping
// loose files. Each change is a numbered pair NNNNNN_name.up.sql /
// NNNNNN_name.down.sql in golang-migrate's format; infrastructure/postgres
// runs them.
package migrations

import "embed"

// FS holds every migration file. The files sit at the root of FS, so a
// golang-migrate iofs source reads them from ".".
//
//go:embed *.sql
var FS embed.FS
