package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"crm/delivery/web/views"
	"crm/domain"
	"crm/domain/lead"
)

// leadForm is a decoded lead form: the values exactly as typed (to show
// them again) and, when they parse, the fields for the use case.
type leadForm struct {
	values map[string]string
	fields lead.Fields
	// invalid holds decoding problems (a score that is not a whole number)
	// that must be reported as validation errors.
	invalid *domain.ValidationError
}

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

func decodeLeadForm(r *http.Request) leadForm {
	f := leadForm{values: map[string]string{}}
	for _, name := range lead.EditableFields {
		f.values[name] = r.PostForm.Get(name)
	}
	f.fields = lead.Fields{
		Name: f.values[lead.FieldName], Email: f.values[lead.FieldEmail], Company: f.values[lead.FieldCompany],
		Phone: f.values[lead.FieldPhone], Source: f.values[lead.FieldSource], Notes: f.values[lead.FieldNotes],
	}
	if raw := strings.TrimSpace(f.values[lead.FieldScore]); raw != "" {
		score, err := strconv.Atoi(raw)
		if err != nil {
			f.invalid = &domain.ValidationError{}
			f.invalid.Add(lead.FieldScore, fmt.Sprintf("Score must be a whole number from %d to %d.", lead.MinScore, lead.MaxScore))
		}
		f.fields.Score = score
	}
	return f
}

// err reports decoding problems together with the domain's own validation,
// so the rep sees every message in one round trip.
func (f leadForm) err() error {
	if f.invalid == nil {
		return nil
	}
	all := &domain.ValidationError{Fields: f.invalid.Fields}
	var rest *domain.ValidationError
	if errors.As(f.fields.Normalize().Validate(), &rest) {
		for _, fe := range rest.Fields {
			if fe.Field != lead.FieldScore {
				all.Add(fe.Field, fe.Message)
			}
		}
	}
	return all
}

// view is the form as typed, with messages from err when it is a
// validation or rule error.
func (f leadForm) view(version int64, err error) views.Form {
	return views.Form{Prefix: lead.Kind, Values: f.values, Errors: fieldErrors(err), Version: version}
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

// leadID reads {id} from the path. An id that is not a positive number
// names no lead, so it is a 404 like any unknown one.
func leadID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id < 1 {
		return 0, fmt.Errorf("lead id %q: %w", chi.URLParam(r, "id"), domain.ErrNotFound)
	}
	return id, nil
}
