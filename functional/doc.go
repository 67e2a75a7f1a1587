// Package functional holds behaviour tests that run the CRM end to end: the
// real router, use cases and repository against a real PostgreSQL database
// (a fresh one per test), and a real browser for the conflict flow.
package functional
