package httpc

import (
	"testing"
)

// locationTests are spec §9.1 and Appendix C T48-T53. rfc is the
// locationRFC3986 result, ae the locationAnyEvent one ("" means the same
// as rfc); noURI is true if locationAnyEventNoURI fails.
var locationTests = []struct {
	base, loc string
	rfc, ae   string
	noURI     bool
}{
	{base: "http://127.0.0.1:1/dir/page?next=/foo", loc: "next?x=1", // T48
		rfc: "http://127.0.0.1:1/dir/next?x=1", ae: "http://127.0.0.1:1/dir/page?next=/next?x=1"},
	{base: "http://127.0.0.1:1/dir/page?next=/foo", loc: "/final", rfc: "http://127.0.0.1:1/final"},
	{base: "http://h/a/b", loc: ".//dbl", rfc: "http://h/a//dbl", ae: "http://h/a/dbl"}, // T51
	{base: "http://h/a/b", loc: "?x=1", rfc: "http://h/a/b?x=1", noURI: true},           // T52
	{base: "http://h/a/b", loc: "./../up", rfc: "http://h/up", noURI: true},             // T52
	{base: "http://h/z#f", loc: "", rfc: "http://h/z#f"},                                // T53
	{base: "http://h/", loc: "//Other.Host:81/p", rfc: "http://Other.Host:81/p"},        // T53
	{base: "HTTPS://h/", loc: "//o/p", rfc: "https://o/p"},
	{base: "http://h/", loc: "ftp://files.example/x", rfc: "ftp://files.example/x"}, // T50
	{base: "http://h/", loc: "mailto:x", rfc: "mailto:x"},
	{base: "http://h/", loc: "localhost:8080/x", rfc: "localhost:8080/x"},
	{base: "http://h/", loc: "a b:c", rfc: "a b:c"},
	{base: "http://h/", loc: "http://o/a/../b", rfc: "http://o/a/../b"},
	{base: "http://U:P@H:1/d/p?q#f", loc: "x", rfc: "http://U:P@H:1/d/x"},
	{base: "http://h", loc: "x", rfc: "http://h/x"},
	{base: "http://h?q", loc: "x", rfc: "http://h/x"},
	{base: "http://h?q", loc: "#f", rfc: "http://h?q#f", noURI: true},
	{base: "http://h/a", loc: "./", rfc: "http://h/", ae: "http://h/"},
	{base: "http://h/a/b", loc: "#frag", rfc: "http://h/a/b#frag", noURI: true},
	{base: "http://h/a/b?q", loc: "#frag", rfc: "http://h/a/b?q#frag", noURI: true},
	{base: "http://h/a/b?q", loc: "?", rfc: "http://h/a/b?", noURI: true},
	// No path in the reference: the base path as it is, dot segments too
	// (§5.2.2 T.path = Base.path; net/url would give "http://h/#0").
	{base: "http://h/.", loc: "#0", rfc: "http://h/.#0", noURI: true},
	{base: "http://h/a/../b", loc: "?x", rfc: "http://h/a/../b?x", noURI: true},
	{base: "http://h/a/b", loc: "c:d/e", rfc: "c:d/e"},

	// RFC 3986 §5.4.1 normal examples (those without a scheme or "//").
	{base: "http://a/b/c/d;p?q", loc: "g", rfc: "http://a/b/c/g"},
	{base: "http://a/b/c/d;p?q", loc: "./g", rfc: "http://a/b/c/g"},
	{base: "http://a/b/c/d;p?q", loc: "g/", rfc: "http://a/b/c/g/"},
	{base: "http://a/b/c/d;p?q", loc: "/g", rfc: "http://a/g"},
	{base: "http://a/b/c/d;p?q", loc: "?y", rfc: "http://a/b/c/d;p?y", noURI: true},
	{base: "http://a/b/c/d;p?q", loc: "g?y", rfc: "http://a/b/c/g?y"},
	{base: "http://a/b/c/d;p?q", loc: "#s", rfc: "http://a/b/c/d;p?q#s", noURI: true},
	{base: "http://a/b/c/d;p?q", loc: "g#s", rfc: "http://a/b/c/g#s"},
	{base: "http://a/b/c/d;p?q", loc: "g?y#s", rfc: "http://a/b/c/g?y#s"},
	{base: "http://a/b/c/d;p?q", loc: ";x", rfc: "http://a/b/c/;x"},
	{base: "http://a/b/c/d;p?q", loc: "g;x", rfc: "http://a/b/c/g;x"},
	{base: "http://a/b/c/d;p?q", loc: "g;x?y#s", rfc: "http://a/b/c/g;x?y#s"},
	{base: "http://a/b/c/d;p?q", loc: ".", rfc: "http://a/b/c/", noURI: true},
	{base: "http://a/b/c/d;p?q", loc: "./", rfc: "http://a/b/c/"},
	{base: "http://a/b/c/d;p?q", loc: "..", rfc: "http://a/b/", noURI: true},
	{base: "http://a/b/c/d;p?q", loc: "../", rfc: "http://a/b/", noURI: true},
	{base: "http://a/b/c/d;p?q", loc: "../g", rfc: "http://a/b/g", noURI: true},
	{base: "http://a/b/c/d;p?q", loc: "../..", rfc: "http://a/", noURI: true},
	{base: "http://a/b/c/d;p?q", loc: "../../", rfc: "http://a/", noURI: true},
	{base: "http://a/b/c/d;p?q", loc: "../../g", rfc: "http://a/g", noURI: true},

	// RFC 3986 §5.4.2 abnormal examples.
	{base: "http://a/b/c/d;p?q", loc: "../../../g", rfc: "http://a/g", noURI: true},
	{base: "http://a/b/c/d;p?q", loc: "../../../../g", rfc: "http://a/g", noURI: true},
	{base: "http://a/b/c/d;p?q", loc: "/./g", rfc: "http://a/g", ae: "http://a/./g"},
	{base: "http://a/b/c/d;p?q", loc: "/../g", rfc: "http://a/g", ae: "http://a/../g"},
	{base: "http://a/b/c/d;p?q", loc: "g.", rfc: "http://a/b/c/g."},
	{base: "http://a/b/c/d;p?q", loc: ".g", rfc: "http://a/b/c/.g", noURI: true},
	{base: "http://a/b/c/d;p?q", loc: "g..", rfc: "http://a/b/c/g.."},
	{base: "http://a/b/c/d;p?q", loc: "..g", rfc: "http://a/b/c/..g", noURI: true},
	{base: "http://a/b/c/d;p?q", loc: "./../g", rfc: "http://a/b/g", noURI: true},
	{base: "http://a/b/c/d;p?q", loc: "./g/.", rfc: "http://a/b/c/g/", ae: "http://a/b/c/g/."},
	{base: "http://a/b/c/d;p?q", loc: "g/./h", rfc: "http://a/b/c/g/h", ae: "http://a/b/c/g/./h"},
	{base: "http://a/b/c/d;p?q", loc: "g/../h", rfc: "http://a/b/c/h", ae: "http://a/b/c/g/../h"},
	{base: "http://a/b/c/d;p?q", loc: "g;x=1/./y", rfc: "http://a/b/c/g;x=1/y", ae: "http://a/b/c/g;x=1/./y"},
	{base: "http://a/b/c/d;p?q", loc: "g;x=1/../y", rfc: "http://a/b/c/y", ae: "http://a/b/c/g;x=1/../y"},
	{base: "http://a/b/c/d;p?q", loc: "g?y/./x", rfc: "http://a/b/c/g?y/./x"},
	{base: "http://a/b/c/d;p?q", loc: "g?y/../x", rfc: "http://a/b/c/g?y/../x"},
	{base: "http://a/b/c/d;p?q", loc: "g#s/./x", rfc: "http://a/b/c/g#s/./x"},
	{base: "http://a/b/c/d;p?q", loc: "g#s/../x", rfc: "http://a/b/c/g#s/../x"},
}

func TestResolveLocation(t *testing.T) {
	for _, tt := range locationTests {
		base, err := parseURL(tt.base)
		if err != nil {
			t.Fatalf("parseURL(%q): %v", tt.base, err)
		}
		ae := tt.ae
		if ae == "" {
			ae = tt.rfc
		}
		if got, err := resolveLocation(&base, tt.loc, locationRFC3986); got != tt.rfc || err != nil {
			t.Errorf("RFC3986 %q + %q = %q, %v; want %q", tt.base, tt.loc, got, err, tt.rfc)
		}
		if got, err := resolveLocation(&base, tt.loc, locationAnyEvent); got != ae || err != nil {
			t.Errorf("AnyEvent %q + %q = %q, %v; want %q", tt.base, tt.loc, got, err, ae)
		}
		got, err := resolveLocation(&base, tt.loc, locationAnyEventNoURI)
		switch {
		case tt.noURI && err != errLocationNoURI:
			t.Errorf("AnyEventNoURI %q + %q = %q, %v; want errLocationNoURI", tt.base, tt.loc, got, err)
		case !tt.noURI && (got != ae || err != nil):
			t.Errorf("AnyEventNoURI %q + %q = %q, %v; want %q", tt.base, tt.loc, got, err, ae)
		}
	}
}

func TestRemoveDotSegments(t *testing.T) {
	for in, want := range map[string]string{
		"/a/b/c/./../../g": "/a/g", "mid/content=5/../6": "mid/6", "/..": "/", "/.": "/",
		"": "", "..": "", ".": "", "/a//b/../c": "/a//c", "/a/b/..": "/a/", "../a": "a",
	} {
		if got := removeDotSegments(in); got != want {
			t.Errorf("removeDotSegments(%q) = %q, want %q", in, got, want)
		}
	}
}
