package fuzzseed

import (
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update-corpus", false, "rewrite the seed files in testdata/fuzz from the table tests")

// Sync checks, or with -update-corpus writes, one seed file per input of
// target; each input is the argument list of one fuzz call ([]byte,
// string or another basic type). pkg names the package for the hint in
// the failure message ("./httpc").
func Sync(t *testing.T, pkg, target string, inputs [][]any) {
	t.Helper()
	dir := filepath.Join("testdata", "fuzz", target)
	want := map[string]string{}
	for _, in := range inputs {
		text := render(in)
		sum := sha256.Sum256([]byte(text))
		want["seed-"+hex.EncodeToString(sum[:8])] = text
	}
	if *update {
		write(t, dir, want)
		return
	}
	for name, content := range want {
		if got, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(got) != content {
			t.Fatalf("%s/%s missing or stale: run go test %s -run %s -update-corpus", dir, name, pkg, t.Name())
		}
	}
}

// render writes one input in the corpus file format.
func render(in []any) string {
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for _, v := range in {
		switch v := v.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", v)
		case string:
			fmt.Fprintf(&b, "string(%q)\n", v)
		default:
			fmt.Fprintf(&b, "%T(%v)\n", v, v)
		}
	}
	return b.String()
}

// write replaces the seed files of dir with want.
func write(t *testing.T, dir string, want map[string]string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, "seed-*"))
	for _, name := range old {
		if _, ok := want[filepath.Base(name)]; !ok {
			os.Remove(name)
		}
	}
	for name, content := range want {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
