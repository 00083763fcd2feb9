package dns

import (
	"encoding/hex"
	"net/netip"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

func mustName(s string) dnsmessage.Name { return dnsmessage.MustNewName(s) }

func question(name string, t dnsmessage.Type) dnsmessage.Question {
	return dnsmessage.Question{Name: mustName(name), Type: t, Class: dnsmessage.ClassINET}
}

func rrA(name string, ttl uint32, a [4]byte) dnsmessage.Resource {
	return dnsmessage.Resource{
		Header: dnsmessage.ResourceHeader{Name: mustName(name), Type: dnsmessage.TypeA, Class: dnsmessage.ClassINET, TTL: ttl},
		Body:   &dnsmessage.AResource{A: a},
	}
}

func rrCNAME(name string, ttl uint32, target string) dnsmessage.Resource {
	return dnsmessage.Resource{
		Header: dnsmessage.ResourceHeader{Name: mustName(name), Type: dnsmessage.TypeCNAME, Class: dnsmessage.ClassINET, TTL: ttl},
		Body:   &dnsmessage.CNAMEResource{CNAME: mustName(target)},
	}
}

func rrSOA(name string, ttl, minTTL uint32) dnsmessage.Resource {
	return dnsmessage.Resource{
		Header: dnsmessage.ResourceHeader{Name: mustName(name), Type: dnsmessage.TypeSOA, Class: dnsmessage.ClassINET, TTL: ttl},
		Body: &dnsmessage.SOAResource{NS: mustName("ns." + name), MBox: mustName("h." + name),
			Serial: 1, Refresh: 2, Retry: 3, Expire: 4, MinTTL: minTTL},
	}
}

// packReply packs a reply with the given header bits to question q.
func packReply(t testing.TB, h dnsmessage.Header, q dnsmessage.Question, answers, authority []dnsmessage.Resource) []byte {
	t.Helper()
	h.Response = true
	m := dnsmessage.Message{Header: h, Questions: []dnsmessage.Question{q}, Answers: answers, Authorities: authority}
	b, err := m.Pack()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Appendix C T77.
func TestBuildQuery(t *testing.T) {
	got, err := buildQuery(nil, 0x1234, question("www.Example.com.", dnsmessage.TypeA), 0)
	if err != nil {
		t.Fatal(err)
	}
	want := "123401000001000000000000" + "03777777074578616d706c6503636f6d00" + "00010001"
	if h := hex.EncodeToString(got[2:]); h != want {
		t.Errorf("query\n got %s\nwant %s", h, want)
	}
	if n := int(got[0])<<8 | int(got[1]); n != len(got)-2 {
		t.Errorf("length prefix %d, want %d", n, len(got)-2)
	}
	got, err = buildQuery(nil, 0x1234, question("x.", dnsmessage.TypeAAAA), 4096)
	if err != nil {
		t.Fatal(err)
	}
	h := hex.EncodeToString(got[2:])
	if h[20:24] != "0001" || h[len(h)-22:] != "0000291000000000000000" {
		t.Errorf("EDNS0 query %s: want arcount 1 and a trailing OPT record", h)
	}
}

func TestCheckReply(t *testing.T) {
	q := question("www.test.", dnsmessage.TypeA)
	const id = 0x4242
	ok := dnsmessage.Header{ID: id, RCode: dnsmessage.RCodeSuccess}
	answer := []dnsmessage.Resource{rrA("www.test.", 60, [4]byte{10, 0, 0, 1})}
	notResponse, _ := (&dnsmessage.Message{Header: ok, Questions: []dnsmessage.Question{q}}).Pack()
	twoQuestions, _ := (&dnsmessage.Message{Header: dnsmessage.Header{ID: id, Response: true},
		Questions: []dnsmessage.Question{q, q}}).Pack()
	valid := packReply(t, ok, q, answer, nil)
	tests := []struct {
		name string
		in   []byte
		tcp  bool
		want verdict
	}{
		{"valid", valid, false, replyOK},
		{"name case differs", packReply(t, ok, question("WWW.Test.", dnsmessage.TypeA), answer, nil), false, replyOK},
		{"nxdomain", packReply(t, dnsmessage.Header{ID: id, RCode: dnsmessage.RCodeNameError}, q, nil, nil), false, replyOK},
		{"wrong id", packReply(t, dnsmessage.Header{ID: id + 1}, q, answer, nil), false, replyIgnore},
		{"not a response", notResponse, false, replyIgnore},
		{"wrong name", packReply(t, ok, question("evil.test.", dnsmessage.TypeA), answer, nil), false, replyIgnore},
		{"wrong type", packReply(t, ok, question("www.test.", dnsmessage.TypeAAAA), answer, nil), false, replyIgnore},
		{"wrong class", packReply(t, ok, dnsmessage.Question{Name: q.Name, Type: q.Type, Class: dnsmessage.ClassCHAOS}, answer, nil), false, replyIgnore},
		{"two questions", twoQuestions, false, replyIgnore},
		{"opcode", packReply(t, dnsmessage.Header{ID: id, OpCode: 2}, q, answer, nil), false, replyIgnore},
		{"truncated", packReply(t, dnsmessage.Header{ID: id, Truncated: true}, q, nil, nil), false, replyTruncated},
		{"truncated over tcp", packReply(t, dnsmessage.Header{ID: id, Truncated: true}, q, answer, nil), true, replyOK},
		{"servfail", packReply(t, dnsmessage.Header{ID: id, RCode: dnsmessage.RCodeServerFailure}, q, nil, nil), false, replyFailed},
		{"refused", packReply(t, dnsmessage.Header{ID: id, RCode: dnsmessage.RCodeRefused}, q, nil, nil), false, replyFailed},
		{"cut short", valid[:len(valid)-3], false, replyIgnore},
		{"header only", valid[:12], false, replyIgnore},
		{"empty", nil, false, replyIgnore},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in[:len(tt.in):len(tt.in)]
			got, msg := checkReply(in, id, &q, tt.tcp, true)
			if light, _ := checkReply(in, id, &q, tt.tcp, false); light != got {
				t.Errorf("light parse verdict %d, full %d", light, got)
			}
			if got != tt.want {
				t.Fatalf("verdict %d, want %d", got, tt.want)
			}
			if (msg == nil) != (got == replyIgnore) {
				t.Errorf("msg %v with verdict %d", msg, got)
			}
		})
	}
}

// responseSeeds are replies to www.test./A with ID 0x4242 covering each
// branch of the response path.
func responseSeeds(t testing.TB) [][]byte {
	q := question("www.test.", dnsmessage.TypeA)
	h := dnsmessage.Header{ID: 0x4242}
	chain := []dnsmessage.Resource{rrCNAME("www.test.", 30, "a.test."), rrCNAME("a.test.", 30, "b.test."), rrA("b.test.", 60, [4]byte{1, 2, 3, 4})}
	loop := []dnsmessage.Resource{rrCNAME("www.test.", 30, "a.test."), rrCNAME("a.test.", 30, "www.test.")}
	return [][]byte{
		packReply(t, h, q, []dnsmessage.Resource{rrA("www.test.", 60, [4]byte{10, 0, 0, 1})}, nil),
		packReply(t, h, q, chain, nil),
		packReply(t, h, q, loop, nil),
		packReply(t, dnsmessage.Header{ID: 0x4242, RCode: dnsmessage.RCodeNameError}, q, nil, []dnsmessage.Resource{rrSOA("test.", 300, 60)}),
		packReply(t, dnsmessage.Header{ID: 0x4242, Truncated: true}, q, nil, nil),
		packReply(t, dnsmessage.Header{ID: 0x4242, RCode: dnsmessage.RCodeServerFailure}, q, nil, nil),
		// A compression pointer pointing at itself.
		{0x42, 0x42, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0, 3, 'w', 'w', 'w', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1, 0xc0, 29, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4},
	}
}

// FuzzResponse feeds arbitrary packets to the response path: checking,
// parsing, CNAME following and caching must never panic or loop. The
// fuzzer's bytes are tried as they are and with the ID patched to match,
// so that mutations reach past the ID check.
func FuzzResponse(f *testing.F) {
	for _, s := range responseSeeds(f) {
		f.Add(s)
	}
	q := question("www.test.", dnsmessage.TypeA)
	now := time.Unix(1_700_000_000, 0)
	f.Fuzz(func(t *testing.T, data []byte) {
		c := newCache(4)
		for _, id := range []uint16{0x4242, 0} {
			in := append([]byte(nil), data...)
			if id != 0 && len(in) >= 2 {
				in[0], in[1] = byte(id>>8), byte(id)
			}
			for i, tcp := range []bool{false, true, false} {
				v, msg := checkReply(in[:len(in):len(in)], 0x4242, &q, tcp, i == 2)
				if v == replyIgnore {
					continue
				}
				_ = rcode(msg)
				_ = hasOPT(msg)
				hops := 0
				follow(msg.Answers, "www.test.", []dnsmessage.Type{dnsmessage.TypeA}, dnsmessage.ClassINET, &hops)
				if hops > MaxCNAMEHops {
					t.Fatalf("followed %d CNAMEs", hops)
				}
				if ttl := ttlOf(msg); ttl < 0 || ttl > maxCacheTTL {
					t.Fatalf("ttl %v out of bounds", ttl)
				}
				k := cacheKey{"www.test.", dnsmessage.TypeA, dnsmessage.ClassINET}
				c.put(k, msg, netip.AddrPort{}, now)
				if e := c.get(k, now); e != nil {
					e.records(now.Add(time.Second))
				}
			}
		}
	})
}
