package httpc

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestPhaseTransitions enumerates the whole transition table (STYLE B8).
func TestPhaseTransitions(t *testing.T) {
	allowed := map[Phase][]Phase{
		PhaseResolve: {PhaseConnect, PhaseDone},
		PhaseConnect: {PhaseConnect, PhaseProxy, PhaseTLS, PhaseWrite, PhaseDone},
		PhaseProxy:   {PhaseTLS, PhaseWrite, PhaseDone},
		PhaseTLS:     {PhaseWrite, PhaseDone},
		PhaseWrite:   {PhaseHeader, PhaseDone},
		PhaseHeader:  {PhaseHeader, PhaseBody, PhaseDone},
		PhaseBody:    {PhaseDone},
		PhaseDone:    {PhaseWrite},
	}
	for from := PhaseResolve; from <= PhaseDone; from++ {
		want := map[Phase]bool{}
		for _, to := range allowed[from] {
			want[to] = true
		}
		for to := PhaseResolve; to <= PhaseDone; to++ {
			if got := legal(from, to); got != want[to] {
				t.Errorf("%v → %v: legal %v, want %v", from, to, got, want[to])
			}
		}
	}
	if legal(PhaseDone+1, PhaseWrite) {
		t.Error("out-of-range phase is legal")
	}
}

func TestPhaseStatus(t *testing.T) {
	want := map[Phase]int{PhaseResolve: 595, PhaseConnect: 595, PhaseProxy: 595, PhaseTLS: 596,
		PhaseWrite: 596, PhaseHeader: 596, PhaseBody: 597, PhaseDone: 599}
	for p, s := range want {
		if p.status() != s {
			t.Errorf("%v: %d, want %d", p, p.status(), s)
		}
		if p.String() == "" {
			t.Errorf("%d: no name", p)
		}
	}
	if Phase(42).String() != "Phase(42)" {
		t.Error(Phase(42).String())
	}
}

// TestEnterRejectsIllegal checks that an illegal transition fails the
// request instead of changing the phase.
func TestEnterRejectsIllegal(t *testing.T) {
	l, cl := newClient(t)
	var got *Response
	call := &Call{cl: cl, u: urlParts{Raw: "http://x/"}, cb: func(_ []byte, r *Response) { got = r }, state: callActive}
	c := &conn{cl: cl, call: call, phase: PhaseBody}
	call.c = c
	if c.enter(PhaseWrite) {
		t.Fatal("Body → Write accepted")
	}
	if c.phase != PhaseBody || got == nil || got.Status != 599 {
		t.Errorf("phase %v resp %+v", c.phase, got)
	}
	_ = l
}

// TestPhaseSequences records the transitions of a fresh connection, a
// pooled one, a 100 Continue and a refused connect.
func TestPhaseSequences(t *testing.T) {
	l, cl := newClient(t)
	var seq []string
	cl.trace = func(from, to Phase) { seq = append(seq, from.String()+">"+to.String()) }
	s := startServer(t, answer("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
	check := func(name string, want ...string) {
		t.Helper()
		if got := strings.Join(seq, " "); got != strings.Join(want, " ") {
			t.Errorf("%s: %s", name, got)
		}
		seq = nil
	}
	do(t, l, cl, "GET", s.URL("/"), nil)
	check("fresh", "Resolve>Connect", "Connect>Write", "Write>Header", "Header>Header", "Header>Body", "Body>Done")
	do(t, l, cl, "GET", s.URL("/"), nil)
	check("pooled", "Done>Write", "Write>Header", "Header>Header", "Header>Body", "Body>Done")
	do(t, l, cl, "GET", "http://127.0.0.1:"+strconv.Itoa(freePort(t))+"/", nil)
	check("refused", "Resolve>Connect")
}

// TestOnPhase checks the per-request observer: every phase in order with
// non-decreasing times, and a cancel from inside it ends the request
// without a callback and without an open connection.
func TestOnPhase(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"))
	var seq []string
	var last time.Time
	opts := &Options{OnPhase: func(p Phase, at time.Time) {
		if at.Before(last) {
			t.Errorf("%v at %v before %v", p, at, last)
		}
		last = at
		seq = append(seq, p.String())
	}}
	do(t, l, cl, "GET", s.URL("/"), opts)
	runFor(t, l, 20*time.Millisecond) // PhaseDone may come after the callback
	if got := strings.Join(seq, " "); got != "Resolve Connect Write Header Body Done" {
		t.Errorf("fresh: %s", got)
	}
	seq = nil
	do(t, l, cl, "GET", s.URL("/"), opts)
	runFor(t, l, 20*time.Millisecond)
	if got := strings.Join(seq, " "); got != "Write Header Body Done" {
		t.Errorf("pooled: %s", got)
	}

	cl.CloseIdle()
	var call *Call
	called := false
	cancelAt := &Options{OnPhase: func(p Phase, _ time.Time) {
		if p == PhaseWrite {
			call.Cancel()
		}
	}}
	call = cl.Get(s.URL("/"), cancelAt, func([]byte, *Response) { called = true })
	runFor(t, l, 100*time.Millisecond)
	if called || cl.Active() != 0 || cl.Idle() != 0 {
		t.Errorf("cancel in OnPhase: called %v active %d idle %d", called, cl.Active(), cl.Idle())
	}
}

// TestOnRequestHead checks that the hook sees each hop's head exactly as
// the server received it, without the body, between PhaseWrite and
// PhaseHeader (a POST is not persistent: the 307 hop connects again).
func TestOnRequestHead(t *testing.T) {
	l, cl := newClient(t)
	s := startServer(t, answerBy(func(req string) string {
		if strings.HasPrefix(req, "POST /old ") {
			return "HTTP/1.1 307 Again\r\nLocation: /new\r\nContent-Length: 0\r\n\r\n"
		}
		return "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
	}))
	var heads []string
	var seq []string
	opts := &Options{
		Body:          []byte("BODY"),
		Headers:       []HeaderField{{Name: "X-Mine", Value: "1"}},
		OnPhase:       func(p Phase, _ time.Time) { seq = append(seq, p.String()) },
		OnRequestHead: func(head []byte) { heads = append(heads, string(head)); seq = append(seq, "Head") },
	}
	res := do(t, l, cl, "POST", s.URL("/old"), opts)
	runFor(t, l, 20*time.Millisecond)
	checkStatus(t, res, 200, "OK")
	reqs := s.Requests()
	if len(heads) != 2 || len(reqs) != 2 {
		t.Fatalf("%d heads, %d requests", len(heads), len(reqs))
	}
	for i, head := range heads {
		if !strings.HasSuffix(head, "\r\n\r\n") || reqs[i] != head+"BODY" {
			t.Errorf("hop %d: head %q, server got %q", i, head, reqs[i])
		}
	}
	if got := strings.Join(seq, " "); got != "Resolve Connect Write Head Header Done Resolve Connect Write Head Header Body Done" {
		t.Errorf("order: %s", got)
	}
}
