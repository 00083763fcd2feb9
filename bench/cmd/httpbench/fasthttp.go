package main

import (
	"fmt"
	"net/url"
	"time"

	"github.com/valyala/fasthttp"
)

// fastHTTPDriver is valyala/fasthttp used the fast way: conns goroutines
// sharing one HostClient with MaxConns = conns, each goroutine reusing its
// own Request and Response for every request.
type fastHTTPDriver struct {
	hc      *fasthttp.HostClient
	reqs    []*fasthttp.Request
	resps   []*fasthttp.Response
	bodyLen int
	conns   int
}

func newFastHTTPDriver(ld load) (*fastHTTPDriver, error) {
	u, err := url.Parse(ld.url)
	if err != nil {
		return nil, err
	}
	d := &fastHTTPDriver{
		hc:      &fasthttp.HostClient{Addr: u.Host, MaxConns: ld.conns},
		reqs:    make([]*fasthttp.Request, ld.conns),
		resps:   make([]*fasthttp.Response, ld.conns),
		bodyLen: ld.bodyLen, conns: ld.conns,
	}
	for i := range d.reqs {
		d.reqs[i] = fasthttp.AcquireRequest()
		d.reqs[i].SetRequestURI(ld.url)
		d.resps[i] = fasthttp.AcquireResponse()
	}
	return d, nil
}

func (d *fastHTTPDriver) run(requests int, dur time.Duration) tally {
	return runWorkers(d.conns, requests, dur, d.get)
}

func (d *fastHTTPDriver) get(w int) string {
	resp := d.resps[w]
	if err := d.hc.Do(d.reqs[w], resp); err != nil {
		return "fasthttp: " + err.Error()
	}
	switch {
	case resp.StatusCode() != 200:
		return fmt.Sprintf("fasthttp: status %d", resp.StatusCode())
	case len(resp.Body()) != d.bodyLen:
		return fmt.Sprintf("fasthttp: body of %d bytes, want %d", len(resp.Body()), d.bodyLen)
	}
	return ""
}

func (d *fastHTTPDriver) close() {
	d.hc.CloseIdleConnections()
	for i := range d.reqs {
		fasthttp.ReleaseRequest(d.reqs[i])
		fasthttp.ReleaseResponse(d.resps[i])
	}
}
