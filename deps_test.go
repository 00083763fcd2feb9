package anyevent_test

import (
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// The import direction of ARCHITECTURE.md, as policy: for each package of
// this module, the packages of this module it may import. loop < dns <
// socket < httpc < cmd; tls and cookie are leaves; nothing imports cmd or
// bench. A package missing from the table may import nothing of ours.
var allowedOwn = map[string][]string{
	"internal/sys":      {},
	"internal/looptest": {"loop"}, // test helpers for the packages above loop
	"loop":              {"internal/sys"},
	"tls":               {},
	"cookie":            {},
	"dns":               {"loop", "internal/sys"},
	"socket":            {"loop", "dns", "internal/sys"},
	"httpc":             {"loop", "dns", "socket", "tls", "cookie", "internal/sys"},
}

// cmdAndBench may import any library package of ours.
var cmdAndBench = []string{"cmd/", "bench"}

// allowedThirdParty lists the modules each kind of package may use. A new
// dependency needs a line here and a reason in the README's design notes.
var allowedThirdParty = map[string][]string{
	"golang.org/x/sys/":                       nil, // every package: syscalls
	"golang.org/x/net/dns/dnsmessage":         {"dns", "socket", "cmd/"},
	"golang.org/x/net/publicsuffix":           {"cookie"},
	"golang.org/x/net/idna":                   {"httpc", "cookie", "dns", "socket", "cmd/"},
	"golang.org/x/crypto/":                    {"tls"},
	"github.com/tidwall/evio":                 {"bench"},
	"github.com/HdrHistogram/hdrhistogram-go": {"cmd/aebench", "bench"},
}

// stdlibOnlyFor lists standard packages that only some of ours may import.
var restrictedStd = map[string][]string{
	"crypto/tls": {"tls", "bench"}, // everything else goes through our engine
}

type goPackage struct {
	ImportPath string
	Imports    []string
	Standard   bool
}

const module = "github.com/anyevent-go/anyevent/"

func TestImportDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p goPackage
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(p.ImportPath, module)
		for _, imp := range p.Imports {
			if reason := violation(name, imp); reason != "" {
				t.Errorf("%s imports %s: %s", name, imp, reason)
			}
		}
	}
}

func violation(pkg, imp string) string {
	if own, ok := strings.CutPrefix(imp, module); ok {
		return ownViolation(pkg, own)
	}
	if users, ok := restrictedStd[imp]; ok && !matchesAny(pkg, users) {
		return "restricted standard package"
	}
	if !strings.Contains(strings.Split(imp, "/")[0], ".") {
		return "" // standard library
	}
	for prefix, users := range allowedThirdParty {
		if strings.HasPrefix(imp, prefix) || imp == strings.TrimSuffix(prefix, "/") {
			if users == nil || matchesAny(pkg, users) {
				return ""
			}
			return "dependency not allowed for this package"
		}
	}
	return "dependency not in the allowed list"
}

func ownViolation(pkg, own string) string {
	if strings.HasPrefix(own, "cmd/") || own == "bench" || strings.HasPrefix(own, "bench/") {
		return "nothing imports cmd or bench"
	}
	if matchesAny(pkg, cmdAndBench) {
		return ""
	}
	if strings.HasPrefix(own, "internal/") && strings.HasPrefix(pkg, "internal/") {
		return ""
	}
	for _, a := range allowedOwn[rootOf(pkg)] {
		if own == a || strings.HasPrefix(own, a+"/") {
			return ""
		}
	}
	return "against the import direction loop < dns < socket < httpc < cmd"
}

// rootOf maps a package to its table entry: "httpc/internal/x" → "httpc".
func rootOf(pkg string) string {
	for name := range allowedOwn {
		if pkg == name || strings.HasPrefix(pkg, name+"/") {
			return name
		}
	}
	return pkg
}

func matchesAny(pkg string, prefixes []string) bool {
	for _, p := range prefixes {
		if pkg == p || strings.HasPrefix(pkg, p) {
			return true
		}
	}
	return false
}

func TestViolationRules(t *testing.T) {
	cases := []struct {
		pkg, imp string
		bad      bool
	}{
		{"loop", module + "dns", true},
		{"dns", module + "loop", false},
		{"httpc", module + "cmd/aehttp", true},
		{"cookie", module + "loop", true},
		{"cmd/aehttp", module + "httpc", false},
		{"loop", "golang.org/x/sys/unix", false},
		{"loop", "github.com/tidwall/evio", true},
		{"bench", "github.com/tidwall/evio", false},
		{"httpc", "crypto/tls", true},
		{"tls", "crypto/tls", false},
		{"cookie", "golang.org/x/net/publicsuffix", false},
		{"loop", "example.com/unknown", true},
	}
	for _, c := range cases {
		if got := violation(c.pkg, c.imp) != ""; got != c.bad {
			t.Errorf("%s → %s: violation %v, want %v", c.pkg, c.imp, got, c.bad)
		}
	}
}
