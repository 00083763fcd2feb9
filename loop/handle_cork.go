package loop

// Corking: a handle with Autocork set queues what it is asked to write and
// enters the loop's cork list; the loop flushes the list once per iteration,
// just before it polls. The writes of every callback of one iteration
// therefore leave together, as a rule one send(2) or sendmsg(2) per handle
// (more only beyond IOV_MAX slices or with a TLS filter's records), and the
// peer is woken once for the burst rather than once per write (a client
// answering many responses in one dispatch step otherwise wakes a fast
// server for nearly every request it sends). The loop never sleeps with the
// list non-empty, so a corked write costs no extra poll and no latency
// beyond the end of the current iteration. A handle whose socket is full
// waits for write readiness instead, corked or not.

// cork puts h on the cork list unless it is there already or the socket is
// full (then write readiness flushes it).
func (h *Handle) cork() {
	if h.corked || h.wblocked {
		return
	}
	h.corked = true
	h.sh.corked = append(h.sh.corked, h)
}

// flushCorked writes the queues of the handles on the cork list. It runs
// no callback: a write error and OnDrain are deferred to the next
// iteration's deferred step, as they are for Write itself, so the flush
// does not change what a caller of RunOnce waits for.
func (l *Loop) flushCorked() {
	sh := l.handles
	if sh == nil || len(sh.corked) == 0 {
		return
	}
	sh.flushing, sh.corked = sh.corked, sh.flushing[:0]
	if l.bat != nil && len(sh.flushing) > 1 {
		l.sendAhead(sh.flushing)
	}
	for i, h := range sh.flushing {
		sh.flushing[i] = nil
		h.corked = false
		if h.destroyed || h.pendErr != nil {
			continue
		}
		if h.wblocked {
			// Filled by a flush made while it was corked (StartTLS,
			// SetAutocork(false)): write readiness takes over.
			h.updateInterest()
			continue
		}
		n, err := h.flush()
		if err != nil {
			h.failLater(err)
			continue
		}
		h.afterWrite(n, false)
	}
	sh.flushing = sh.flushing[:0]
}

// corkPending reports whether corked output waits for the next flush.
func (l *Loop) corkPending() bool { return l.handles != nil && len(l.handles.corked) > 0 }
