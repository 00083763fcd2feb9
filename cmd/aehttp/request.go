package main

import (
	"fmt"
	"strings"

	"github.com/anyevent-go/anyevent/cookie"
	"github.com/anyevent-go/anyevent/httpc"
)

// formType is curl's Content-Type for -d and --data-binary bodies.
const formType = "application/x-www-form-urlencoded"

// parseHeader reads one -H argument, as curl does: "Name: value" sends
// the header (leading blanks of the value dropped), "Name:" suppresses a
// header the client would add by default, "Name;" sends it with an empty
// value.
func parseHeader(h string) (httpc.HeaderField, error) {
	if name, ok := strings.CutSuffix(h, ";"); ok && !strings.ContainsAny(name, ":;") && name != "" {
		return httpc.HeaderField{Name: name}, nil
	}
	name, value, ok := strings.Cut(h, ":")
	if !ok || strings.TrimSpace(name) == "" {
		return httpc.HeaderField{}, fmt.Errorf("bad header %q: want 'Name: value', 'Name:' or 'Name;'", h)
	}
	value = strings.TrimLeft(value, " \t")
	if value == "" {
		return httpc.HeaderField{Name: name, Suppress: true}, nil
	}
	return httpc.HeaderField{Name: name, Value: value}, nil
}

// methodName is -X, else POST when there is a body, else GET (curl).
func (o *options) methodName() string {
	switch {
	case o.method != "":
		return o.method
	case o.body != nil:
		return "POST"
	}
	return "GET"
}

// requestOptions returns the options every request of the run starts
// from. Each request gets its own copy, to which it adds its callbacks.
// A body gets curl's form Content-Type unless -H sets or suppresses one
// (later header fields win in httpc).
func (o *options) requestOptions(jar *cookie.Jar) httpc.Options {
	hdrs := o.headers
	if o.body != nil {
		hdrs = append([]httpc.HeaderField{{Name: "Content-Type", Value: formType}}, o.headers...)
	}
	return httpc.Options{
		Recurse:    o.recurse,
		Headers:    hdrs,
		Timeout:    o.timeout,
		Body:       o.body,
		CookieJar:  jar,
		Persistent: o.persistent,
		KeepAlive:  o.keepalive,
	}
}
