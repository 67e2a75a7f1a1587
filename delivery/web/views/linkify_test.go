package views

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

const rel = ` rel="noopener noreferrer nofollow" target="_blank"`

func TestLinkify(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"plain text is escaped", `a < b & "c"`, `a &lt; b &amp; &#34;c&#34;`},
		{"line breaks are kept", "one\ntwo\r\n", "one\ntwo\r\n"},
		{"an https address", "see https://example.com/a?b=1&c=2 now",
			`see <a href="https://example.com/a?b=1&amp;c=2"` + rel + `>https://example.com/a?b=1&amp;c=2</a> now`},
		{"an http address in capitals", "HTTP://Example.com",
			`<a href="HTTP://Example.com"` + rel + `>HTTP://Example.com</a>`},
		{"a bare www address gets https", "www.example.com/x",
			`<a href="https://www.example.com/x"` + rel + `>www.example.com/x</a>`},
		{"the full stop ending a sentence is not part of it", "Read https://example.com/a.",
			`Read <a href="https://example.com/a"` + rel + `>https://example.com/a</a>.`},
		{"nor a comma, a colon or a question mark", "https://a.io, https://b.io: https://c.io?",
			`<a href="https://a.io"` + rel + `>https://a.io</a>, <a href="https://b.io"` + rel + `>https://b.io</a>: <a href="https://c.io"` + rel + `>https://c.io</a>?`},
		{"a bracket the address did not open", "(see https://example.com/x)",
			`(see <a href="https://example.com/x"` + rel + `>https://example.com/x</a>)`},
		{"a bracket it opened is kept", "https://en.wikipedia.org/wiki/Go_(language)",
			`<a href="https://en.wikipedia.org/wiki/Go_(language)"` + rel + `>https://en.wikipedia.org/wiki/Go_(language)</a>`},
		{"javascript: is text", "javascript:alert(1)", `javascript:alert(1)`},
		{"data: is text", "data:text/html,<script>alert(1)</script>",
			`data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;`},
		{"an address inside another scheme is not one", "javascript:https://x.io",
			`javascript:<a href="https://x.io"` + rel + `>https://x.io</a>`},
		{"a quote ends an address: no attribute injection", `https://x.io/"onmouseover="alert(1)`,
			`<a href="https://x.io/"` + rel + `>https://x.io/</a>&#34;onmouseover=&#34;alert(1)`},
		{"an angle bracket ends an address", "https://x.io/<script>",
			`<a href="https://x.io/"` + rel + `>https://x.io/</a>&lt;script&gt;`},
		{"a scheme with no host is text", "http:// and https://. and www.", "http:// and https://. and www."},
		{"inside a word is not an address", "xhttps://x.io awww.x.io", "xhttps://x.io awww.x.io"},
		{"an e-mail address is not a www one", "ann@www.x.io", "ann@www.x.io"},
		{"an escaped scheme stays text", "&#104;ttps://x.io", "&amp;#104;ttps://x.io"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, Linkify(tt.in))
		})
	}
}

var (
	anchor = regexp.MustCompile(`<a href="([^"]*)" rel="noopener noreferrer nofollow" target="_blank">`)
	anyTag = regexp.MustCompile(`<a href="[^"]*" rel="noopener noreferrer nofollow" target="_blank">|</a>`)
)

// FuzzLinkify proves, for any text, that Linkify's only markup is its own
// links, that every link goes to an http or https address, and that the
// text a reader sees is exactly the text typed.
func FuzzLinkify(f *testing.F) {
	for _, s := range []string{"https://example.com.", "www.x.io/(a)", "<b>javascript:alert(1)</b>",
		"http://x\"><script>", "HTTPS://A.B/c?d=e&f=<g>", "(www.a.io)", "data:text/html;base64,PHNjcmlwdD4="} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := Linkify(s)
		for _, m := range anchor.FindAllStringSubmatch(out, -1) {
			href := strings.ToLower(html.UnescapeString(m[1]))
			if !strings.HasPrefix(href, "http://") && !strings.HasPrefix(href, "https://") {
				t.Fatalf("Linkify(%q) links to %q", s, m[1])
			}
		}
		text := anyTag.ReplaceAllString(out, "")
		if strings.ContainsAny(text, `<>"`) {
			t.Fatalf("Linkify(%q) = %q: markup outside its own links", s, out)
		}
		if strings.Count(out, "<a ") != strings.Count(out, "</a>") {
			t.Fatalf("Linkify(%q) = %q: unbalanced links", s, out)
		}
		if s == strings.ToValidUTF8(s, "\uFFFD") && html.UnescapeString(text) != s {
			t.Fatalf("Linkify(%q) shows %q", s, html.UnescapeString(text))
		}
	})
}
