// Package password hashes reps' passwords with bcrypt.
package password

import (
	"fmt"

	"golang.org/x/crypto/bcrypt"

	"crm/usecase/auth"
)

var _ auth.Hasher = Bcrypt{}

// Bcrypt hashes with bcrypt at Cost; zero means bcrypt.DefaultCost.
type Bcrypt struct {
	Cost int
}

// Hash returns a salted bcrypt hash of password.
func (b Bcrypt) Hash(password string) (string, error) {
	cost := b.Cost
	if cost == 0 {
		cost = bcrypt.DefaultCost
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), cost)
	if err != nil {
		return "", fmt.Errorf("bcrypt: %w", err)
	}
	return string(h), nil
}

// Compare returns nil when password matches hash.
func (Bcrypt) Compare(hash, password string) error {
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password))
}
