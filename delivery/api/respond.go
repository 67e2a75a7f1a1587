package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"
)

// writeJSON sends body as JSON with status.
func writeJSON(w http.ResponseWriter, status int, body any) error {
	data, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encode response: %w", err)
	}
	w.Header().Set("Content-Type", mediaJSON)
	w.WriteHeader(status)
	_, _ = w.Write(append(data, '\n'))
	return nil
}

// writeResource sends one resource at version, with its ETag, so that the
// client can send it back in If-Match on its next write.
func writeResource(w http.ResponseWriter, status int, version int64, body any) error {
	w.Header().Set("ETag", etag(version))
	return writeJSON(w, status, body)
}

// notModified answers a GET whose If-None-Match names the current version.
func notModified(w http.ResponseWriter, version int64) {
	w.Header().Set("ETag", etag(version))
	w.WriteHeader(http.StatusNotModified)
}

// pathID reads the {id} of the route. Ids are positive int64s; anything
// else names no resource, so it is a 404 like an id nobody has.
func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id < 1 {
		return 0, errNoRoute
	}
	return id, nil
}
