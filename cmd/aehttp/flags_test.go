package main

import (
	"io"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/anyevent-go/anyevent/httpc"
)

func TestParseHeader(t *testing.T) {
	tests := []struct {
		in   string
		want httpc.HeaderField
		bad  bool
	}{
		{in: "Name: value", want: httpc.HeaderField{Name: "Name", Value: "value"}},
		{in: "Name:\t v:w ", want: httpc.HeaderField{Name: "Name", Value: "v:w "}},
		{in: "Name:", want: httpc.HeaderField{Name: "Name", Suppress: true}},
		{in: "Name:  ", want: httpc.HeaderField{Name: "Name", Suppress: true}},
		{in: "Name;", want: httpc.HeaderField{Name: "Name"}},
		{in: "Name: a;", want: httpc.HeaderField{Name: "Name", Value: "a;"}},
		{in: "NoColon", bad: true},
		{in: ": v", bad: true},
		{in: ";", bad: true},
	}
	for _, tt := range tests {
		got, err := parseHeader(tt.in)
		if (err != nil) != tt.bad || got != tt.want {
			t.Errorf("parseHeader(%q) = %+v, %v", tt.in, got, err)
		}
	}
}

// TestParseArgs checks flag placement, repeats and the last-wins switches.
func TestParseArgs(t *testing.T) {
	o, err := parseArgs([]string{"http://a/", "-H", "A: 1", "--timeout", "1.5", "http://b/", "-C", "-", "-o", "f",
		"--no-keepalive", "--keepalive", "--persistent", "--recurse", "0", "--compat", "location,credentials",
		"--max-per-host=2", "-i", "--", "-x"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.urls, []string{"http://a/", "http://b/", "-x"}) || len(o.headers) != 1 || o.timeout != 1500*time.Millisecond ||
		!o.resume || !slices.Equal(o.outputs, []string{"f"}) || o.keepalive == nil || !*o.keepalive ||
		o.persistent == nil || !*o.persistent || o.recurse == nil || *o.recurse != 0 ||
		o.compat != httpc.CompatLocation|httpc.CompatCredentials || o.maxPerHost != 2 || !o.include || o.pause != 50*time.Millisecond {
		t.Errorf("parsed %+v", o)
	}
	if o, _ := parseArgs([]string{"u"}, io.Discard); o.persistent != nil || o.keepalive != nil || o.recurse != nil || o.methodName() != "GET" {
		t.Errorf("defaults %+v", o)
	}
	if c, err := parseCompat("all"); err != nil || c != httpc.CompatInterim|httpc.CompatFraming|httpc.CompatOnBody|
		httpc.CompatLocation|httpc.CompatLocationNoURI|httpc.CompatCredentials {
		t.Errorf("--compat all = %b, %v", c, err)
	}
	for _, bad := range [][]string{
		{}, {"--timeout", "0", "u"}, {"--timeout", "x", "u"}, {"--recurse", "x", "u"}, {"--pause", "-1", "u"},
		{"-o", "a", "-o", "b", "u"}, {"-d", "x", "--data-binary", "y", "u"}, {"--dump", "-o", "f", "u"},
		{"--collect-body", "u"}, {"--max-per-host", "-1", "u"}, {"--persistent=false", "u"},
		{"--timeout", "1000ms", "u"}, {"--timeout", "NaN", "u"}, {"--timeout", "1e-10", "u"},
		{"--recurse", "5abc", "u"}, {"--pause", "1s", "u"}, {"--pause", "9223372036855", "u"}, {"--max-per-host", "0x10", "u"},
		{"-o", "a", "-o", "./a", "u", "v"}, {"-C", "-o", "-", "u"},
	} {
		if _, err := parseArgs(bad, io.Discard); err == nil {
			t.Errorf("parseArgs(%q) accepted", bad)
		}
	}
	// Standard output and /dev/null may take several bodies.
	for _, ok := range [][]string{{"-o", "-", "-o", "-", "u", "v"}, {"-o", os.DevNull, "-o", os.DevNull, "u", "v"}} {
		if _, err := parseArgs(ok, io.Discard); err != nil {
			t.Errorf("parseArgs(%q): %v", ok, err)
		}
	}
}
