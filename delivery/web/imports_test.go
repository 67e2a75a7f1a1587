package web

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestOnlyAnImportsUploadAndCheckTakeLargeBodiesAndLongDeadlines(t *testing.T) {
	t.Parallel()
	for target, want := range map[string]bool{
		"POST /leads/import":            true,
		"POST /contacts/import":         true,
		"POST /leads/import/7/check":    true,
		"POST /contacts/import/7/check": true,
		"GET /leads/import":             false,
		"POST /leads/import/7/run":      false,
		"POST /leads/import/check":      false,
		"POST /leads/importx":           false,
		"POST /deals/import":            false,
		"POST /leads/7":                 false,
		"POST /leads/import/7/check/x":  false,
	} {
		method, path, _ := strings.Cut(target, " ")
		assert.Equal(t, want, isUpload(httptest.NewRequest(method, path, nil)), target)
	}
}

func TestAnUploadsFileNameIsItsBaseNameAsOneLineOfText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"leads.csv":                  "leads.csv",
		`C:\Users\ada\Desktop\a.csv`: "a.csv",
		"../../etc/passwd":           "passwd",
		"new\nline.csv":              "newline.csv",
		"bad\xffbyte.csv":            "badbyte.csv",
		"":                           "upload.csv",
		"  ":                         "upload.csv",
		strings.Repeat("é", 300):     strings.Repeat("é", 255),
	} {
		assert.Equal(t, want, fileName(in), "%q", in)
	}
}
