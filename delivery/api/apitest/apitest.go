// Package apitest checks the API's answers against its own description,
// openapi.yaml, for the tests that call the API: the description and the
// answers cannot drift apart unnoticed.
package apitest

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
)

// Checker checks answers against one description.
type Checker struct {
	mu sync.Mutex // the validator caches as it goes
	v  validator.Validator
}

// NewChecker returns a Checker for the OpenAPI 3.1 description spec.
func NewChecker(spec []byte) (*Checker, error) {
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		return nil, fmt.Errorf("read the description: %w", err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		return nil, fmt.Errorf("build the validator: %v", errs)
	}
	if ok, problems := v.ValidateDocument(); !ok {
		return nil, fmt.Errorf("the description is not valid OpenAPI: %v", problems)
	}
	return &Checker{v: v}, nil
}

// Check returns what in the answer (status, header, body) to req does not
// match the description, nothing when all of it does. Requests to paths
// the description does not name (a deliberate 404) are not checked.
func (c *Checker) Check(req *http.Request, status int, header http.Header, body []byte) []string {
	res := &http.Response{StatusCode: status, Header: header, Body: io.NopCloser(bytes.NewReader(body)), Request: req}
	c.mu.Lock()
	ok, errs := c.v.ValidateHttpResponse(req, res)
	c.mu.Unlock()
	if ok {
		return nil
	}
	var problems []string
	for _, e := range errs {
		if e.ValidationType == "path" {
			return nil
		}
		msg := e.Message
		if e.Reason != "" {
			msg += ": " + e.Reason
		}
		for _, s := range e.SchemaValidationErrors {
			msg += fmt.Sprintf(" [%s %s: %s]", s.FieldPath, s.KeywordLocation, s.Reason)
		}
		problems = append(problems, msg)
	}
	return problems
}
