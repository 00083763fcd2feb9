package cookie

import (
	"testing"

	"github.com/anyevent-go/anyevent/internal/fuzzseed"
)

// TestSeedCorpus keeps testdata/fuzz/FuzzXxx/seed-* equal to the table-test
// inputs. Run "go test ./cookie -run TestSeedCorpus -update-corpus" after
// changing a table. Files not named seed-* (past crashers) are left alone.
func TestSeedCorpus(t *testing.T) {
	var sc [][]any
	for _, s := range setCookieSeeds() {
		sc = append(sc, []any{s[0], s[1], s[2]})
	}
	var pd [][]any
	for _, tt := range dateTests {
		pd = append(pd, []any{tt.in})
	}
	var jj [][]any
	for _, s := range jarJSONSeeds(t) {
		jj = append(jj, []any{s})
	}
	fuzzseed.Sync(t, "./cookie", "FuzzJarJSON", jj)
	fuzzseed.Sync(t, "./cookie", "FuzzSetCookie", sc)
	fuzzseed.Sync(t, "./cookie", "FuzzParseDate", pd)
}
