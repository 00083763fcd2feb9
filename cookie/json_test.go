package cookie

import (
	"encoding/json"
	"math"
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestPerlJar loads a jar written by Perl (JSON::PP->new->utf8->pretty->
// canonical, from a hash in AnyEvent's layout), checks what it holds, and
// checks that writing it back gives the same JSON document.
func TestPerlJar(t *testing.T) {
	data, err := os.ReadFile("testdata/perl-jar.json")
	if err != nil {
		t.Fatal(err)
	}
	var j Jar
	if err := json.Unmarshal(data, &j); err != nil {
		t.Fatal(err)
	}
	c := func(v *string, attrs ...string) Cookie { x := domainCookie(v, attrs...); return x }
	exp := func(v *string, e float64, attrs ...string) Cookie {
		x := c(v, attrs...)
		x.Persistent, x.Expires = true, e
		return x
	}
	checkEntries(t, &j, []entry{
		{"127.0.0.1", "/", "a", c(str("1"))},
		{"example.com", "/", "bare", c(nil)},
		{"example.com", "/", "half", exp(str("x"), 1700000001.5)},
		{"example.com", "/", "latin", c(str("caf\xe9"), "comment", "na\xefve")},
		{"example.com", "/", "q", c(str(`q"uo;ted`))},
		{"example.com", "/", "sid", exp(str("abc"), 1700003600, "expires", "Thu, 01 Jan 2037 00:00:00 GMT")},
		{"example.com", "/p", "a", c(str("1"), "domain", "Example.COM", "httponly", "\x00", "samesite", "Lax", "secure", "\x00")},
		{"www.example.com", "/", "09-Jun-2021", c(nil)},
		{"www.example.com", "/", "www", c(str("w"), "unknown", "")},
	})
	if got, want := j.Header("https", "www.example.com", "/p/x", now), "a=1; 09-Jun-2021=; www=w; bare=; half=x; latin=caf\xe9; q=\"q\\\"uo;ted\"; sid=abc"; got != want {
		t.Errorf("Header = %q\nwant     %q", got, want)
	}
	out, err := json.Marshal(&j)
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, out, data) {
		t.Errorf("written jar differs from the Perl jar:\n%s", out)
	}
}

// sameJSON reports whether a and b hold the same JSON document.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("%s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

// TestJSONRoundTrip checks that a jar filled by SetCookie survives
// MarshalJSON and UnmarshalJSON unchanged, bytes and flags included.
func TestJSONRoundTrip(t *testing.T) {
	j := NewJar()
	j.SetCookie("a=1; max-age=1.25; secure, b=\"caf\xe9 \xc3\xa9\"; comment=<&>, c, d=1; domain=example.com; path=/p", "www.example.com", "/x/y", "", now)
	out, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"example.com":{"/p":{"d":{"domain":"example.com","value":"1"}}},"version":2,` +
		`"www.example.com":{"/x":{"a":{"_expires":1700000001.25,"_hostonly":1,"secure":null,"value":"1"},` +
		`"b":{"_hostonly":1,"comment":"\u003c\u0026\u003e","value":"café Ã©"},"c":{"_hostonly":1,"value":null}}}}`
	if string(out) != want {
		t.Errorf("MarshalJSON:\n got %s\nwant %s", out, want)
	}
	var back Jar
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(entries(&back), entries(j)) {
		t.Errorf("round trip:\n got %v\nwant %v", entries(&back), entries(j))
	}
	again, _ := json.Marshal(back)
	if string(again) != string(out) {
		t.Errorf("second MarshalJSON differs:\n%s\n%s", again, out)
	}
}

// lenientJarDoc is a jar file with values of the wrong JSON types.
const lenientJarDoc = `{"version":"2","skip":"x","nil":null,"arr":[1],"h":{"/":{` +
	`"n":{"value":12,"_expires":"123abc","_hostonly":"1","flag":true,"off":false},` +
	`"z":{"value":"1","_expires":null,"_hostonly":0},` +
	`"s":{"_hostonly":"0"},` +
	`"wide":{"value":"\u4e2d"}}}}`

func TestUnmarshalLenient(t *testing.T) {
	j := &Jar{PublicSuffixList: fixedSuffixes{}}
	if err := json.Unmarshal([]byte(lenientJarDoc), j); err != nil {
		t.Fatal(err)
	}
	checkEntries(t, j, []entry{
		{"h", "/", "n", Cookie{Value: str("12"), Persistent: true, Expires: 123, HostOnly: true,
			Attrs: map[string]*string{"flag": str("1"), "off": str("0")}}},
		{"h", "/", "s", Cookie{}},
		{"h", "/", "wide", Cookie{Value: str("中")}},
		{"h", "/", "z", Cookie{Value: str("1"), Persistent: true}},
	})
	if _, ok := j.PublicSuffixList.(fixedSuffixes); !ok {
		t.Errorf("PublicSuffixList not kept")
	}
	if err := json.Unmarshal([]byte("null"), j); err != nil || len(entries(j)) != 4 {
		t.Errorf("null: err %v, jar changed", err)
	}
	// The keys that hold no cookies are a Perl program's own; saved, the
	// jar gives them back as they were.
	out, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	var back map[string]json.RawMessage
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"skip": `"x"`, "nil": "null", "arr": "[1]"} {
		if got := string(back[key]); got != want {
			t.Errorf("saved %q = %s, want %s", key, got, want)
		}
	}
}

func TestUnmarshalErrors(t *testing.T) {
	for _, doc := range []string{
		`[]`,
		`{"version":2,"h":{"/":5}}`,
		`{"version":2,"h":{"/":{"a":5}}}`,
		`{"version":2,"h":{"/":{"a":null}}}`,
		`{"version":2,"h":{"/":{"a":{"value":[1]}}}}`,
		`{"version":2,"h":{"/":{"a":{"secure":{}}}}}`,
		`{"version":2,"h":{"/":{"a":{"_expires":{}}}}}`,
		`{"version":2,`,
	} {
		var j Jar
		err := j.UnmarshalJSON([]byte(doc))
		if err == nil || !strings.HasPrefix(err.Error(), "cookie: ") {
			t.Errorf("%s: err = %v, want a cookie: error", doc, err)
		}
	}
}

func TestMarshalEdges(t *testing.T) {
	var fresh Jar
	if out, _ := json.Marshal(fresh); string(out) != "{}" {
		t.Errorf("fresh jar = %s", out)
	}
	j := Jar{Domains: map[string]PathMap{
		"version": {"/": {"v": {}}},
		"h": {"/": {
			"nil": nil,
			"a":   {Value: str("1"), Attrs: map[string]*string{"value": str("2"), "_expires": str("3"), "_hostonly": str("4")}},
		}},
	}}
	out, err := json.Marshal(j)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"h":{"/":{"a":{"value":"1"}}},"version":2}`; string(out) != want {
		t.Errorf("MarshalJSON = %s, want %s", out, want)
	}
	for _, e := range []float64{math.Inf(1), math.NaN()} {
		j := Jar{Domains: map[string]PathMap{"h": {"/": {"a": {Persistent: true, Expires: e}}}}}
		if _, err := json.Marshal(j); err == nil || !strings.Contains(err.Error(), "cookie: ") {
			t.Errorf("expiry %v: err = %v", e, err)
		}
	}
}

func TestLatin1(t *testing.T) {
	for _, s := range []string{"", "abc", "caf\xe9", "\xc3\xa9", "\x80\xff\x00"} {
		if got := latin1Decode(latin1Encode(s)); got != s {
			t.Errorf("latin1 round trip of %q = %q", s, got)
		}
	}
	if got := latin1Encode("caf\xe9"); got != "café" {
		t.Errorf("latin1Encode = %q", got)
	}
}
