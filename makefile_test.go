package anyevent_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestMakeTargets checks that every command the README promises has a
// rule that does something: "make -n" must print its recipe. A target
// that only appears in .PHONY would make "make test" succeed without
// running a test, as happened once.
func TestMakeTargets(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Fatal("make is not installed: the README's commands need it")
	}
	for target, want := range map[string]string{
		"run":   "scripts/run.sh",
		"test":  "test -race",
		"bench": "scripts/bench.sh",
		"fuzz":  "scripts/fuzz.sh",
		"lint":  "staticcheck",
	} {
		out, err := exec.Command("make", "-n", target).CombinedOutput()
		if err != nil || !strings.Contains(string(out), want) {
			t.Errorf("make -n %s: %v\n%s\nwant a recipe with %q", target, err, out, want)
		}
	}
	ci, err := os.ReadFile(".ci/run")
	if err != nil || !strings.Contains(string(ci), "\nmake test\n") {
		t.Errorf(".ci/run must run make test: %v\n%s", err, ci)
	}
}

// TestNoBinariesCommitted: a program built with go build inside a
// package directory once reached a commit. No tracked file may be an
// executable (ELF) image; .gitignore names the usual outputs.
func TestNoBinariesCommitted(t *testing.T) {
	out, err := exec.Command("git", "ls-files", "-z").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		f, err := os.Open(name)
		if err != nil {
			continue // deleted in the work tree
		}
		head := make([]byte, 4)
		n, _ := f.Read(head)
		f.Close()
		if n == 4 && string(head) == "\x7fELF" {
			t.Errorf("%s is a compiled program; remove it and list it in .gitignore", name)
		}
	}
}
