package cookie

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
)

// anow is the loop time of the table tests ("anow" in spec Appendix C.10).
const anow = 1700000000

var now = time.Unix(anow, 0)

// str returns a pointer to s, for optional values in tables.
func str(s string) *string { return &s }

// entry is one stored cookie with its jar position, for comparing jars.
type entry struct {
	domain, path, name string
	c                  Cookie
}

func (e entry) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s %s = {value %s", e.domain, e.path, e.name, fmtOpt(e.c.Value))
	if e.c.Persistent {
		fmt.Fprintf(&b, ", _expires %v", e.c.Expires)
	}
	if e.c.HostOnly {
		b.WriteString(", hostonly")
	}
	keys := make([]string, 0, len(e.c.Attrs))
	for k := range e.c.Attrs {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, ", %s %s", k, fmtOpt(e.c.Attrs[k]))
	}
	b.WriteString("}")
	return b.String()
}

func fmtOpt(p *string) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprintf("%q", *p)
}

// entries flattens a jar into a sorted list.
func entries(j *Jar) []entry {
	var out []entry
	for d, paths := range j.Domains {
		for p, cookies := range paths {
			for n, c := range cookies {
				out = append(out, entry{d, p, n, *c})
			}
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].String() < out[b].String() })
	return out
}

// checkEntries compares a jar's contents with want.
func checkEntries(t *testing.T, j *Jar, want []entry) {
	t.Helper()
	got := entries(j)
	sort.Slice(want, func(a, b int) bool { return want[a].String() < want[b].String() })
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("jar mismatch\n got: %v\nwant: %v", got, want)
	}
}

// session returns a host-only session cookie with value v and attributes
// given as name, value pairs ("\x00" stands for an attribute without value).
func session(v *string, attrs ...string) Cookie {
	c := Cookie{Value: v, HostOnly: true}
	for i := 0; i+1 < len(attrs); i += 2 {
		if c.Attrs == nil {
			c.Attrs = make(map[string]*string)
		}
		if attrs[i+1] == "\x00" {
			c.Attrs[attrs[i]] = nil
		} else {
			c.Attrs[attrs[i]] = str(attrs[i+1])
		}
	}
	return c
}

// expiring is session with an expiry time.
func expiring(v *string, exp float64, attrs ...string) Cookie {
	c := session(v, attrs...)
	c.Persistent, c.Expires = true, exp
	return c
}

// domainCookie is session without the host-only flag.
func domainCookie(v *string, attrs ...string) Cookie {
	c := session(v, attrs...)
	c.HostOnly = false
	return c
}
