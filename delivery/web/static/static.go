// Package static embeds the stylesheets and scripts the pages use, so the
// binary serves everything itself. Vendored files come from the npm registry
// (see package.json and `make vendor`).
package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"strings"
)

//go:embed *.css *.js vendor
var files embed.FS

// versions maps each file to a short hash of its content, computed once, so
// asset URLs change whenever a file does and can be cached forever.
var versions = hashFiles()

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
		serve.ServeHTTP(w, r)
	})
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
