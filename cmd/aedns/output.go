package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// writeText prints the reply the way dig does.
func writeText(w io.Writer, res *result) error {
	b := bufio.NewWriter(w)
	m := res.reply.Msg
	h := &m.Header
	fmt.Fprintf(b, ";; ->>HEADER<<- opcode: QUERY, status: %s, id: %d\n", rcodeName(h.RCode), h.ID)
	fmt.Fprintf(b, ";; flags: %s; QUERY: %d, ANSWER: %d, AUTHORITY: %d, ADDITIONAL: %d\n",
		strings.Join(flags(h), " "), len(m.Questions), len(m.Answers), len(m.Authorities), len(m.Additionals))
	if opt := findOPT(m); opt != nil {
		fmt.Fprintf(b, "\n;; OPT PSEUDOSECTION:\n; EDNS: version: %d, flags:%s; udp: %d\n",
			opt.TTL>>16&0xff, doFlag(opt), opt.Class)
	}
	b.WriteString("\n;; QUESTION SECTION:\n")
	for _, q := range m.Questions {
		fmt.Fprintf(b, ";%s\t\t\t%s\t%s\n", q.Name.String(), className(q.Class), typeName(q.Type))
	}
	section(b, "ANSWER", m.Answers)
	section(b, "AUTHORITY", m.Authorities)
	section(b, "ADDITIONAL", m.Additionals)
	if res.err != nil {
		fmt.Fprintf(b, "\n;; %v\n", res.err)
	}
	fmt.Fprintf(b, "\n;; Query time: %d msec\n", res.elapsed.Milliseconds())
	srv := res.reply.Server
	fmt.Fprintf(b, ";; SERVER: %s#%d(%s) (%s)\n", srv.Addr(), srv.Port(), srv.Addr(), proto(res))
	fmt.Fprintf(b, ";; WHEN: %s\n", res.when.Format(time.UnixDate))
	fmt.Fprintf(b, ";; MSG SIZE  rcvd: %d\n", res.reply.Size)
	return b.Flush()
}

func section(b *bufio.Writer, title string, rrs []dnsmessage.Resource) {
	printed := false
	for i := range rrs {
		rr := &rrs[i]
		if rr.Header.Type == dnsmessage.TypeOPT {
			continue
		}
		if !printed {
			fmt.Fprintf(b, "\n;; %s SECTION:\n", title)
			printed = true
		}
		fmt.Fprintf(b, "%s\t\t%d\t%s\t%s\t%s\n", rr.Header.Name.String(), rr.Header.TTL,
			className(rr.Header.Class), typeName(rr.Header.Type), rdata(rr))
	}
}

func findOPT(m *dnsmessage.Message) *dnsmessage.ResourceHeader {
	for i := range m.Additionals {
		if m.Additionals[i].Header.Type == dnsmessage.TypeOPT {
			return &m.Additionals[i].Header
		}
	}
	return nil
}

func doFlag(opt *dnsmessage.ResourceHeader) string {
	if opt.DNSSECAllowed() {
		return " do"
	}
	return ""
}

func proto(res *result) string {
	if res.reply.TCP {
		return "TCP"
	}
	return "UDP"
}

// jsonRecord is one record in the JSON output; Data is the presentation
// form of its data.
type jsonRecord struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Class string `json:"class"`
	TTL   uint32 `json:"ttl"`
	Data  string `json:"data"`
}

type jsonQuestion struct {
	Name  string `json:"name"`
	Type  string `json:"type"`
	Class string `json:"class"`
}

type jsonEDNS struct {
	Version uint32 `json:"version"`
	UDP     uint16 `json:"udp"`
	DO      bool   `json:"do"`
}

type jsonReply struct {
	Server     string         `json:"server"`
	Protocol   string         `json:"protocol"`
	TimeMS     float64        `json:"time_ms"`
	When       string         `json:"when"`
	Size       int            `json:"size"`
	ID         uint16         `json:"id"`
	Status     string         `json:"status"`
	Flags      []string       `json:"flags"`
	EDNS       *jsonEDNS      `json:"edns,omitempty"`
	Question   []jsonQuestion `json:"question"`
	Answer     []jsonRecord   `json:"answer"`
	Authority  []jsonRecord   `json:"authority"`
	Additional []jsonRecord   `json:"additional"`
	Error      string         `json:"error,omitempty"`
}

// writeJSON prints the reply as one JSON object.
func writeJSON(w io.Writer, res *result) error {
	m := res.reply.Msg
	out := jsonReply{
		Server:     res.reply.Server.String(),
		Protocol:   strings.ToLower(proto(res)),
		TimeMS:     float64(res.elapsed.Microseconds()) / 1000,
		When:       res.when.Format(time.RFC3339Nano),
		Size:       res.reply.Size,
		ID:         m.Header.ID,
		Status:     rcodeName(m.Header.RCode),
		Flags:      append([]string{}, flags(&m.Header)...),
		Question:   []jsonQuestion{},
		Answer:     records(m.Answers),
		Authority:  records(m.Authorities),
		Additional: records(m.Additionals),
	}
	for _, q := range m.Questions {
		out.Question = append(out.Question, jsonQuestion{q.Name.String(), typeName(q.Type), className(q.Class)})
	}
	if opt := findOPT(m); opt != nil {
		out.EDNS = &jsonEDNS{Version: opt.TTL >> 16 & 0xff, UDP: uint16(opt.Class), DO: opt.DNSSECAllowed()}
	}
	if res.err != nil {
		out.Error = res.err.Error()
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func records(rrs []dnsmessage.Resource) []jsonRecord {
	out := []jsonRecord{}
	for i := range rrs {
		rr := &rrs[i]
		if rr.Header.Type == dnsmessage.TypeOPT {
			continue
		}
		out = append(out, jsonRecord{rr.Header.Name.String(), typeName(rr.Header.Type),
			className(rr.Header.Class), rr.Header.TTL, rdata(rr)})
	}
	return out
}
