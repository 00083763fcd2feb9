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
