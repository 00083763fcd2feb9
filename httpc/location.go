package httpc

// Location normalisation (spec §9.1) and RFC 3986 §5.2 reference
// resolution (Appendix B W15, W16).

import (
	"strings"
)

// locationMode selects how resolveLocation treats relative references.
type locationMode uint8

const (
	// locationRFC3986 resolves every relative reference with RFC 3986
	// §5.2 against the request URL (Appendix B W15 and W16 fixed). The
	// default.
	locationRFC3986 locationMode = iota
	// locationAnyEvent is AnyEvent::HTTP with the URI module installed:
	// a relative path is appended to path+query cut at its last "/"
	// (even a "/" inside the query), and only references starting with
	// ".", "?" or "#" are resolved with RFC 3986 (spec §9.1 step 4).
	locationAnyEvent
	// locationAnyEventNoURI is AnyEvent::HTTP without the URI module, as
	// on the reference machine: like locationAnyEvent, but references
	// starting with ".", "?" or "#" fail with errLocationNoURI (599
	// "Cannot parse Location (URI module missing)"), whatever the status.
	locationAnyEventNoURI
)

// errLocationNoURI is AnyEvent's failure for a Location that needs RFC
// 3986 resolution when the URI module is missing (spec §9.1 step 4.3).
var errLocationNoURI = &parseError{"httpc: Location needs RFC 3986 resolution (compatibility mode without URI)", "Cannot parse Location (URI module missing)", 599}

// resolveLocation normalises loc, the (possibly comma-joined) location
// value of a response to a request for base, into the absolute URL that
// replaces it in the headers map and that a redirect follows (spec §9.1).
// In every mode:
//
//  1. "//host/p" gets base's lower-cased scheme: "http://host/p";
//  2. "" is base.Raw, the request URL as given, fragment included
//     (Appendix A Q35; RFC 9110 §10.2.2 fragment inheritance agrees);
//  3. a reference that starts with a scheme (one or more bytes other than
//     ":/?#", then ":") is returned unchanged: "ftp:x", "mailto:x", and
//     also "localhost:8080/x" and "a b:c". No dot segments are removed.
//
// Anything else is relative and is resolved according to mode (see
// locationMode). With locationRFC3986, "next?x=1" against
// "/dir/page?next=/foo" is "/dir/next?x=1" and ".//dbl" against "/a/b" is
// "/a//dbl"; AnyEvent gives "/dir/page?next=/next?x=1" and "/a/dbl"
// (Appendix A Q33, Appendix C T48, T51). The base authority keeps its
// userinfo (Appendix A Q11); the safe client passes a base without it
// (urlParts.withoutUserinfo, Appendix B W6). The result is not validated: it goes through
// parseURL and validateRequest when followed.
func resolveLocation(base *urlParts, loc string, mode locationMode) (string, error) {
	switch {
	case strings.HasPrefix(loc, "//"):
		return base.scheme() + ":" + loc, nil
	case loc == "":
		return base.Raw, nil
	case hasLocationScheme(loc):
		return loc, nil
	case mode == locationRFC3986:
		return resolveReference(base, loc), nil
	}
	// AnyEvent: s/^\.\/+// , then the "simple" cases.
	if rest, ok := strings.CutPrefix(loc, "./"); ok {
		loc = strings.TrimLeft(rest, "/")
	}
	switch {
	case loc != "" && strings.IndexByte(".?#", loc[0]) >= 0:
		if mode == locationAnyEventNoURI {
			return "", errLocationNoURI
		}
		return resolveReference(base, loc), nil
	case strings.HasPrefix(loc, "/"):
		return base.scheme() + "://" + base.Authority + loc, nil
	}
	prefix := base.scheme() + "://" + base.Authority + base.RequestURI
	return prefix[:strings.LastIndexByte(prefix, '/')+1] + loc, nil
}

// hasLocationScheme reports whether loc starts with one or more bytes
// other than ":", "/", "?", "#" followed by ":" (AnyEvent's test for an
// absolute reference; the same as RFC 3986 Appendix B's scheme group).
func hasLocationScheme(loc string) bool {
	i := strings.IndexAny(loc, ":/?#")
	return i > 0 && loc[i] == ':'
}

// resolveReference resolves ref, a relative reference without scheme or
// authority, against base with the algorithm of RFC 3986 §5.2.2, and
// recomposes the result as in §5.3. The base path and query are the raw
// ones of the request URL; its fragment is dropped, ref's kept.
func resolveReference(base *urlParts, ref string) string {
	path, query, fragment := splitReference(ref)
	basePath, baseQuery := base.pathQuery()
	switch {
	case path == "":
		path = basePath
		if query == "" {
			query = baseQuery
		}
	case path[0] == '/':
		path = removeDotSegments(path)
	default:
		path = removeDotSegments(mergePaths(basePath, path))
	}
	return base.scheme() + "://" + base.Authority + path + query + fragment
}

// splitReference splits a relative reference into path, query (with its
// "?", "" if absent) and fragment (with its "#", "" if absent), as RFC
// 3986 Appendix B does.
func splitReference(ref string) (path, query, fragment string) {
	if i := strings.IndexByte(ref, '#'); i >= 0 {
		ref, fragment = ref[:i], ref[i:]
	}
	if i := strings.IndexByte(ref, '?'); i >= 0 {
		ref, query = ref[:i], ref[i:]
	}
	return ref, query, fragment
}

// mergePaths merges a relative-path reference with the base path (RFC
// 3986 §5.2.3): the base has an authority, so an empty base path gives
// "/" + ref; otherwise ref replaces everything after the base's last "/".
func mergePaths(basePath, ref string) string {
	if basePath == "" {
		return "/" + ref
	}
	return basePath[:strings.LastIndexByte(basePath, '/')+1] + ref
}

// removeDotSegments removes "." and ".." segments from path (RFC 3986
// §5.2.4), step by step as the RFC's algorithm does; ".." above the root
// is dropped.
func removeDotSegments(in string) string {
	out := make([]byte, 0, len(in))
	for in != "" {
		switch {
		case strings.HasPrefix(in, "../"):
			in = in[3:]
		case strings.HasPrefix(in, "./"):
			in = in[2:]
		case strings.HasPrefix(in, "/./"):
			in = in[2:]
		case in == "/.":
			in = "/"
		case strings.HasPrefix(in, "/../"):
			in, out = in[3:], dropLastSegment(out)
		case in == "/..":
			in, out = "/", dropLastSegment(out)
		case in == "." || in == "..":
			in = ""
		default:
			j := strings.IndexByte(in[1:], '/') + 1
			if j == 0 {
				j = len(in)
			}
			out, in = append(out, in[:j]...), in[j:]
		}
	}
	return string(out)
}

// dropLastSegment removes the last segment of out and the "/" before it
// (RFC 3986 §5.2.4 step 2C).
func dropLastSegment(out []byte) []byte {
	for i := len(out) - 1; i >= 0; i-- {
		if out[i] == '/' {
			return out[:i]
		}
	}
	return out[:0]
}
