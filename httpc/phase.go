package httpc

// Theory of operation: a conn is one TCP connection stepped through the
// phases of one request at a time (STYLE B8, AnyEvent::HTTP's stages).
//
// Rules:
//  1. c.phase is written in exactly one place, [conn.enter], which checks
//     the transition against legalNext and resets the inactivity timeout:
//     AnyEvent's timeout is per stage and reset by I/O (spec §5.8), so a
//     new phase starts a fresh period.
//  2. Every phase is one method; the handle callbacks (onRead, onEOF,
//     onError, onTimeout) are small switches over c.phase.
//  3. The phase at the moment of a failure decides the 59x class
//     ([Error.Status]): resolve, connect and proxy give 595; TLS, write and
//     header give 596; body gives 597.
//  4. A connection taken from the pool enters at PhaseWrite; a finished
//     one rests in PhaseDone while pooled (c.call == nil), with an OnRead
//     that drops it on any byte or end-of-file.
//  5. After every user callback the conn re-checks that it still belongs
//     to the same call (STYLE B6.6): callbacks may cancel.
//
// Transitions (legalNext):
//
//	Resolve → Connect | Done
//	Connect → Connect (next address) | Proxy | TLS | Write | Done
//	Proxy   → TLS | Write | Done
//	TLS     → Write | Done
//	Write   → Header | Done
//	Header  → Header (100 Continue skipped) | Body | Done
//	Body    → Done
//	Done    → Write (reuse from the pool)

//go:generate stringer -type=Phase -trimprefix=Phase

// Phase is the stage a request's connection is in (STYLE B2.5). It is the
// "where" of an [Error] and decides its AnyEvent status class.
type Phase uint8

// The phases, in the order a request passes them.
const (
	PhaseResolve Phase = iota // looking up the host name
	PhaseConnect              // TCP connect, address by address
	PhaseProxy                // CONNECT tunnel through a proxy (not yet)
	PhaseTLS                  // TLS handshake (not yet)
	PhaseWrite                // writing the request
	PhaseHeader               // reading the status line and headers
	PhaseBody                 // reading the body
	PhaseDone                 // finished; the conn is pooled or closed
)

// legalNext[p] has bit q set when p → q is a legal transition.
var legalNext = [...]uint16{
	PhaseResolve: phaseSet(PhaseConnect, PhaseDone),
	PhaseConnect: phaseSet(PhaseConnect, PhaseProxy, PhaseTLS, PhaseWrite, PhaseDone),
	PhaseProxy:   phaseSet(PhaseTLS, PhaseWrite, PhaseDone),
	PhaseTLS:     phaseSet(PhaseWrite, PhaseDone),
	PhaseWrite:   phaseSet(PhaseHeader, PhaseDone),
	PhaseHeader:  phaseSet(PhaseHeader, PhaseBody, PhaseDone),
	PhaseBody:    phaseSet(PhaseDone),
	PhaseDone:    phaseSet(PhaseWrite),
}

func phaseSet(ps ...Phase) uint16 {
	var b uint16
	for _, p := range ps {
		b |= 1 << p
	}
	return b
}

// legal reports whether from → to is in the transition table.
func legal(from, to Phase) bool {
	return int(from) < len(legalNext) && legalNext[from]&(1<<to) != 0
}

// status is the AnyEvent class of an I/O failure in phase p (spec §12.1).
func (p Phase) status() int {
	switch p {
	case PhaseResolve, PhaseConnect, PhaseProxy:
		return 595
	case PhaseTLS, PhaseWrite, PhaseHeader:
		return 596
	case PhaseBody:
		return 597
	}
	return 599
}
