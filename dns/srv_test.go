package dns

import (
	"math/rand/v2"
	"testing"
)

func TestOrderSRVPriority(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 100 {
		srv := []SRV{{Target: "c.", Priority: 20, Weight: 5}, {Target: "a.", Priority: 10}, {Target: "b.", Priority: 10, Weight: 50}, {Target: "d.", Priority: 30}}
		orderSRV(srv, rng)
		if srv[2].Target != "c." || srv[3].Target != "d." {
			t.Fatalf("priority order broken: %v", srv)
		}
		if srv[0].Priority != 10 || srv[1].Priority != 10 {
			t.Fatalf("priority 10 not first: %v", srv)
		}
	}
}

// Within a priority, a record comes first with a probability proportional
// to its weight (RFC 2782); a zero-weight record comes first only when the
// draw is exactly 0.
func TestOrderSRVWeights(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	first := map[string]int{}
	const rounds = 20000
	for range rounds {
		srv := []SRV{{Target: "heavy.", Weight: 60}, {Target: "zero.", Weight: 0}, {Target: "light.", Weight: 20}}
		orderSRV(srv, rng)
		first[srv[0].Target]++
	}
	heavy := float64(first["heavy."]) / rounds
	light := float64(first["light."]) / rounds
	zero := float64(first["zero."]) / rounds
	if heavy < 0.70 || heavy > 0.80 || light < 0.20 || light > 0.30 || zero > 0.03 {
		t.Errorf("first-place shares heavy %.3f light %.3f zero %.3f; want about 0.75, 0.25, 0.01", heavy, light, zero)
	}
}
