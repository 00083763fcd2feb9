package httpc

// poolKey identifies interchangeable connections (spec §5.3): scheme, host
// without brackets, port as written, and the session id. A struct rather
// than AnyEvent's joined string, so a lookup allocates nothing.
type poolKey struct {
	scheme, host, port, session string
}

// Pool theory: cl.pool maps a key to its idlePool, which every connection
// made for that key points to (conn.pool) for as long as it is open, idle
// or not; the entry leaves the map when its last connection closes. So a
// connection that is pooled again, trimmed or dropped finds its list
// without hashing the key, and a steady keep-alive load never adds or
// removes map entries. The list holds the key's idle connections, newest
// first, through conn.nextIdle (AnyEvent takes the most recently stored
// one, LIFO). An idle connection holds no slot and no request; its handle
// keeps the conn's OnRead, so any byte or end-of-file drops it, and its
// inactivity timeout is PersistentTimeout, measured from its last I/O.
type idlePool struct {
	key    poolKey
	newest *conn // the newest idle connection; older ones follow
	idle   int   // idle connections in the list
	conns  int   // open connections that point here, idle or not
}

// poolFor returns the pool entry of key, creating it if needed, and
// counts a connection on it; conn.close gives the count back.
func (cl *Client) poolFor(key poolKey) *idlePool {
	p := cl.findPool(key)
	if p == nil {
		p = &idlePool{key: key}
		cl.pool[key] = p
	}
	p.conns++
	return p
}

// findPool returns the pool entry of key, or nil. The entry of the last
// lookup is tried before the map: requests tend to repeat their key.
func (cl *Client) findPool(key poolKey) *idlePool {
	if p := cl.lastPool; p != nil && p.key == key {
		return p
	}
	p := cl.pool[key]
	if p != nil {
		cl.lastPool = p
	}
	return p
}

// unref gives back a closed connection's count on p, and forgets p with
// its last connection.
func (cl *Client) unref(p *idlePool) {
	if p.conns--; p.conns > 0 {
		return
	}
	delete(cl.pool, p.key)
	if cl.lastPool == p {
		cl.lastPool = nil
	}
}

// storeIdle pools c, then trims its key's list to MaxPerHost, closing the
// oldest connections at once. The idle timeout is set by conn.finish once
// the request's callback has returned, if c is still idle then.
func (cl *Client) storeIdle(c *conn) {
	p := c.pool
	c.nextIdle = p.newest
	p.newest = c
	p.idle++
	max := cl.maxPerHost()
	if p.idle <= max {
		return
	}
	last := c
	for i := 1; i < max; i++ {
		last = last.nextIdle
	}
	for old := last.nextIdle; old != nil; {
		next := old.nextIdle
		old.nextIdle = nil
		old.close()
		old = next
	}
	last.nextIdle = nil
	p.idle = max
}

// takeIdle removes and returns the newest idle connection for key.
func (cl *Client) takeIdle(key poolKey) *conn {
	p := cl.findPool(key)
	if p == nil || p.newest == nil {
		return nil
	}
	c := p.newest
	p.newest, c.nextIdle = c.nextIdle, nil
	p.idle--
	return c
}

// dropIdle removes c from the pool and closes it: the peer closed it, sent
// something unasked, failed, or it was idle too long.
func (cl *Client) dropIdle(c *conn) {
	p := c.pool
	switch {
	case p == nil:
	case p.newest == c:
		p.newest = c.nextIdle
		p.idle--
	default:
		for q := p.newest; q != nil; q = q.nextIdle {
			if q.nextIdle == c {
				q.nextIdle = c.nextIdle
				p.idle--
				break
			}
		}
	}
	c.nextIdle = nil
	c.close()
}
