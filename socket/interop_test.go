//go:build interop

package socket

// Differential test against the real AnyEvent::Socket (Debian package
// libanyevent-perl): the address helpers must answer every input as the
// Perl module does. Run with: go test -tags interop -run Perl ./socket/

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"math/rand/v2"
	"net/netip"
	"os/exec"
	"strings"
	"testing"
)

// perlOracle reads lines "func hexarg1 hexarg2" and prints one answer per
// line: "-" for an empty result, else hex-encoded fields.
const perlOracle = `
use strict; use AnyEvent::Socket;
$| = 1;
while (my $line = <STDIN>) {
	chomp $line;
	my ($fn, @a) = split / /, $line, -1;
	@a = map { pack "H*", $_ } @a;
	my @r;
	# AnyEvent dies on some inputs (common::sense makes the warning
	# "Hexadecimal number > 0xffffffff" fatal); count that as no result.
	eval {
	if ($fn eq "hostport") {
		@r = parse_hostport($a[0], length $a[1] ? $a[1] : undef);
	} elsif ($fn eq "address") {
		my $ip = parse_address($a[0]);
		@r = defined $ip && length $ip != 2 ? ($ip, format_address($ip)) : ();
	} elsif ($fn eq "ipv6") {
		my $ip = AnyEvent::Socket::parse_ipv6($a[0]);
		@r = defined $ip ? (AnyEvent::Socket::format_ipv6($ip)) : ();
	}
	1 } or @r = ();
	print @r ? join(" ", map { unpack "H*", $_ } @r) : "-", "\n";
}
`

type oracle struct {
	cmd *exec.Cmd
	in  *bufio.Writer
	out *bufio.Scanner
}

func startOracle(t *testing.T) *oracle {
	if err := exec.Command("perl", "-MAnyEvent::Socket", "-e", "1").Run(); err != nil {
		t.Skip("perl with AnyEvent::Socket is not installed (apt-get install libanyevent-perl)")
	}
	cmd := exec.Command("perl", "-e", perlOracle)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); cmd.Wait() })
	o := &oracle{cmd: cmd, in: bufio.NewWriter(stdin), out: bufio.NewScanner(stdout)}
	o.out.Buffer(nil, 1<<20)
	return o
}

// ask returns the oracle's fields for fn(args), nil for an empty result.
func (o *oracle) ask(t *testing.T, fn string, args ...string) []string {
	line := fn
	for _, a := range args {
		line += " " + hex.EncodeToString([]byte(a))
	}
	o.in.WriteString(line + "\n")
	o.in.Flush()
	if !o.out.Scan() {
		t.Fatalf("oracle died at %q: %v", line, o.out.Err())
	}
	if o.out.Text() == "-" {
		return nil
	}
	var fields []string
	for _, f := range strings.Split(o.out.Text(), " ") {
		b, _ := hex.DecodeString(f)
		fields = append(fields, string(b))
	}
	return fields
}

// inputs returns the table inputs and random texts over the characters
// the parsers care about. Newlines are left out: Perl's "$" accepts one
// before the end, a quirk not reproduced.
func inputs(tables []string, n int) []string {
	const alphabet = "0123456789abcdefABCDEFxX:.[]#/% \tgh="
	rng := rand.New(rand.NewPCG(1, 2))
	out := append([]string(nil), tables...)
	for range n {
		b := make([]byte, rng.IntN(24))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		out = append(out, string(b))
	}
	return out
}

func TestPerlParseHostPort(t *testing.T) {
	o := startOracle(t)
	var tables []string
	for _, tt := range parseHostPortTests {
		tables = append(tables, tt.in)
	}
	for _, s := range inputs(tables, 20000) {
		for _, def := range []string{"", "80"} {
			want := o.ask(t, "hostport", s, def)
			host, service, ok := ParseHostPort(s, def)
			if ok != (want != nil) || (ok && (want[0] != host || want[1] != service)) {
				t.Errorf("ParseHostPort(%q, %q) = %q, %q, %v; Perl says %q", s, def, host, service, ok, want)
			}
		}
	}
}

func TestPerlParseAddress(t *testing.T) {
	o := startOracle(t)
	var tables []string
	for _, tt := range parseAddressTests {
		tables = append(tables, tt.in)
	}
	for _, tt := range parseIPv4Tests {
		tables = append(tables, tt.in)
	}
	for _, s := range inputs(tables, 20000) {
		want := o.ask(t, "address", s)
		ip, ok := ParseAddress(s)
		if ok != (want != nil) {
			t.Errorf("ParseAddress(%q) = %v, %v; Perl says %q", s, ip, ok, want)
			continue
		}
		if !ok {
			continue
		}
		wantIP := []byte(want[0])
		if !bytes.Equal(ip.AsSlice(), wantIP) || FormatAddress(ip) != want[1] {
			t.Errorf("ParseAddress(%q) = %v formatted %q; Perl says %x formatted %q", s, ip, FormatAddress(ip), wantIP, want[1])
		}
	}
}

func TestPerlFormatIPv6(t *testing.T) {
	o := startOracle(t)
	rng := rand.New(rand.NewPCG(3, 4))
	var texts []string
	for _, tt := range formatIPv6Tests {
		texts = append(texts, netip.MustParseAddr(tt.in).String())
	}
	for range 20000 {
		var b [16]byte
		for i := range b {
			if rng.IntN(3) == 0 { // many zero groups
				b[i] = byte(rng.Uint32())
			}
		}
		texts = append(texts, netip.AddrFrom16(b).String())
	}
	for _, s := range texts {
		want := o.ask(t, "ipv6", s)
		ip := netip.MustParseAddr(s)
		if want == nil || FormatIPv6(ip) != want[0] {
			t.Errorf("FormatIPv6(%s) = %q; Perl says %q", s, FormatIPv6(ip), want)
		}
	}
}
