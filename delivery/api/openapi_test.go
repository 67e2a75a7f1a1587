package api_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"

	"crm/delivery/api"
)

// openAPIDoc fetches the served description and decodes it.
func openAPIDoc(t *testing.T) map[string]any {
	t.Helper()
	c := newFakeClient(t, nil, &syncBuffer{})
	res := c.get("/api/v1/openapi.yaml", nil)
	require.Equal(t, http.StatusOK, res.status)
	var doc map[string]any
	require.NoError(t, yaml.Unmarshal(res.body, &doc))
	return doc
}

var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// TestOpenAPIDescribesEveryRoute walks the router and the description: a
// route missing from the spec, or a spec operation no route serves, fails.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	t.Parallel()
	doc := openAPIDoc(t)
	assert.True(t, strings.HasPrefix(doc["openapi"].(string), "3.1"), "OpenAPI 3.1")

	var routes []string
	router, ok := api.NewHandler(api.Config{}).(chi.Routes)
	require.True(t, ok, "NewHandler returns a chi router")
	require.NoError(t, chi.Walk(router, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		routes = append(routes, method+" "+route)
		return nil
	}))

	var operations []string
	for path, item := range doc["paths"].(map[string]any) {
		for key := range item.(map[string]any) {
			if slices.Contains(httpMethods, key) {
				operations = append(operations, strings.ToUpper(key)+" "+path)
			}
		}
	}
	slices.Sort(routes)
	slices.Sort(operations)
	require.NotEmpty(t, routes)
	assert.Equal(t, routes, operations)
}

// TestOpenAPIDescribesTheConcurrencyControl checks each operation documents
// the headers and answers of conditional requests and the errors it can give.
func TestOpenAPIDescribesTheConcurrencyControl(t *testing.T) {
	t.Parallel()
	doc := openAPIDoc(t)

	for path, item := range doc["paths"].(map[string]any) {
		item := item.(map[string]any)
		for method, op := range item {
			if !slices.Contains(httpMethods, method) {
				continue
			}
			op := op.(map[string]any)
			name := strings.ToUpper(method) + " " + path
			params := refs(item["parameters"], op["parameters"])
			responses := op["responses"].(map[string]any)
			has := func(codes ...string) {
				for _, code := range codes {
					assert.Contains(t, responses, code, "%s documents %s", name, code)
				}
			}
			if path == "/api/v1/openapi.yaml" {
				assert.Equal(t, []any{}, op["security"], "the description is public")
				continue
			}
			has("401", "500", "503")
			single := strings.Contains(path, "{id}")
			switch {
			case method == "get" && single:
				assert.Contains(t, params, "#/components/parameters/IfNoneMatch", name)
				has("200", "304", "404")
				assert.Contains(t, responses["200"].(map[string]any)["headers"], "ETag", name)
			case method == "get":
				has("200", "400")
			case single: // PATCH, DELETE, the status and stage moves
				assert.Contains(t, params, "#/components/parameters/IfMatch", name)
				has("400", "404", "412", "428")
				if method != "delete" {
					has("409", "413", "415", "422")
				}
			case strings.HasSuffix(path, "/bulk"): // writes each lead at its own version
				has("200", "400", "413", "415", "422")
			default: // creates
				has("201", "400", "413", "415", "422")
				assert.Contains(t, responses["201"].(map[string]any)["headers"], "ETag", name)
				assert.Contains(t, responses["201"].(map[string]any)["headers"], "Location", name)
			}
		}
	}
}

func TestOpenAPIDocumentsEveryProblemType(t *testing.T) {
	t.Parallel()
	doc := openAPIDoc(t)

	problem := doc["components"].(map[string]any)["schemas"].(map[string]any)["Problem"].(map[string]any)
	var documented []string
	for _, v := range problem["properties"].(map[string]any)["type"].(map[string]any)["enum"].([]any) {
		documented = append(documented, v.(string))
	}
	types := api.ProblemTypes()
	slices.Sort(types)
	slices.Sort(documented)
	assert.Equal(t, types, documented)
}

func TestOpenAPIReferencesResolve(t *testing.T) {
	t.Parallel()
	doc := openAPIDoc(t)

	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for key, val := range v {
				if key == "$ref" {
					assert.NotNil(t, resolve(doc, val.(string)), "%s resolves", val)
					continue
				}
				walk(val)
			}
		case []any:
			for _, val := range v {
				walk(val)
			}
		}
	}
	walk(doc)
}

// refs collects the $ref of each parameter in the lists given.
func refs(lists ...any) []string {
	var out []string
	for _, l := range lists {
		items, _ := l.([]any)
		for _, p := range items {
			if ref, ok := p.(map[string]any)["$ref"].(string); ok {
				out = append(out, ref)
			}
		}
	}
	return out
}

// resolve follows a local JSON pointer such as #/components/schemas/Lead.
func resolve(doc map[string]any, ref string) any {
	if !strings.HasPrefix(ref, "#/") {
		return nil
	}
	var cur any = doc
	for _, part := range strings.Split(ref[2:], "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")]
	}
	return cur
}
