package cookie

import (
	"reflect"
	"testing"
)

// parseTests are raw Set-Cookie values and the cookies the grammar of spec
// §13.3 reads from them, before any policy.
var parseTests = []struct {
	in   string
	want []rawCookie
}{
	{"", nil},
	{"a", []rawCookie{{name: "a"}}},
	{"a=", []rawCookie{{name: "a", value: str("")}}},
	{"a=1", []rawCookie{{name: "a", value: str("1")}}},
	{" \t a \t = \t 1 \t ", []rawCookie{{name: "a", value: str("1")}}},
	{"a=b c; path=/x", []rawCookie{{name: "a", value: str("b")}}},
	{"a=b=c", []rawCookie{{name: "a", value: str("b=c")}}},
	{"a==", []rawCookie{{name: "a", value: str("=")}}},
	{`a="q\"uo;ted"; max-age=100`, []rawCookie{{name: "a", value: str(`q"uo;ted`), attrs: []item{{"max-age", str("100")}}}}},
	{`a="x\`, []rawCookie{{name: "a", value: str(`"x\`)}}},
	{`a="x\"`, []rawCookie{{name: "a", value: str(`"x\"`)}}},
	{`a="a"b"; c`, []rawCookie{{name: "a", value: str("a")}}},
	{`a="\\\a"`, []rawCookie{{name: "a", value: str(`\a`)}}},
	{"a=\"x\ny\"", []rawCookie{{name: "a", value: str("x\ny")}}},
	{`"a"=1`, []rawCookie{{name: `"a"`, value: str("1")}}},
	{"A=1; PATH=/X; Max-Age", []rawCookie{{name: "A", value: str("1"), attrs: []item{{"path", str("/X")}, {"max-age", nil}}}}},
	{"a=1; expires=Wed, 09 Jun 2021 10:18:14 GMT, b=2", []rawCookie{
		{name: "a", value: str("1"), attrs: []item{{"expires", str("Wed, 09 Jun 2021 10:18:14 GMT")}}},
		{name: "b", value: str("2")}}},
	{"a=1; EXPIRES = wed, x y;z", []rawCookie{{name: "a", value: str("1"), attrs: []item{{"expires", str("wed, x y")}, {"z", nil}}}}},
	{"a=1; expires=We, 09 Jun", []rawCookie{{name: "a", value: str("1"), attrs: []item{{"expires", str("We")}}}, {name: "09"}}},
	{"a=1; expires=Wed,  09", []rawCookie{{name: "a", value: str("1"), attrs: []item{{"expires", str("Wed,  09")}}}}},
	{"a=1; expires=Wed, ", []rawCookie{{name: "a", value: str("1"), attrs: []item{{"expires", str("Wed")}}}}},
	{"a=1; expires=Wed, ;x", []rawCookie{{name: "a", value: str("1"), attrs: []item{{"expires", str("Wed")}}}}},
	{"a=1; expires=Wednesday,09-Jun-2021", []rawCookie{
		{name: "a", value: str("1"), attrs: []item{{"expires", str("Wednesday")}}},
		{name: "09-Jun-2021"}}},
	{"expires=Wed, 09 Jun 2021 10:18:14 GMT", []rawCookie{{name: "expires", value: str("Wed, 09 Jun 2021 10:18:14 GMT")}}},
	{"Expires=x", []rawCookie{{name: "Expires", value: str("x")}}},
	{"expiresx=Wed, 09 Jun", []rawCookie{{name: "expiresx", value: str("Wed")}, {name: "09"}}},
	{"=x; a=1", nil},
	{";a=1", nil},
	{",a=1", nil},
	{"a=1, =x, c=3", []rawCookie{{name: "a", value: str("1")}}},
	{"a=1; ;b=2, c=3", []rawCookie{{name: "a", value: str("1")}}},
	{"a=1;, b=2", []rawCookie{{name: "a", value: str("1")}, {name: "b", value: str("2")}}},
	{"a=1 ; b ; c=3 , d", []rawCookie{{name: "a", value: str("1"), attrs: []item{{"b", nil}, {"c", str("3")}}}, {name: "d"}}},
	{"a=1\v;\fb", []rawCookie{{name: "a", value: str("1"), attrs: []item{{"b", nil}}}}},
	{"a b=1", []rawCookie{{name: "a"}}},
	{"a=\xe9t\xc3\xa9", []rawCookie{{name: "a", value: str("\xe9t\xc3\xa9")}}},
}

func TestParseSetCookie(t *testing.T) {
	for _, tt := range parseTests {
		t.Run(tt.in, func(t *testing.T) {
			got := parseSetCookie(tt.in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("parseSetCookie(%q)\n got %s\nwant %s", tt.in, fmtRaw(got), fmtRaw(tt.want))
			}
		})
	}
}

func fmtRaw(cs []rawCookie) string {
	s := "["
	for _, c := range cs {
		s += "{" + c.name + "=" + fmtOpt(c.value)
		for _, a := range c.attrs {
			s += "; " + a.name + "=" + fmtOpt(a.value)
		}
		s += "}"
	}
	return s + "]"
}

func TestPerlNum(t *testing.T) {
	tests := []struct {
		in   string
		want float64
	}{
		{"", 0}, {"abc", 0}, {"10", 10}, {" \t10", 10}, {"+3", 3}, {"-3", -3},
		{"1.5", 1.5}, {".5", 0.5}, {"5.", 5}, {".", 0}, {"-", 0}, {"1e3", 1000},
		{"1E+2x", 100}, {"1e", 1}, {"1e+", 1}, {"12abc", 12}, {"0x10", 0},
		{"1_000", 1}, {"inf", 0}, {"nan", 0}, {"1e999", 1.7976931348623157e308},
		{"-1e999", -1.7976931348623157e308}, {"2.0", 2}, {"00012", 12},
	}
	for _, tt := range tests {
		if got := perlNum(tt.in); got != tt.want {
			t.Errorf("perlNum(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
