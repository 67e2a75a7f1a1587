package record

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"crm/domain"
)

// DuplicateQuery is what a rep has typed so far into a create form, to
// find the live records the new one may repeat.
type DuplicateQuery struct {
	Email         string
	Name, Company string
}

// Duplicates are the live records a new one may repeat, each list newest
// first: those with its email, surely the same person, and among the
// others those with its name and company, possibly the same.
type Duplicates[A any] struct {
	SameEmail, SameName []A
}

// MaxDuplicates bounds each list of Duplicates: a hint names a few.
const MaxDuplicates = 3

// DuplicateFinder finds the live records of one kind a new one may repeat.
type DuplicateFinder[A any] interface {
	// Duplicates returns, newest first, at most MaxDuplicates live records
	// whose email equals q.Email, and at most MaxDuplicates others whose
	// name and company equal q.Name and q.Company, ignoring case. An empty
	// email finds none by email, and an empty name or company none by
	// name. It returns an error only when the store cannot be read.
	Duplicates(ctx context.Context, q DuplicateQuery) (Duplicates[A], error)
}

// FindDuplicates returns the live records of kind, kept by finder, that a
// new one with what q holds may repeat. q is compared as records are
// stored, trimmed and in NFC (the store ignores case), so "ADA@example.com "
// finds ada@example.com. A value longer than any record may hold matches
// none and is not looked up. A name alone is no hint (many people share
// one): the softer match needs the company too.
func FindDuplicates[A any](ctx context.Context, kind string, finder DuplicateFinder[A], q DuplicateQuery) (Duplicates[A], error) {
	q = DuplicateQuery{Email: storable(q.Email, domain.MaxEmailLen), Name: storable(q.Name, maxLineLen),
		Company: storable(q.Company, maxLineLen)}
	if q.Name == "" || q.Company == "" {
		q.Name, q.Company = "", ""
	}
	if q.Email == "" && q.Name == "" {
		return Duplicates[A]{}, nil
	}
	d, err := finder.Duplicates(ctx, q)
	if err != nil {
		return Duplicates[A]{}, fmt.Errorf("find %s duplicates: %w", kind, err)
	}
	return d, nil
}

// maxLineLen is the longest name or company any kind of record holds.
const maxLineLen = 200

// storable is s as it would be stored, or "" when it is longer than limit
// characters, which no stored value is.
func storable(s string, limit int) string {
	s = domain.NFC(strings.TrimSpace(s))
	if utf8.RuneCountInString(s) > limit {
		return ""
	}
	return s
}
