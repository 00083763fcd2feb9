#!/usr/bin/env bash
# Runs every fuzz target of the module for the given time each (default 30s).
# New crashers land in testdata/fuzz/<Target>/ and become regression tests.
#
# Go 1.26's fuzz coordinator can fail a run with a bare "context deadline
# exceeded" right at the -fuzztime boundary, without any failing input
# (go.dev/issue/75804, fixed in Go 1.27). Such a run is reported as a flake
# and the target is run once more; a failure that writes an input, or that
# says anything else, fails the script.
set -eu -o pipefail
fuzztime=${1:-30s}
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# fuzz_one PKG DIR TARGET: 0 pass, 1 real failure, 2 coordinator flake.
fuzz_one() {
	local before after
	before=$(ls "$2/testdata/fuzz/$3" 2>/dev/null | wc -l)
	if go test -run '^$' -fuzz "^$3\$" -fuzztime "$fuzztime" "$1" 2>&1 | tee "$log"; then
		return 0
	fi
	after=$(ls "$2/testdata/fuzz/$3" 2>/dev/null | wc -l)
	if [ "$after" = "$before" ] && grep -q '^    context deadline exceeded$' "$log" &&
		[ "$(grep -c '^    ' "$log")" = 1 ]; then
		return 2
	fi
	return 1
}

for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for target in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //'); do
		echo "== $pkg $target ($fuzztime)"
		rc=0
		fuzz_one "$pkg" "$dir" "$target" || rc=$?
		if [ "$rc" = 2 ]; then
			echo "== $target: the coordinator's deadline flake (go.dev/issue/75804); running it again"
			rc=0
			fuzz_one "$pkg" "$dir" "$target" || rc=$?
		fi
		if [ "$rc" != 0 ]; then
			echo "fuzz: $pkg $target failed" >&2
			exit 1
		fi
	done
done
