package cookie

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

var updateCorpus = flag.Bool("update-corpus", false, "rewrite the seed files in testdata/fuzz from the table tests")

// TestSeedCorpus keeps testdata/fuzz/FuzzXxx/seed-* equal to the table-test
// inputs. Run "go test ./cookie -run TestSeedCorpus -update-corpus" after
// changing a table. Files not named seed-* (past crashers) are left alone.
func TestSeedCorpus(t *testing.T) {
	var sc [][]string
	for _, s := range setCookieSeeds() {
		sc = append(sc, s[:])
	}
	var pd [][]string
	for _, tt := range dateTests {
		pd = append(pd, []string{tt.in})
	}
	var jj [][]string
	for _, s := range jarJSONSeeds(t) {
		jj = append(jj, []string{s})
	}
	syncCorpus(t, "FuzzJarJSON", jj)
	syncCorpus(t, "FuzzSetCookie", sc)
	syncCorpus(t, "FuzzParseDate", pd)
}

// syncCorpus checks, or with -update-corpus writes, one seed file per input.
func syncCorpus(t *testing.T, target string, inputs [][]string) {
	dir := filepath.Join("testdata", "fuzz", target)
	want := map[string]string{}
	for _, in := range inputs {
		var b strings.Builder
		b.WriteString("go test fuzz v1\n")
		for _, v := range in {
			fmt.Fprintf(&b, "string(%q)\n", v)
		}
		sum := sha256.Sum256([]byte(b.String()))
		want["seed-"+hex.EncodeToString(sum[:8])] = b.String()
	}
	if *updateCorpus {
		writeCorpus(t, dir, want)
		return
	}
	for name, content := range want {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(got) != content {
			t.Fatalf("%s/%s missing or stale: run go test ./cookie -run TestSeedCorpus -update-corpus", dir, name)
		}
	}
}

// writeCorpus replaces the seed files of dir with want.
func writeCorpus(t *testing.T, dir string, want map[string]string) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(dir, "seed-*"))
	for _, f := range old {
		if _, ok := want[filepath.Base(f)]; !ok {
			os.Remove(f)
		}
	}
	for name, content := range want {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
