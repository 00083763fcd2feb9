package cookie

import "testing"

// t74Jar builds the jar of spec Appendix C.10, T74.
func t74Jar() *Jar {
	return &Jar{versioned: true, Domains: map[string]PathMap{
		"h": {
			"/": {
				"s":   {Value: str("1")},
				"e":   {Value: str("1"), Persistent: true, Expires: anow + 100},
				"old": {Value: str("1"), Persistent: true, Expires: anow - 1},
			},
			"/x": {"old2": {Value: str("1"), Persistent: true, Expires: 1}},
		},
		"gone": {"/": {"g": {Persistent: true, Expires: 5}}},
	}}
}

func TestExpireT74(t *testing.T) {
	j := t74Jar()
	j.Expire(now, false)
	checkEntries(t, j, []entry{
		{"h", "/", "e", Cookie{Value: str("1"), Persistent: true, Expires: anow + 100}},
		{"h", "/", "s", Cookie{Value: str("1")}},
	})
	if _, ok := j.Domains["h"]["/x"]; ok {
		t.Errorf("empty path /x not removed")
	}
	if _, ok := j.Domains["gone"]; ok {
		t.Errorf("empty domain not removed")
	}

	j = t74Jar()
	j.Expire(now, true)
	checkEntries(t, j, []entry{{"h", "/", "e", Cookie{Value: str("1"), Persistent: true, Expires: anow + 100}}})
}

func TestExpireBoundary(t *testing.T) {
	j := &Jar{Domains: map[string]PathMap{"h": {"/": {"a": {Persistent: true, Expires: anow}}}}}
	j.Expire(now, false)
	if len(j.Domains) != 1 {
		t.Fatalf("cookie expiring exactly now was removed")
	}
	j.Expire(now.Add(1), false)
	if len(j.Domains) != 0 {
		t.Fatalf("expired cookie kept")
	}
}
