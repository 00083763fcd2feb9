package main

import (
	"fmt"
	"io"
	"net/http"
	"time"
)

// netHTTPDriver is Go's net/http client as it is commonly used for load:
// conns goroutines sharing one http.Client whose Transport keeps conns
// idle connections, each body read to the end and closed.
type netHTTPDriver struct {
	hc      *http.Client
	tr      *http.Transport
	url     string
	bodyLen int64
	conns   int
}

func newNetHTTPDriver(ld load) (*netHTTPDriver, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: ld.conns, MaxIdleConns: ld.conns}
	return &netHTTPDriver{hc: &http.Client{Transport: tr}, tr: tr, url: ld.url, bodyLen: int64(ld.bodyLen), conns: ld.conns}, nil
}

func (d *netHTTPDriver) run(requests int, dur time.Duration) tally {
	return runWorkers(d.conns, requests, dur, d.get)
}

func (d *netHTTPDriver) get(int) string {
	resp, err := d.hc.Get(d.url)
	if err != nil {
		return "net/http: " + err.Error()
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	switch {
	case err != nil:
		return "net/http: body: " + err.Error()
	case resp.StatusCode != 200:
		return "net/http: status " + resp.Status
	case n != d.bodyLen:
		return fmt.Sprintf("net/http: body of %d bytes, want %d", n, d.bodyLen)
	}
	return ""
}

func (d *netHTTPDriver) close() { d.tr.CloseIdleConnections() }
