package api

import (
	_ "embed"
	"net/http"
)

// openAPI describes the API (OpenAPI 3.1). A test checks that it names
// exactly the routes NewHandler serves and every problem type.
//
//go:embed openapi.yaml
var openAPI []byte

// mediaYAML is the media type of YAML documents (RFC 9512).
const mediaYAML = "application/yaml"

func serveOpenAPI(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", mediaYAML)
	_, _ = w.Write(openAPI)
}
