package httpc

// Redirects (spec §9). A hop whose status is 301, 302, 303, 307 or 308
// while the budget (recurse) is positive is a redirect hop: OnHeader,
// OnBody and WantBodyHandle are bypassed and its body is accumulated.
// When it finishes with a Location, the same Call starts the next hop
// with recurse-1 and the previous (body, Response) as Response.Redirect;
// the DoneFunc only sees the end of the chain.
//
// Credentials (Appendix B W6). The caller's Authorization, Cookie and
// Host headers are meant for the origin of the URL it asked for. A hop
// whose origin (see [origin]: scheme, host and effective port) differs
// from that first one is "foreign" and goes out without them; the cookie
// jar still supplies the cookies it holds for the hop's own URL. A later
// hop back to the first origin gets them again, as net/http does.
// Proxy-Authorization is never sent to an origin at all (skipUser).
// CompatCredentials forwards everything to every hop, as AnyEvent does.

func redirectStatus(s int) bool {
	switch s {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

func (call *Call) onHeader() HeaderFunc {
	if call.redirect {
		return nil
	}
	return call.opts.OnHeader
}

func (call *Call) onBody() BodyFunc {
	if call.redirect {
		return nil
	}
	return call.opts.OnBody
}

func (call *Call) wantHandle() bool { return !call.redirect && call.opts.WantBodyHandle }

// normalizeHopLocation rewrites this hop's Location header to an absolute
// URL (spec §9.1, every status) and remembers it for a redirect. A
// relative reference is resolved against the request URL without its
// userinfo (Appendix B W6: "u:pw@" would otherwise reach the headers map
// and the next hop's URL); CompatCredentials keeps it, as AnyEvent does
// (Appendix A Q11).
func (call *Call) normalizeHopLocation() error {
	r := &call.resp
	loc, ok := r.Header()["location"]
	if !ok {
		return nil
	}
	base := &call.u
	if call.cl.Compat&CompatCredentials == 0 {
		b := base.withoutUserinfo() // W6: the next hop's URL gets no credentials
		base = &b
	}
	abs, err := resolveLocation(base, loc, call.cl.locationMode())
	if err != nil {
		return err
	}
	r.setHeader("location", abs)
	if call.redirect {
		call.location = abs
	}
	return nil
}

// locationMode is how relative Location values are resolved (spec §9.1
// step 4): RFC 3986 by default, which fixes both Appendix B W15 (a
// reference starting with ".", "?" or "#" fails without the URI module)
// and W16 (a relative path is cut at the last "/" of path+query); Compat
// brings AnyEvent's back.
func (cl *Client) locationMode() locationMode {
	switch {
	case cl.Compat&CompatLocationNoURI != 0:
		return locationAnyEventNoURI
	case cl.Compat&CompatLocation != 0:
		return locationAnyEvent
	}
	return locationRFC3986
}

// sameOrigin reports whether u has the origin of the URL first (which
// parsed when the request started).
func sameOrigin(u *urlParts, first string) bool {
	f, err := parseURL(first)
	return err == nil && f.origin() == u.origin()
}

// follow starts the next hop of a redirect chain from the finished hop's
// body (nil if the hop failed in its body parser) and response.
func (call *Call) follow(body []byte) {
	prev := new(Response)
	*prev = call.resp
	status := prev.Status
	if prev.OrigStatus != 0 {
		status = prev.OrigStatus
	}
	if status == 301 || status == 302 || status == 303 {
		if call.method != "HEAD" {
			call.method = "GET"
		}
		if call.opts.Body != nil {
			o := *call.opts
			o.Body = nil
			call.opts = &o
		}
	}
	call.recurse--
	if call.opts.Persistent == nil {
		call.persistent = idempotent(call.method)
	}
	url := call.location
	call.location, call.redirect = "", false
	call.resp = Response{URL: url, Redirect: &Redirect{Body: body, Response: prev}}
	if err := call.setURL(url); err != nil {
		call.resp.fail(newError(PhaseResolve, "redirect", url, err, kindLocal), false)
		call.deliver(nil)
		return
	}
	call.foreign = call.cl.Compat&CompatCredentials == 0 && !sameOrigin(&call.u, call.first)
	call.state = callNew
	call.cl.acquire(call)
}
