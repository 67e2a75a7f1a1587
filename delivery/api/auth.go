package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"crm/domain"
	"crm/domain/user"
)

// maxTokenLen bounds what is sent to the token store: a real token is far
// shorter, and anything longer is refused without a database round trip.
const maxTokenLen = 512

type userKey struct{}

// authenticate lets a request through only with a bearer token the token
// store knows (RFC 6750), and puts its user in the context: the user's name
// is the actor of every write.
func (s *server) authenticate(next http.Handler) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		token, err := bearerToken(r.Header.Values("Authorization"))
		if err != nil {
			return err
		}
		b, err := s.tokens.AuthenticateToken(r.Context(), token)
		if err != nil {
			// A token store that reports an unknown token as not found
			// still means "not authenticated": never a 404 for the path.
			if errors.Is(err, domain.ErrUnauthenticated) || errors.Is(err, domain.ErrNotFound) {
				return &unauthenticatedError{invalidToken: true, err: err}
			}
			return fmt.Errorf("authenticate token: %w", err)
		}
		if b.ReadOnly && r.Method != http.MethodGet && r.Method != http.MethodHead {
			return errReadOnlyToken
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), userKey{}, b.User)))
		return nil
	})
}

// errReadOnlyToken refuses a write made with a read-only token.
var errReadOnlyToken = &requestError{kind: kindForbidden,
	detail: "This token may only read: it was created with --read-only. Nothing was saved."}

// actor returns the name of the user the request was authenticated as.
func actor(r *http.Request) string {
	u, _ := r.Context().Value(userKey{}).(user.User)
	return u.Name
}

// bearerToken reads the token of an "Authorization: Bearer <token>" header.
// The scheme is case-insensitive (RFC 9110 §11.1) and the token must be
// token68 syntax (RFC 6750 §2.1).
func bearerToken(values []string) (string, error) {
	if len(values) == 0 {
		return "", &unauthenticatedError{}
	}
	if len(values) > 1 {
		return "", &unauthenticatedError{invalidToken: true, detail: "Send one Authorization header."}
	}
	scheme, token, _ := strings.Cut(values[0], " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", &unauthenticatedError{detail: "Authenticate with \"Authorization: Bearer <token>\"."}
	}
	token = strings.Trim(token, " ")
	if !isToken68(token) || len(token) > maxTokenLen {
		return "", &unauthenticatedError{invalidToken: true}
	}
	return token, nil
}

func isToken68(s string) bool {
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for _, c := range []byte(body) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-._~+/", c) >= 0:
		default:
			return false
		}
	}
	return true
}
