// Package static embeds the stylesheets and scripts the pages use, so the
// binary serves everything itself. Vendored files come from the npm registry
// (see package.json and `make vendor`).
package static

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
)

//go:embed *.css *.js *.svg vendor
var files embed.FS

// versions maps each file to a short hash of its content, computed once, so
// asset URLs change whenever a file does and can be cached forever.
var versions = hashFiles()

// gzipped holds each file compressed once, for the clients that accept it:
// Pico and htmx are 120 KB as they are and 25 KB gzipped, on every first
// visit and phone.
var gzipped = gzipFiles()

// Path returns the URL of the named asset, e.g. Path("app.css").
func Path(name string) string {
	return "/static/" + name + "?v=" + versions[name]
}

// Handler serves the assets under /static/. URLs made by Path carry the
// content hash, so responses may be cached for a year.
func Handler() http.Handler {
	serve := http.StripPrefix("/static/", http.FileServerFS(files))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		if info, err := fs.Stat(files, strings.TrimSuffix(name, "/")); err != nil || info.IsDir() {
			// Files only: a folder's listing tells nobody anything they need.
			http.NotFound(w, r)
			return
		}
		if v := r.URL.Query().Get("v"); v != "" && v == versions[name] {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		w.Header().Set("Vary", "Accept-Encoding")
		if gz, ok := gzipped[name]; ok && acceptsGzip(r) {
			w.Header().Set("Content-Encoding", "gzip")
			w.Header().Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
			w.Header().Set("Content-Length", strconv.Itoa(len(gz)))
			if r.Method != http.MethodHead {
				_, _ = w.Write(gz)
			}
			return
		}
		serve.ServeHTTP(w, r)
	})
}

// Favicon serves the site's icon where browsers look for it unasked.
func Favicon() http.Handler {
	assets := Handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.URL.Path = "/static/favicon.svg"
		assets.ServeHTTP(w, r)
	})
}

// acceptsGzip reports whether r's Accept-Encoding takes gzip (and not
// with q=0).
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			q := strings.ReplaceAll(params, " ", "")
			return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
		}
	}
	return false
}

// gzipFiles compresses every text file, once, at the best compression.
func gzipFiles() map[string][]byte {
	out := map[string][]byte{}
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(name)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			return err
		}
		if _, err := zw.Write(b); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		out[name] = buf.Bytes()
		return nil
	})
	if err != nil {
		panic("static: compressing embedded files: " + err.Error()) // embedded files cannot be unreadable
	}
	return out
}

func hashFiles() map[string]string {
	out := map[string]string{}
	err := fs.WalkDir(files, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := files.ReadFile(path)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		out[path] = hex.EncodeToString(sum[:4])
		return nil
	})
	if err != nil {
		panic("static: hashing embedded files: " + err.Error()) // embedded files cannot be unreadable
	}
	return out
}
