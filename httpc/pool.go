package httpc

// poolKey identifies interchangeable connections (spec §5.3): scheme, host
// without brackets, port as written, and the session id. A struct rather
// than AnyEvent's joined string, so a lookup allocates nothing.
type poolKey struct {
	scheme, host, port, session string
}

// Pool theory: cl.pool maps a key to its newest idle connection; older
// ones follow through conn.nextIdle (AnyEvent takes the most recently
// stored one, LIFO). An idle connection holds no slot and no request; its
// handle keeps the conn's OnRead, so any byte or end-of-file drops it, and
// its inactivity timeout is PersistentTimeout, measured from its last I/O.

// storeIdle pools c, then trims the key's list to MaxPerHost, closing the
// oldest connections at once.
func (cl *Client) storeIdle(c *conn) {
	c.h.SetTimeout(cl.persistentTimeout())
	c.nextIdle = cl.pool[c.key]
	cl.pool[c.key] = c
	n, max := 0, cl.maxPerHost()
	for p := c; p != nil; p = p.nextIdle {
		n++
		if n == max {
			for old := p.nextIdle; old != nil; {
				next := old.nextIdle
				old.nextIdle = nil
				old.close()
				old = next
			}
			p.nextIdle = nil
			return
		}
	}
}

// takeIdle removes and returns the newest idle connection for key.
func (cl *Client) takeIdle(key poolKey) *conn {
	c := cl.pool[key]
	if c == nil {
		return nil
	}
	if c.nextIdle != nil {
		cl.pool[key] = c.nextIdle
		c.nextIdle = nil
	} else {
		delete(cl.pool, key)
	}
	return c
}

// dropIdle removes c from the pool and closes it: the peer closed it, sent
// something unasked, failed, or it was idle too long.
func (cl *Client) dropIdle(c *conn) {
	head := cl.pool[c.key]
	switch {
	case head == c:
		if c.nextIdle != nil {
			cl.pool[c.key] = c.nextIdle
		} else {
			delete(cl.pool, c.key)
		}
	default:
		for p := head; p != nil; p = p.nextIdle {
			if p.nextIdle == c {
				p.nextIdle = c.nextIdle
				break
			}
		}
	}
	c.nextIdle = nil
	c.close()
}
