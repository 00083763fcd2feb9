package main

import (
	"net/netip"
	"time"

	"github.com/anyevent-go/anyevent/dns"
	"github.com/anyevent-go/anyevent/loop"
	"golang.org/x/net/dns/dnsmessage"
)

// result is what the query produced, for the printers.
type result struct {
	question dnsmessage.Question
	reply    *dns.Reply
	err      error // set with a reply too when every server failed
	elapsed  time.Duration
	when     time.Time
}

// query runs one exchange on l and returns its outcome. The error is set
// only when the query could not even be sent.
func query(l *loop.Loop, o *options) (*result, error) {
	cfg, err := config(o)
	if err != nil {
		return nil, err
	}
	r, err := dns.NewResolver(l, cfg)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	name, err := dnsmessage.NewName(o.name)
	if err != nil {
		return nil, err
	}
	res := &result{question: dnsmessage.Question{Name: name, Type: o.qtype, Class: dnsmessage.ClassINET}}
	msg := &dnsmessage.Message{
		Header:    dnsmessage.Header{RecursionDesired: true},
		Questions: []dnsmessage.Question{res.question},
	}
	var opt dnsmessage.ResourceHeader
	opt.SetEDNS0(dns.DefaultUDPSize, dnsmessage.RCodeSuccess, false)
	msg.Additionals = []dnsmessage.Resource{{Header: opt, Body: &dnsmessage.OPTResource{}}}
	cv := loop.NewCondVar[*dns.Reply](l)
	res.when = time.Now()
	r.Exchange(msg, func(rep *dns.Reply, err error) {
		res.reply, res.err = rep, err
		cv.Send(rep)
	})
	cv.Recv()
	res.elapsed = time.Since(res.when)
	return res, res.err
}

// config returns the resolver configuration: the server given on the
// command line or those of resolv.conf, and the retry ladder of the flags.
func config(o *options) (*dns.Config, error) {
	cfg := dns.DefaultConfig()
	if o.server.IsValid() {
		cfg.Servers = []netip.AddrPort{o.server}
	} else {
		sys, err := dns.ReadConfig(dns.ResolvConfPath)
		if err != nil {
			return nil, err
		}
		cfg.Servers = sys.Servers
	}
	cfg.Timeouts = make([]time.Duration, o.tries)
	for i := range cfg.Timeouts {
		cfg.Timeouts[i] = o.timeout
	}
	cfg.TCP = o.tcp
	cfg.CacheSize = 0
	return cfg, nil
}
