package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/anyevent-go/anyevent/dns"
	"github.com/anyevent-go/anyevent/loop"
	"golang.org/x/net/dns/dnsmessage"
)

// options is the parsed command line.
type options struct {
	json    bool
	timeout time.Duration
	tries   int
	tcp     bool
	reverse bool
	server  netip.AddrPort // invalid means the servers of resolv.conf
	name    string
	qtype   dnsmessage.Type
}

// run is the whole program; it returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	o, err := parseArgs(args, stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return 0
	case err != nil:
		fmt.Fprintln(stderr, "aedns:", err)
		return 2
	}
	l, err := loop.New()
	if err != nil {
		fmt.Fprintln(stderr, "aedns:", err)
		return 1
	}
	defer l.Close()
	res, err := query(l, o)
	if err != nil && (res == nil || res.reply == nil) {
		fmt.Fprintln(stderr, "aedns:", err)
		return 1
	}
	if o.json {
		err = writeJSON(stdout, res)
	} else {
		err = writeText(stdout, res)
	}
	if err != nil {
		fmt.Fprintln(stderr, "aedns:", err)
		return 1
	}
	if res.err != nil {
		return 1
	}
	return 0
}

func parseArgs(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("aedns", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.json, "json", false, "print the reply as JSON")
	fs.DurationVar(&o.timeout, "timeout", 2*time.Second, "time to wait per attempt")
	fs.IntVar(&o.tries, "tries", 3, "rounds over the servers")
	fs.BoolVar(&o.tcp, "tcp", false, "query over TCP")
	fs.BoolVar(&o.reverse, "x", false, "reverse lookup of an IP address")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: aedns [flags] [@server[:port]] name [type]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(reorder(args)); err != nil {
		return nil, err
	}
	if err := o.positional(fs.Args()); err != nil {
		fs.Usage()
		return nil, err
	}
	if o.timeout <= 0 || o.tries <= 0 {
		return nil, errors.New("--timeout and --tries must be positive")
	}
	return o, nil
}

// reorder moves flags before the positional arguments, so that
// "aedns @server name A --json" works as dig users expect.
func reorder(args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			rest = append(rest, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			flags = append(flags, a)
			if (a == "--timeout" || a == "-timeout" || a == "--tries" || a == "-tries") && i+1 < len(args) {
				i++
				flags = append(flags, args[i])
			}
		default:
			rest = append(rest, a)
		}
	}
	return append(flags, rest...)
}

// positional takes [@server] name [type].
func (o *options) positional(args []string) error {
	if len(args) > 0 && strings.HasPrefix(args[0], "@") {
		ap, err := parseServer(args[0][1:])
		if err != nil {
			return err
		}
		o.server = ap
		args = args[1:]
	}
	if len(args) == 0 || len(args) > 2 {
		return errors.New("expected a name and at most a type")
	}
	o.name, o.qtype = args[0], dnsmessage.TypeA
	if o.reverse {
		ip, err := netip.ParseAddr(o.name)
		if err != nil {
			return fmt.Errorf("-x needs an IP address: %q", o.name)
		}
		o.name, o.qtype = dns.ReverseName(ip), dnsmessage.TypePTR
	}
	if len(args) == 2 {
		t, ok := parseType(args[1])
		if !ok {
			return fmt.Errorf("unknown type %q", args[1])
		}
		o.qtype = t
	}
	if !strings.HasSuffix(o.name, ".") {
		o.name += "."
	}
	return nil
}

// parseServer parses "addr", "addr:port", "[v6]:port" or a v6 address.
func parseServer(s string) (netip.AddrPort, error) {
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap, nil
	}
	ip, err := netip.ParseAddr(strings.Trim(s, "[]"))
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("bad server %q: want an IP address with an optional port", s)
	}
	return netip.AddrPortFrom(ip, dns.DefaultPort), nil
}

// parseType reads a type mnemonic or TYPEnnn (RFC 3597 §5).
func parseType(s string) (dnsmessage.Type, bool) {
	u := strings.ToUpper(s)
	for t, name := range typeNames {
		if name == u {
			return t, true
		}
	}
	if n, ok := strings.CutPrefix(u, "TYPE"); ok {
		if v, err := strconv.ParseUint(n, 10, 16); err == nil {
			return dnsmessage.Type(v), true
		}
	}
	return 0, false
}
