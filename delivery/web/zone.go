package web

import (
	"net/http"
	"time"
)

// location is the time zone the rep's dates are in, for the days of a
// list's date filters.
func (s *server) location(*http.Request) *time.Location { return time.UTC }
