package api_test

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBodiesMustBeJSON(t *testing.T) {
	t.Parallel()
	c, path := newClientWithAda(t)

	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "application/json; charset=latin1", "application/merge-patch+json"} {
		requireProblem(t, c.post("/api/v1/leads", adaJSON, h{"Content-Type": ct}), http.StatusUnsupportedMediaType, "unsupported-media-type")
	}
	res := c.post("/api/v1/leads", adaJSON, h{"Content-Type": "application/json; charset=UTF-8"})
	assert.Equal(t, http.StatusCreated, res.status, "charset=utf-8 is JSON's own")

	t.Run("PATCH takes a merge patch or JSON and says so on 415", func(t *testing.T) {
		res := c.patch(path, `{"score":71}`, h{"If-Match": `"1"`, "Content-Type": "text/plain"})
		requireProblem(t, res, http.StatusUnsupportedMediaType, "unsupported-media-type")
		assert.Equal(t, "application/merge-patch+json, application/json", res.header.Get("Accept-Patch"))
		res = c.patch(path, `{"score":71}`, h{"If-Match": `"1"`, "Content-Type": "application/merge-patch+json"})
		assert.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	})
}

func TestBodiesOver1MiBAre413(t *testing.T) {
	t.Parallel()
	c, path := newClientWithAda(t)

	huge := `{"name":"Ada","notes":"` + strings.Repeat("a", 2<<20) + `"}`
	requireProblem(t, c.post("/api/v1/leads", huge, nil), http.StatusRequestEntityTooLarge, "body-too-large")
	requireProblem(t, c.patch(path, huge, h{"If-Match": `"1"`}), http.StatusRequestEntityTooLarge, "body-too-large")

	t.Run("also when the length is not announced", func(t *testing.T) {
		// A reader of unknown size makes the client send it chunked,
		// without Content-Length.
		req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, c.srv.URL+"/api/v1/leads",
			struct{ *bytes.Reader }{bytes.NewReader([]byte(huge))})
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+mariaToken)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer res.Body.Close()
		assert.Equal(t, http.StatusRequestEntityTooLarge, res.StatusCode)
	})
}

func TestBodiesMustBeValidUTF8WithoutNUL(t *testing.T) {
	t.Parallel()
	c, path := newClientWithAda(t)

	p := requireProblem(t, c.post("/api/v1/leads", "{\"name\":\"Ada \xff\xfe\"}", nil), http.StatusBadRequest, "malformed-request")
	assert.Contains(t, p["detail"], "UTF-8")
	requireProblem(t, c.patch(path, "{\"notes\":\"\xc3\"}", h{"If-Match": `"1"`}), http.StatusBadRequest, "malformed-request")

	p = requireProblem(t, c.post("/api/v1/leads", `{"name":"Ada\u0000Lovelace"}`, nil), http.StatusBadRequest, "malformed-request")
	assert.Contains(t, fieldErrors(t, p)["name"], "NUL")
	p = requireProblem(t, c.patch(path, `{"notes":"a\u0000b"}`, h{"If-Match": `"1"`}), http.StatusBadRequest, "malformed-request")
	assert.Contains(t, fieldErrors(t, p)["notes"], "NUL")

	assert.Equal(t, `"1"`, c.get(path, nil).header.Get("ETag"), "nothing was saved")
}

func TestMalformedBodiesAre400(t *testing.T) {
	t.Parallel()
	c := newClient(t)

	for name, body := range map[string]string{
		"not JSON":         `name=Ada`,
		"cut short":        `{"name":"Ada"`,
		"trailing data":    `{"name":"Ada"} {"name":"Grace"}`,
		"trailing garbage": `{"name":"Ada"}x`,
		"an array":         `[{"name":"Ada"}]`,
		"a string":         `"Ada"`,
		"duplicate member": `{"name":"Ada","name":"Grace"}`,
		"empty":            ` `,
	} {
		t.Run(name, func(t *testing.T) {
			requireProblem(t, c.post("/api/v1/leads", body, nil), http.StatusBadRequest, "malformed-request")
		})
	}
}

func TestUnknownAndWronglyTypedMembersAre400(t *testing.T) {
	t.Parallel()
	c, path := newClientWithAda(t)

	p := requireProblem(t, c.patch(path, `{"emial":"ada@example.com"}`, h{"If-Match": `"1"`}), http.StatusBadRequest, "malformed-request")
	assert.Equal(t, "Unknown field.", fieldErrors(t, p)["emial"])

	p = requireProblem(t, c.patch(path, `{"status":"LOST","owner":"Bob"}`, h{"If-Match": `"1"`}), http.StatusBadRequest, "malformed-request")
	errs := fieldErrors(t, p)
	assert.Contains(t, errs["status"], "/status", "the hint says where the status changes")
	assert.Contains(t, errs, "owner")

	p = requireProblem(t, c.post("/api/v1/leads", `{"name":42,"company":["A"],"email":null}`, nil), http.StatusBadRequest, "malformed-request")
	errs = fieldErrors(t, p)
	assert.Equal(t, "Must be a string; got a number.", errs["name"])
	assert.Equal(t, "Must be a string; got an array.", errs["company"])
	assert.Contains(t, errs["email"], "Cannot be null")

	p = requireProblem(t, c.post("/api/v1/leads", `{"name":"Ada","version":1}`, nil), http.StatusBadRequest, "malformed-request")
	assert.Contains(t, fieldErrors(t, p), "version")

	assert.Equal(t, `"1"`, c.get(path, nil).header.Get("ETag"), "nothing was saved")
}

func TestScoresMustBeJSONIntegers(t *testing.T) {
	t.Parallel()
	c, path := newClientWithAda(t)

	for score, got := range map[string]string{`80.5`: "80.5", `1e3`: "1e3", `"80"`: "a string", `80.0`: "80.0", `true`: "a boolean"} {
		res := c.patch(path, `{"score":`+score+`}`, h{"If-Match": `"1"`})
		p := requireProblem(t, res, http.StatusBadRequest, "malformed-request")
		assert.Equal(t, "Must be a whole number written as a JSON integer, such as 80; got "+got+".", fieldErrors(t, p)["score"], score)

		res = c.post("/api/v1/leads", `{"name":"Grace","score":`+score+`}`, nil)
		requireProblem(t, res, http.StatusBadRequest, "malformed-request")
	}

	res := c.patch(path, `{"score":80}`, h{"If-Match": `"1"`})
	require.Equal(t, http.StatusOK, res.status, "body: %s", res.body)
	assert.Equal(t, float64(80), res.object(t)["score"])
}

func TestVersionsAndIdsInBodiesArePositiveIntegers(t *testing.T) {
	t.Parallel()
	c, path := newClientWithAda(t)

	for body, msg := range map[string]string{
		`{"version":0}`:                    "Must be 1 or more.",
		`{"version":"1"}`:                  "Must be a whole number written as a JSON integer, such as 3; got a string.",
		`{"version":99999999999999999999}`: "Is too large.",
	} {
		p := requireProblem(t, c.patch(path, body, h{"If-Match": `"1"`}), http.StatusBadRequest, "malformed-request")
		assert.Equal(t, msg, fieldErrors(t, p)["version"], body)
	}

	t.Run("a weak If-Match never matches a write", func(t *testing.T) {
		res := c.patch(path, `{"score":71}`, h{"If-Match": `W/"1"`})
		requireProblem(t, res, http.StatusPreconditionFailed, "precondition-failed")
		assert.Equal(t, `"1"`, res.header.Get("ETag"))
	})
}

func TestLoneSurrogatesAre400NotReplacementCharacters(t *testing.T) {
	t.Parallel()
	c, path := newClientWithAda(t)
	for body, escape := range map[string]string{
		`{"name":"Ada \ud800"}`:           `\ud800`,
		`{"name":"\udc00 Ada"}`:           `\udc00`,
		`{"name":"Ada \ud800\u0041"}`:     `\ud800`,
		`{"name":"Ada","notes":"\uDBFF"}`: `\uDBFF`,
	} {
		p := requireProblem(t, c.patch(path, body, h{"If-Match": `"1"`}), http.StatusBadRequest, "malformed-request")
		assert.Contains(t, p["detail"], escape+", half of a UTF-16 pair", body)
	}
	for body, name := range map[string]string{
		`{"name":"Ada \ud83d\ude00"}`: "Ada \U0001F600",
		`{"name":"Ada \\ud800"}`:      `Ada \ud800`,
		`{"name":"Ada \u00e9"}`:       "Ada é",
	} {
		c, path := newClientWithAda(t)
		res := c.patch(path, body, h{"If-Match": `"1"`})
		require.Equal(t, http.StatusOK, res.status, "%s: %s", body, res.body)
		assert.Equal(t, name, res.object(t)["name"], "%s: a pair, an escaped backslash and a plain escape are text", body)
	}
}
