package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/anyevent-go/anyevent/httpc"
)

// options is the parsed command line.
type options struct {
	method     string // -X; "" means GET, or POST with data
	headers    []httpc.HeaderField
	data       []string // -d, joined with "&"
	binary     string   // --data-binary, "@FILE" or a literal
	hasBinary  bool
	timeout    time.Duration
	recurse    *int
	persistent *bool
	keepalive  *bool
	jarPath    string
	include    bool     // -i
	verbose    bool     // -v
	outputs    []string // -o, the i-th for the i-th URL
	resume     bool     // -C
	maxPerHost int
	compat     httpc.Compat // --compat

	dump          bool
	pause         time.Duration
	abortOnHeader bool
	abortOnBody   bool
	collectBody   bool

	urls []string
	body []byte // the request body from -d or --data-binary; nil if none
}

// listFlag collects every use of a repeatable flag.
type listFlag []string

func (f *listFlag) String() string     { return strings.Join(*f, ", ") }
func (f *listFlag) Set(s string) error { *f = append(*f, s); return nil }

// switchFlag is one of a --name / --no-name pair sharing a *bool: the last
// one given wins, and neither leaves it nil (the library's default).
type switchFlag struct {
	p  **bool
	on bool
}

func (f switchFlag) String() string   { return "" }
func (f switchFlag) IsBoolFlag() bool { return true }
func (f switchFlag) Set(s string) error {
	if s != "true" {
		return fmt.Errorf("takes no value")
	}
	*f.p = httpc.Bool(f.on)
	return nil
}

// secondsFlag is a duration given in (fractional) seconds, as curl's
// --max-time and AnyEvent's timeout.
type secondsFlag struct{ d *time.Duration }

func (f secondsFlag) String() string { return "" }
func (f secondsFlag) Set(s string) error {
	v, err := strconv.ParseFloat(s, 64)
	d := time.Duration(v * float64(time.Second))
	if err != nil || !(v > 0 && v <= 1e6) || d <= 0 {
		return errors.New("want a positive number of seconds")
	}
	*f.d = d
	return nil
}

// intPtrFlag sets a *int, so that "not given" stays nil.
type intPtrFlag struct{ p **int }

func (f intPtrFlag) String() string { return "" }
func (f intPtrFlag) Set(s string) error {
	v, err := strconv.Atoi(s)
	if err != nil {
		return errors.New("want an integer")
	}
	*f.p = httpc.Int(v)
	return nil
}

func newFlagSet(o *options, stderr io.Writer, hdrs, data *listFlag) *flag.FlagSet {
	fs := flag.NewFlagSet("aehttp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.method, "X", "", "request `METHOD` (default GET, or POST with -d)")
	fs.Var(hdrs, "H", "request header `'Name: value'`; 'Name:' suppresses a default, 'Name;' sends it empty")
	fs.Var(data, "d", "request body `STRING` (@FILE reads a file without its newlines); repeats join with &")
	fs.Func("data-binary", "request body `@FILE` or STRING, sent as is", func(s string) error {
		o.binary, o.hasBinary = s, true
		return nil
	})
	fs.Var(secondsFlag{&o.timeout}, "timeout", "inactivity timeout of each phase in `SECONDS` (default 300)")
	fs.Var(intPtrFlag{&o.recurse}, "recurse", "redirect budget `N` (default 10; 0 does not follow)")
	fs.Var(switchFlag{&o.persistent, true}, "persistent", "reuse and pool connections (default: idempotent methods)")
	fs.Var(switchFlag{&o.persistent, false}, "no-persistent", "neither reuse nor pool connections")
	fs.Var(switchFlag{&o.keepalive, true}, "keepalive", "send Connection: keep-alive on persistent requests (default)")
	fs.Var(switchFlag{&o.keepalive, false}, "no-keepalive", "send Connection: Te without keep-alive")
	fs.StringVar(&o.jarPath, "cookie-jar", "", "cookie jar `FILE.json`: loaded if present, saved after")
	fs.BoolVar(&o.include, "i", false, "print the head of every hop, as received, before the body")
	fs.BoolVar(&o.verbose, "v", false, "trace each request's phases with timings on stderr")
	fs.Var((*listFlag)(&o.outputs), "o", "write the body of the next URL to `FILE` (repeatable)")
	fs.BoolVar(&o.resume, "C", false, "resume partial -o downloads (Range, If-Unmodified-Since)")
	fs.Func("max-per-host", "connections per host `N` (default 4)", func(s string) error {
		v, err := strconv.Atoi(s) // decimal only, as the other numbers
		if err != nil {
			return errors.New("want an integer")
		}
		o.maxPerHost = v
		return nil
	})
	fs.Func("compat", "AnyEvent's exact behaviour: comma-separated `NAMES` of "+compatList()+", or all", func(v string) error {
		c, err := parseCompat(v)
		o.compat |= c
		return err
	})
	fs.BoolVar(&o.dump, "dump", false, "conformance mode: one JSON line per request, run one after the other")
	fs.Func("pause", "`MS` between --dump requests (default 50)", func(s string) error {
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 || v > 3600_000 {
			return errors.New("want milliseconds from 0 to 3600000")
		}
		o.pause = time.Duration(v) * time.Millisecond
		return nil
	})
	fs.BoolVar(&o.abortOnHeader, "abort-on-header", false, "--dump: on_header returns Abort")
	fs.BoolVar(&o.abortOnBody, "abort-on-body", false, "--dump: on_body returns Abort on its first call")
	fs.BoolVar(&o.collectBody, "collect-body", false, "--dump: take the body through on_body, add on_body_b64")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: aehttp [flags] URL...")
		fs.PrintDefaults()
	}
	return fs
}

// parseArgs parses the command line; flags may follow the URLs. Usage
// goes to stderr.
func parseArgs(args []string, stderr io.Writer) (*options, error) {
	o := &options{pause: 50 * time.Millisecond}
	var hdrs, data listFlag
	fs := newFlagSet(o, stderr, &hdrs, &data)
	if err := fs.Parse(reorder(fs, args)); err != nil {
		return nil, err
	}
	o.urls, o.data = fs.Args(), data
	if len(o.urls) == 0 {
		fs.Usage()
		return nil, errors.New("no URL given")
	}
	for _, h := range hdrs {
		f, err := parseHeader(h)
		if err != nil {
			return nil, err
		}
		o.headers = append(o.headers, f)
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	return o, nil
}

// toFiles reports whether some body goes to a file (-o other than "-").
func (o *options) toFiles() bool {
	return slices.ContainsFunc(o.outputs, func(p string) bool { return p != "-" })
}

// check rejects combinations that make no sense.
func (o *options) check() error {
	switch {
	case len(o.data) > 0 && o.hasBinary:
		return errors.New("-d and --data-binary exclude each other")
	case len(o.outputs) > len(o.urls):
		return errors.New("more -o files than URLs")
	case o.resume && len(o.outputs) == 0:
		return errors.New("-C needs -o")
	case o.resume && slices.Contains(o.outputs, "-"):
		return errors.New("-C cannot resume standard output (-o -)")
	case o.dump && (len(o.outputs) > 0 || o.include):
		return errors.New("--dump prints JSON to stdout: no -o, -C or -i")
	case !o.dump && (o.abortOnHeader || o.abortOnBody || o.collectBody):
		return errors.New("--abort-on-header, --abort-on-body and --collect-body need --dump")
	case o.maxPerHost < 0:
		return errors.New("--max-per-host must not be negative")
	}
	return checkOutputs(o.outputs)
}

// checkOutputs rejects an -o file given for two URLs: the transfers run at
// the same time and would write over each other. Standard output ("-")
// and files that are not regular (/dev/null) may repeat.
func checkOutputs(paths []string) error {
	seen := make(map[string]bool, len(paths))
	for _, p := range paths {
		if p == "-" {
			continue
		}
		key := filepath.Clean(p)
		if seen[key] {
			if st, err := os.Stat(p); err == nil && !st.Mode().IsRegular() {
				continue
			}
			return fmt.Errorf("-o %s is given for two URLs", p)
		}
		seen[key] = true
	}
	return nil
}

// loadBody reads the request body of -d or --data-binary; "@-" reads
// stdin.
func (o *options) loadBody(stdin io.Reader) error {
	if o.hasBinary {
		b, err := readArg(o.binary, stdin)
		o.body = b
		return err
	}
	if len(o.data) == 0 {
		return nil
	}
	parts := make([]string, len(o.data))
	for i, d := range o.data {
		b, err := readArg(d, stdin)
		if err != nil {
			return err
		}
		parts[i] = string(b)
		if strings.HasPrefix(d, "@") { // curl -d @FILE drops CR and LF
			parts[i] = strings.NewReplacer("\r", "", "\n", "").Replace(parts[i])
		}
	}
	o.body = []byte(strings.Join(parts, "&"))
	return nil
}

// readArg returns the contents of FILE for "@FILE", all of stdin for "@-"
// (curl; "@./-" names a file called "-"), else s itself.
func readArg(s string, stdin io.Reader) ([]byte, error) {
	name, ok := strings.CutPrefix(s, "@")
	switch {
	case !ok:
		return []byte(s), nil
	case name == "-":
		return io.ReadAll(stdin)
	}
	return os.ReadFile(name)
}

// reorder moves flags (and their values) before the URLs, so that
// "aehttp URL -i" works as with curl. "-C -" (curl's automatic offset) is
// taken as -C.
func reorder(fs *flag.FlagSet, args []string) []string {
	var flags, rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return append(append(flags, "--"), append(rest, args[i+1:]...)...)
		case !strings.HasPrefix(a, "-") || a == "-":
			rest = append(rest, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if name == "C" && i+1 < len(args) && args[i+1] == "-" {
			i++
			continue
		}
		if f := fs.Lookup(name); f != nil && !isBool(f) && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	return append(flags, rest...)
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// compatNames are the --compat names of httpc's Compat switches.
var compatNames = []struct {
	name string
	c    httpc.Compat
}{
	{"interim", httpc.CompatInterim},
	{"framing", httpc.CompatFraming},
	{"onbody", httpc.CompatOnBody},
	{"location", httpc.CompatLocation},
	{"location-no-uri", httpc.CompatLocationNoURI},
	{"credentials", httpc.CompatCredentials},
}

func compatList() string {
	names := make([]string, len(compatNames))
	for i, n := range compatNames {
		names[i] = n.name
	}
	return strings.Join(names, ", ")
}

// parseCompat reads a --compat list; "all" is every switch.
func parseCompat(v string) (httpc.Compat, error) {
	var c httpc.Compat
	for _, name := range strings.Split(v, ",") {
		name = strings.TrimSpace(name)
		found := false
		for _, n := range compatNames {
			if name == n.name || name == "all" {
				c, found = c|n.c, true
			}
		}
		if !found {
			return 0, fmt.Errorf("unknown name %q: want %s or all", name, compatList())
		}
	}
	return c, nil
}
