package dns

import (
	"errors"

	"golang.org/x/net/dns/dnsmessage"
)

// MaxPacket is the largest UDP reply read; longer datagrams are cut and
// then fail to parse. It is far above the payload size advertised
// ([DefaultUDPSize]), so only a misbehaving server reaches it.
const MaxPacket = 4096

// verdict is what the response path decided about one packet.
type verdict uint8

const (
	// replyIgnore: not an acceptable reply to this query (unparsable,
	// wrong ID, not a response, other question): drop it and keep waiting,
	// as a forged packet must not end the query (RFC 5452 §9.1).
	replyIgnore verdict = iota
	// replyTruncated: TC is set; ask the same server over TCP.
	replyTruncated
	// replyFailed: the server could not answer (SERVFAIL, REFUSED,
	// FORMERR, NOTIMP, …): try the next server.
	replyFailed
	// replyOK: a final answer, NOERROR or NXDOMAIN.
	replyOK
)

// buildQuery appends to dst a 2-byte length prefix (RFC 1035 §4.2.2, used
// over TCP; UDP sends what follows it) and a recursive query for q with the
// given ID. With udpSize above 512 an EDNS0 OPT record advertises it
// (RFC 6891 §6.1).
func buildQuery(dst []byte, id uint16, q dnsmessage.Question, udpSize int) ([]byte, error) {
	start := len(dst)
	// No compression: one question has nothing to share, and the map
	// it needs would cost allocations on every query.
	b := dnsmessage.NewBuilder(append(dst, 0, 0), dnsmessage.Header{ID: id, RecursionDesired: true})
	if err := b.StartQuestions(); err != nil {
		return dst, err
	}
	if err := b.Question(q); err != nil {
		return dst, err
	}
	if udpSize > 512 {
		if err := b.StartAdditionals(); err != nil {
			return dst, err
		}
		var h dnsmessage.ResourceHeader
		h.SetEDNS0(udpSize, dnsmessage.RCodeSuccess, false)
		if err := b.OPTResource(h, dnsmessage.OPTResource{}); err != nil {
			return dst, err
		}
	}
	out, err := b.Finish()
	if err != nil {
		return dst, err
	}
	return setLength(out, start)
}

// packQuery appends a length prefix and msg, packed, to dst.
func packQuery(dst []byte, msg *dnsmessage.Message) ([]byte, error) {
	start := len(dst)
	out, err := msg.AppendPack(append(dst, 0, 0))
	if err != nil {
		return dst, err
	}
	return setLength(out, start)
}

var errTooLong = errors.New("dns: message longer than 65535 bytes")

func setLength(out []byte, start int) ([]byte, error) {
	n := len(out) - start - 2
	if n > 0xffff {
		return out[:start], errTooLong
	}
	out[start], out[start+1] = byte(n>>8), byte(n)
	return out, nil
}

// checkReply is the response path: it decides whether buf is the reply to
// the query with this id and question, and parses it. The header and
// question are checked before anything else is parsed (RFC 5452 §9.1:
// ID, question name, type and class must all match; the name compares
// case-insensitively). A truncated reply is not parsed beyond its question
// unless tcp is set. msg is nil for replyIgnore, and for replyTruncated it
// holds only the header and question. Unless full is set, the additional
// section keeps only its OPT record, with an empty body: lookups need no
// more, and skipping the rest saves an allocation per record.
func checkReply(buf []byte, id uint16, q *dnsmessage.Question, tcp, full bool) (verdict, *dnsmessage.Message) {
	v, rep := parseReply(buf, id, q, tcp, full)
	if rep == nil {
		return v, nil
	}
	return v, rep.Msg
}

// replyAlloc is a Reply with its message and question, allocated together.
type replyAlloc struct {
	rep Reply
	msg dnsmessage.Message
	q   [1]dnsmessage.Question
	ans [1]dnsmessage.Resource // backs msg.Answers while it fits
	opt [1]dnsmessage.Resource // backs msg.Additionals in a light parse
}

// emptyOPT is the body of the OPT records a light parse keeps: never
// modified, so every message may share it.
var emptyOPT = &dnsmessage.OPTResource{}

// parseReply is checkReply returning the message inside a Reply whose
// other fields the caller fills in: one allocation for the three, and for
// the first answer record.
func parseReply(buf []byte, id uint16, q *dnsmessage.Question, tcp, full bool) (verdict, *Reply) {
	var p dnsmessage.Parser
	h, err := p.Start(buf)
	if err != nil || h.ID != id || !h.Response || h.OpCode != 0 {
		return replyIgnore, nil
	}
	got, err := p.Question()
	if err != nil || got.Type != q.Type || got.Class != q.Class || !sameName(&got.Name, &q.Name) {
		return replyIgnore, nil
	}
	if _, err := p.Question(); err != dnsmessage.ErrSectionDone {
		return replyIgnore, nil
	}
	a := &replyAlloc{}
	a.q[0] = got
	a.msg = dnsmessage.Message{Header: h, Questions: a.q[:], Answers: a.ans[:0], Additionals: a.opt[:0]}
	a.rep.Msg = &a.msg
	if h.Truncated && !tcp {
		return replyTruncated, &a.rep
	}
	if n := int(buf[6])<<8 | int(buf[7]); n > len(a.ans) {
		// ANCOUNT (RFC 1035 §4.1.1; p.Start checked the 12-byte header):
		// room for all at once, capped as AllAnswers caps it.
		a.msg.Answers = make([]dnsmessage.Resource, 0, min(n, 20))
	}
	if !parseSections(&p, &a.msg, full) {
		return replyIgnore, nil
	}
	switch rcode(&a.msg) {
	case dnsmessage.RCodeSuccess, dnsmessage.RCodeNameError:
		return replyOK, &a.rep
	}
	return replyFailed, &a.rep
}

func parseSections(p *dnsmessage.Parser, msg *dnsmessage.Message, full bool) bool {
	for {
		rr, err := p.Answer()
		if err == dnsmessage.ErrSectionDone {
			break
		}
		if err != nil {
			return false
		}
		msg.Answers = append(msg.Answers, rr)
	}
	var err error
	if msg.Authorities, err = p.AllAuthorities(); err != nil {
		return false
	}
	if full {
		msg.Additionals, err = p.AllAdditionals()
		return err == nil
	}
	for {
		h, err := p.AdditionalHeader()
		switch {
		case err == dnsmessage.ErrSectionDone:
			return true
		case err != nil:
			return false
		case h.Type == dnsmessage.TypeOPT:
			msg.Additionals = append(msg.Additionals, dnsmessage.Resource{Header: h, Body: emptyOPT})
		}
		if err := p.SkipAdditional(); err != nil {
			return false
		}
	}
}

// rcode returns the response code of msg, extended by its OPT record if it
// has one (RFC 6891 §6.1.3).
func rcode(msg *dnsmessage.Message) dnsmessage.RCode {
	for i := range msg.Additionals {
		if h := &msg.Additionals[i].Header; h.Type == dnsmessage.TypeOPT {
			return h.ExtendedRCode(msg.Header.RCode)
		}
	}
	return msg.Header.RCode
}

// hasOPT reports whether msg carries an EDNS0 OPT record.
func hasOPT(msg *dnsmessage.Message) bool {
	for i := range msg.Additionals {
		if msg.Additionals[i].Header.Type == dnsmessage.TypeOPT {
			return true
		}
	}
	return false
}

// sameName compares two wire names ignoring ASCII case.
func sameName(a, b *dnsmessage.Name) bool {
	if a.Length != b.Length {
		return false
	}
	for i := range int(a.Length) {
		x, y := a.Data[i], b.Data[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
