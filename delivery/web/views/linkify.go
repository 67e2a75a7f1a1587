package views

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"
)

// linkRel is every link Linkify makes: the target gets no handle on the
// page (noopener), no referrer (the record's address names a customer) and
// no endorsement from us (nofollow).
const linkRel = "noopener noreferrer nofollow"

// Linkify returns plain text s as HTML: every character escaped, line
// breaks kept as they are (the element showing it keeps white space), and
// each http:// or https:// address, and each bare www. one, made a link.
// A link's address is only ever http or https (a bare www. one gets
// https://), so no javascript: or data: address can come of it; the
// punctuation that ends a sentence after an address is not part of it.
func Linkify(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i := 0; i < len(s); {
		start, href := nextLink(s, i)
		if start < 0 {
			b.WriteString(html.EscapeString(s[i:]))
			break
		}
		end := linkEnd(s, start)
		b.WriteString(html.EscapeString(s[i:start]))
		text := s[start:end]
		if href == "" {
			href = text
		} else {
			href += text
		}
		b.WriteString(`<a href="`)
		b.WriteString(html.EscapeString(href))
		b.WriteString(`" rel="` + linkRel + `" target="_blank">`)
		b.WriteString(html.EscapeString(text))
		b.WriteString(`</a>`)
		i = end
	}
	return b.String()
}

// nextLink finds the first address in s from i on: where it starts and
// what its href puts before its text ("https://" for a bare www. address,
// "" when the text is the whole address), or -1.
func nextLink(s string, i int) (int, string) {
	for j := i; j < len(s); j++ {
		c := s[j]
		if c != 'h' && c != 'H' && c != 'w' && c != 'W' {
			continue
		}
		if j > 0 {
			// An address starts a word: "xhttp://" and "awww.x" are not one.
			if r, _ := utf8.DecodeLastRuneInString(s[:j]); unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '/' || r == '@' {
				continue
			}
		}
		rest := s[j:]
		for _, p := range [...]struct{ prefix, href string }{{"https://", ""}, {"http://", ""}, {"www.", "https://"}} {
			if len(rest) > len(p.prefix) && strings.EqualFold(rest[:len(p.prefix)], p.prefix) && hostStart(rest[len(p.prefix):]) {
				if linkEnd(s, j)-j > len(p.prefix) {
					return j, p.href
				}
			}
		}
	}
	return -1, ""
}

// hostStart reports whether s starts as a host name does, with a letter or
// a digit: "http://" alone, or followed by punctuation, is no address.
func hostStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// linkEnd returns where the address starting at start ends: at white
// space, a control character or a character that cannot be in an address
// as typed (quotes, angle brackets), less the punctuation that ends a
// sentence or closes a bracket the address did not open.
func linkEnd(s string, start int) int {
	end := start
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		if r == utf8.RuneError || unicode.IsSpace(r) || unicode.IsControl(r) || strings.ContainsRune("<>\"'`{}|\\^", r) {
			break
		}
		end += size
	}
	for end > start {
		r, size := utf8.DecodeLastRuneInString(s[start:end])
		switch {
		case strings.ContainsRune(".,;:!?*", r):
		case r == ')' && strings.Count(s[start:end], "(") < strings.Count(s[start:end], ")"):
		case r == ']' && strings.Count(s[start:end], "[") < strings.Count(s[start:end], "]"):
		default:
			return end
		}
		end -= size
	}
	return end
}
