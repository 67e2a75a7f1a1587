package web

import (
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"crm/domain"
	"crm/domain/lead"
)

// decimalVersion is how a version may be written: the server writes plain
// digits, and strconv.ParseInt also takes a leading plus and zeros, which
// mean the same number.
var decimalVersion = regexp.MustCompile(`^\+?[0-9]+$`)

// FuzzDecodeLeadForm posts arbitrary bytes the way the router sees them and
// checks that what reaches a use case is exactly what was posted, once per
// field and as text, or else a 400 or 413 rather than a 500.
func FuzzDecodeLeadForm(f *testing.F) {
	f.Add("name=Ada+Lovelace&email=ada%40example.com&company=&phone=555-0100&source=expo&score=50&notes=Hi%0Athere&version=3", "", false)
	f.Add("name=Ada&name=Grace&version=1", "", false)
	f.Add("name=%00&version=1", "", false)
	f.Add("name=%FF&version=2", "", false)
	f.Add("%FF=x&version=2", "", false)
	f.Add("name=Ada;score=5", "", false)
	f.Add("name=%zz", "", false)
	f.Add("score=+7&version=+0012", "version=9&version=9", false)
	f.Add("score=99999999999999999999&version=9223372036854775808", "", false)
	f.Add("score=%2050%20&version=-1", "%", false)
	f.Add("name=Ada&version=1&notes=longer+than+the+tight+limit", "", true)
	f.Fuzz(func(t *testing.T, body, query string, tight bool) {
		// tight reaches the 413 path, which the real 1 MiB limit hides from
		// a fuzzer that mostly makes short inputs.
		limit := int64(MaxBodyBytes)
		if tight {
			limit = 16
		}
		r := httptest.NewRequest(http.MethodPost, "/leads", strings.NewReader(body))
		r.URL.RawQuery = query
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, limit)

		err := parseForm(r)
		var tooLarge *http.MaxBytesError
		assert.Equal(t, int64(len(body)) > limit, errors.As(err, &tooLarge), "only an oversized body is a 413: %v", err)

		posted, bodyErr := url.ParseQuery(body)
		_, queryErr := url.ParseQuery(query)
		clean := bodyErr == nil && queryErr == nil && int64(len(body)) <= limit
		for key, vals := range posted {
			clean = clean && len(vals) == 1 && utf8.ValidString(key) &&
				utf8.ValidString(vals[0]) && !strings.ContainsRune(vals[0], 0)
		}
		if err != nil {
			if tooLarge == nil {
				var bad *badRequest
				require.ErrorAs(t, err, &bad, "a malformed form is a 400")
			}
			require.Falsef(t, clean, "parseForm refused a well-formed form %q: %v", body, err)
			return
		}
		require.Truef(t, clean, "parseForm accepted %q", body)
		require.Equal(t, posted, r.PostForm, "the handler must see exactly the posted fields")
		for key, vals := range r.PostForm {
			require.Lenf(t, vals, 1, "field %q", key)
			require.True(t, utf8.ValidString(vals[0]))
			require.NotContains(t, vals[0], "\x00")
		}

		values, fields, decodeErr := decodeLeadForm(r)
		require.Len(t, values, len(lead.EditableFields))
		for _, name := range lead.EditableFields {
			assert.Equalf(t, posted.Get(name), values[name], "value of %s", name)
		}
		assert.Equal(t, lead.Fields{
			Name: posted.Get(lead.FieldName), Email: posted.Get(lead.FieldEmail), Company: posted.Get(lead.FieldCompany),
			Phone: posted.Get(lead.FieldPhone), Source: posted.Get(lead.FieldSource), Notes: posted.Get(lead.FieldNotes),
			Score: fields.Score,
		}, fields)
		checkScore(t, posted.Get(lead.FieldScore), fields, decodeErr)

		version, err := versionOf(r)
		raw := posted.Get("version")
		want, inRange := new(big.Int).SetString(strings.TrimPrefix(raw, "+"), 10)
		valid := decimalVersion.MatchString(raw) && inRange && want.Sign() > 0 && want.IsInt64()
		if err != nil {
			var bad *badRequest
			require.ErrorAs(t, err, &bad)
			require.Falsef(t, valid, "versionOf refused %q: %v", raw, err)
			return
		}
		require.Truef(t, valid, "versionOf accepted %q as %d", raw, version)
		require.Equal(t, want.Int64(), version)
	})
}

// checkScore asserts that a score the rep typed is either read as the
// whole number it is or reported next to the score field, never dropped.
func checkScore(t *testing.T, typed string, fields lead.Fields, err error) {
	t.Helper()
	raw := strings.TrimSpace(typed)
	n, atoiErr := strconv.Atoi(raw)
	switch {
	case raw == "":
		assert.Zero(t, fields.Score)
		assert.NoError(t, err)
	case atoiErr == nil:
		assert.Equal(t, n, fields.Score)
		assert.NoError(t, err)
	default:
		var v *domain.ValidationError
		require.ErrorAs(t, err, &v, "score %q is not a whole number and must be reported", typed)
		assert.NotEmpty(t, v.For(lead.FieldScore))
	}
}
