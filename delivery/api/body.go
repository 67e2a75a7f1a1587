package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// maxBodyBytes bounds every request body; larger ones get 413.
const maxBodyBytes = 1 << 20

// Media types a request body may have.
const (
	mediaJSON       = "application/json"
	mediaMergePatch = "application/merge-patch+json" // RFC 7396
)

// readObject reads a request body that must be one JSON object of one of
// mediaTypes, at most maxBodyBytes long, in valid UTF-8. It checks the raw
// bytes itself because encoding/json silently turns invalid UTF-8 into
// U+FFFD, which would store something the client never sent.
func readObject(w http.ResponseWriter, r *http.Request, mediaTypes ...string) (*jsonObject, error) {
	if err := checkMediaType(r.Header.Get("Content-Type"), mediaTypes); err != nil {
		if r.Method == http.MethodPatch {
			// RFC 5789 §2.2: a 415 to a PATCH lists the patch formats.
			w.Header().Set("Accept-Patch", strings.Join(mediaTypes, ", "))
		}
		return nil, err
	}
	if r.ContentLength > maxBodyBytes {
		return nil, &http.MaxBytesError{Limit: maxBodyBytes}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, err
		}
		return nil, malformed("The request body could not be read. Nothing was saved.")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, malformed("The request body is empty; send a JSON object. Nothing was saved.")
	}
	if !utf8.Valid(body) {
		return nil, malformed("The request body is not valid UTF-8. Nothing was saved.")
	}
	if at := loneSurrogate(body); at != "" {
		return nil, malformed("The request body holds %s, half of a UTF-16 pair, which is no character. Nothing was saved.", at)
	}
	obj, err := parseObject(body, "")
	if err != nil {
		return nil, malformed("The request body is not a valid JSON object: %v. Nothing was saved.", err)
	}
	return obj, nil
}

// checkMediaType accepts a Content-Type naming one of mediaTypes, with no
// charset or charset=utf-8 (JSON is UTF-8, RFC 8259 §8.1).
func checkMediaType(contentType string, mediaTypes []string) error {
	refuse := &requestError{kind: kindUnsupportedMediaType, detail: fmt.Sprintf(
		"Send the body with Content-Type: %s. Nothing was saved.", strings.Join(mediaTypes, " or "))}
	if contentType == "" {
		return refuse
	}
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || !slices.Contains(mediaTypes, mt) {
		return refuse
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		refuse.detail = "JSON bodies are UTF-8; charset=" + cs + " is not accepted. Nothing was saved."
		return refuse
	}
	return nil
}

// loneSurrogate returns the first \uXXXX escape of body that is half of a
// UTF-16 surrogate pair without its other half, "" when there is none.
// encoding/json would store it as U+FFFD, silently changing the text.
func loneSurrogate(body []byte) string {
	hex4 := func(i int) (rune, bool) {
		if i+6 > len(body) || body[i] != '\\' || body[i+1] != 'u' {
			return 0, false
		}
		n, err := strconv.ParseUint(string(body[i+2:i+6]), 16, 32)
		return rune(n), err == nil
	}
	for i := 0; i < len(body); i++ {
		if body[i] != '\\' {
			continue
		}
		r, ok := hex4(i)
		switch {
		case !ok:
			i++ // an escape such as \\ or \": skip the escaped character
		case utf16.IsSurrogate(r) && r < 0xDC00:
			if low, ok := hex4(i + 6); ok && low >= 0xDC00 && low <= 0xDFFF {
				i += 11
				continue
			}
			return string(body[i : i+6])
		case utf16.IsSurrogate(r):
			return string(body[i : i+6])
		default:
			i += 5
		}
	}
	return ""
}
