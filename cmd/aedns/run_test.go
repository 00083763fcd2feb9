package main

import (
	"bytes"
	"encoding/json"
	"net"
	"strings"
	"testing"

	"github.com/anyevent-go/anyevent/dns/dnstest"
)

var zone = []string{
	"--host-record=www.test,10.1.2.3,2001:db8::1,300",
	"--mx-host=test,mail.test,10",
	"--srv-host=_http._tcp.test,www.test,80,1,5",
	`--txt-record=txt.test,say "hi",back\slash`,
	"--txt-record=big.test," + strings.Repeat(strings.Repeat("y", 250)+",", 5) + "end",
	"--local=/in-addr.arpa/",
}

func aedns(t *testing.T, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errb bytes.Buffer
	status = run(args, &out, &errb)
	return out.String(), errb.String(), status
}

func TestText(t *testing.T) {
	srv := dnstest.Start(t, "", zone...)
	at := "@" + srv.Addr.String()
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{at, "www.test"}, []string{"status: NOERROR", "flags: qr aa rd ra;", ";www.test.\t\t\tIN\tA",
			";; ANSWER SECTION:\nwww.test.\t\t300\tIN\tA\t10.1.2.3\n", "; EDNS: version: 0, flags:; udp: 1232",
			";; SERVER: 127.0.0.1#" + srv.Addr.String()[len("127.0.0.1:"):] + "(127.0.0.1) (UDP)", ";; Query time: "}},
		{[]string{at, "www.test.", "aaaa"}, []string{"IN\tAAAA\t2001:db8::1"}},
		{[]string{at, "test", "MX"}, []string{"IN\tMX\t10 mail.test."}},
		{[]string{at, "_http._tcp.test", "SRV"}, []string{"IN\tSRV\t1 5 80 www.test."}},
		{[]string{at, "txt.test", "TXT"}, []string{`IN	TXT	"say \"hi\"" "back\\slash"`}},
		{[]string{at, "-x", "10.1.2.3"}, []string{"3.2.1.10.in-addr.arpa.\t\t300\tIN\tPTR\twww.test."}},
		{[]string{at, "--tcp", "www.test"}, []string{"(TCP)", "10.1.2.3"}},
		{[]string{at, "big.test", "TXT"}, []string{"(TCP)", `"end"`}},
		{[]string{at, "nope.test"}, []string{"status: NXDOMAIN"}},
		{[]string{at, "www.test", "TYPE99"}, []string{"status: NOERROR", "ANSWER: 0"}},
	}
	for _, tt := range tests {
		out, errs, status := aedns(t, tt.args...)
		if status != 0 {
			t.Errorf("aedns %v: status %d, stderr %q", tt.args, status, errs)
			continue
		}
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("aedns %v: output lacks %q:\n%s", tt.args, w, out)
			}
		}
	}
}

func TestJSON(t *testing.T) {
	srv := dnstest.Start(t, "", zone...)
	out, errs, status := aedns(t, "--json", "@"+srv.Addr.String(), "www.test", "A")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errs)
	}
	var r jsonReply
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("bad JSON %q: %v", out, err)
	}
	want := jsonRecord{Name: "www.test.", Type: "A", Class: "IN", TTL: 300, Data: "10.1.2.3"}
	if r.Server != srv.Addr.String() || r.Protocol != "udp" || r.Status != "NOERROR" ||
		len(r.Answer) != 1 || r.Answer[0] != want || r.EDNS == nil || r.EDNS.UDP != 1232 ||
		len(r.Question) != 1 || r.Question[0].Name != "www.test." || r.Size == 0 || r.TimeMS < 0 {
		t.Errorf("JSON reply %+v", r)
	}
}

func TestErrors(t *testing.T) {
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := c.LocalAddr().String()
	c.Close()
	tests := []struct {
		args   []string
		status int
		stderr string
	}{
		{nil, 2, "expected a name"},
		{[]string{"-h"}, 0, "usage: aedns"},
		{[]string{"a", "b", "c"}, 2, "expected a name"},
		{[]string{"x", "NOPE"}, 2, `unknown type "NOPE"`},
		{[]string{"@bad", "x"}, 2, "bad server"},
		{[]string{"-x", "notanip"}, 2, "-x needs an IP address"},
		{[]string{"--timeout", "0s", "x"}, 2, "must be positive"},
		{[]string{"@" + closed, "--tries", "1", "x.test"}, 1, "Connection refused"},
	}
	for _, tt := range tests {
		_, errs, status := aedns(t, tt.args...)
		if status != tt.status || !strings.Contains(errs, tt.stderr) {
			t.Errorf("aedns %v: status %d, stderr %q; want %d, %q", tt.args, status, errs, tt.status, tt.stderr)
		}
	}
}

func TestServerSyntax(t *testing.T) {
	for in, want := range map[string]string{
		"127.0.0.1": "127.0.0.1:53", "127.0.0.1:5353": "127.0.0.1:5353", "::1": "[::1]:53",
		"[::1]": "[::1]:53", "[::1]:5353": "[::1]:5353",
	} {
		got, err := parseServer(in)
		if err != nil || got.String() != want {
			t.Errorf("parseServer(%q) = %v, %v; want %s", in, got, err, want)
		}
	}
}
