package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"crm/domain"
)

// parseForm reads a urlencoded body, telling an oversized body (413) from a
// malformed one (400). Every key may appear once: a duplicated key is a
// crafted request whose meaning is ambiguous.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return tooLarge
		}
		return &badRequest{msg: "The form could not be read."}
	}
	for key, vals := range r.PostForm {
		if len(vals) > 1 {
			return &badRequest{msg: fmt.Sprintf("The field %q was sent more than once.", key)}
		}
		if !utf8.ValidString(key) || !utf8.ValidString(vals[0]) || strings.ContainsRune(vals[0], 0) {
			return &badRequest{msg: "The form contains bytes that are not text."}
		}
	}
	return nil
}

func fieldErrors(err error) map[string]string {
	out := map[string]string{}
	var invalid *domain.ValidationError
	var rule *domain.RuleError
	switch {
	case errors.As(err, &invalid):
		for _, fe := range invalid.Fields {
			if out[fe.Field] == "" {
				out[fe.Field] = fe.Message
			}
		}
	case errors.As(err, &rule) && rule.Field != "":
		out[rule.Field] = rule.Message
	}
	return out
}

// versionOf reads the hidden version field every write form carries.
func versionOf(r *http.Request) (int64, error) {
	raw := r.PostForm.Get("version")
	if raw == "" {
		return 0, &badRequest{msg: "The form has no version. Reload the page and try again."}
	}
	v, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || v < 1 {
		return 0, &badRequest{msg: "The form's version is not valid. Reload the page and try again."}
	}
	return v, nil
}

// pathID reads {id} from the path of a record of kind. An id that is not a
// positive number names no record, so it is a 404 like any unknown one.
func pathID(r *http.Request, kind string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id < 1 {
		return 0, fmt.Errorf("%s id %q: %w", kind, chi.URLParam(r, "id"), &domain.NotFoundError{Kind: kind})
	}
	return id, nil
}

// decodeWrite reads what every write to a record of kind needs: its id and
// the version the rep started from.
func decodeWrite(r *http.Request, kind string) (id, version int64, err error) {
	if id, err = pathID(r, kind); err != nil {
		return 0, 0, err
	}
	if err = parseForm(r); err != nil {
		return 0, 0, err
	}
	if version, err = versionOf(r); err != nil {
		return 0, 0, err
	}
	return id, version, nil
}

// requireInputs refuses an edit form that lacks any of inputs. A missing
// field is not an empty one: saving it as empty would erase a saved value
// that nobody chose to erase. (Create forms have no saved value to lose,
// so they take a missing optional field as empty.)
func requireInputs(r *http.Request, inputs []string) error {
	for _, name := range inputs {
		if _, ok := r.PostForm[name]; !ok {
			return &badRequest{msg: fmt.Sprintf("The form has no %q field, and a missing field is not an empty one. "+
				"Nothing was saved; reload the page and try again.", name)}
		}
	}
	return nil
}

// anyInput reports whether the posted form has any of inputs.
func anyInput(r *http.Request, inputs []string) bool {
	for _, name := range inputs {
		if _, ok := r.PostForm[name]; ok {
			return true
		}
	}
	return false
}

// formValues reads fields from a posted form, exactly as typed.
func formValues(r *http.Request, fields ...string) map[string]string {
	values := make(map[string]string, len(fields))
	for _, name := range fields {
		values[name] = r.PostForm.Get(name)
	}
	return values
}

func isInvalid(err error) bool {
	var invalid *domain.ValidationError
	var rule *domain.RuleError
	return errors.As(err, &invalid) || errors.As(err, &rule)
}

func ruleMessage(err error) string {
	var rule *domain.RuleError
	if errors.As(err, &rule) {
		return rule.Message
	}
	var invalid *domain.ValidationError
	if errors.As(err, &invalid) && len(invalid.Fields) > 0 {
		return invalid.Fields[0].Message
	}
	return ""
}

// withDomainMessages adds to invalid, the problems found decoding the
// fields in decoded, the domain's messages (from validated) about every
// other field, so the rep sees every problem in one round trip.
func withDomainMessages(invalid *domain.ValidationError, validated error, decoded ...string) error {
	var rest *domain.ValidationError
	if errors.As(validated, &rest) {
		for _, fe := range rest.Fields {
			if !slices.Contains(decoded, fe.Field) {
				invalid.Add(fe.Field, fe.Message)
			}
		}
	}
	return invalid.Err()
}
