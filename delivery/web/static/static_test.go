package static_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/delivery/web/static"
)

func get(t *testing.T, h http.Handler, path, acceptEncoding string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	if acceptEncoding != "" {
		req.Header.Set("Accept-Encoding", acceptEncoding)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func TestAssetsAreGzippedForClientsThatTakeIt(t *testing.T) {
	t.Parallel()
	h := static.Handler()
	plain := get(t, h, static.Path("vendor/pico.min.css"), "")
	require.Equal(t, http.StatusOK, plain.StatusCode)
	original, err := io.ReadAll(plain.Body)
	require.NoError(t, err)
	assert.Empty(t, plain.Header.Get("Content-Encoding"))
	assert.Equal(t, "Accept-Encoding", plain.Header.Get("Vary"), "caches keep both forms apart")

	zipped := get(t, h, static.Path("vendor/pico.min.css"), "br, gzip;q=0.8")
	require.Equal(t, http.StatusOK, zipped.StatusCode)
	assert.Equal(t, "gzip", zipped.Header.Get("Content-Encoding"))
	assert.Equal(t, "text/css; charset=utf-8", zipped.Header.Get("Content-Type"))
	assert.Equal(t, "public, max-age=31536000, immutable", zipped.Header.Get("Cache-Control"))
	body, err := io.ReadAll(zipped.Body)
	require.NoError(t, err)
	assert.Equal(t, strconv.Itoa(len(body)), zipped.Header.Get("Content-Length"))
	assert.Less(t, len(body), len(original)/3, "a third of the size at most")
	zr, err := gzip.NewReader(bytes.NewReader(body))
	require.NoError(t, err)
	unzipped, err := io.ReadAll(zr)
	require.NoError(t, err)
	assert.Equal(t, original, unzipped)

	refused := get(t, h, static.Path("app.js"), "gzip;q=0, identity")
	assert.Empty(t, refused.Header.Get("Content-Encoding"), "q=0 refuses gzip")
}

func TestTheFaviconIsServedWhereBrowsersLook(t *testing.T) {
	t.Parallel()
	res := get(t, static.Favicon(), "/favicon.ico", "")
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.Equal(t, "image/svg+xml", res.Header.Get("Content-Type"))
}
