package cookie

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Keys of a cookie object that are not attributes (spec §13.1, W4).
const (
	keyValue    = "value"
	keyExpires  = "_expires"
	keyHostOnly = "_hostonly"
	keyVersion  = "version"
)

// MarshalJSON encodes the jar in the version-2 layout of spec §13.1, the
// JSON a Perl program gets from encode_json($jar):
//
//	{"version":2,"example.com":{"/":{"sid":{"value":"x","_expires":1700000000,"secure":null}}}}
//
// A host-only cookie also gets "_hostonly":1, which AnyEvent ignores. The
// version key is written once the jar has held a cookie or was loaded from
// a version-2 jar. Strings are bytes, as in Perl: a byte of 0x80 or more is
// written as the character with that code point (Latin-1), as Perl's
// encode_json does with a byte string. Object keys are sorted; "<", ">"
// and "&" are escaped as \u003c and so on, as encoding/json always does.
func (j Jar) MarshalJSON() ([]byte, error) {
	top := make(map[string]any, len(j.Domains)+1)
	if j.versioned || len(j.Domains) > 0 {
		top[keyVersion] = 2
	}
	for domain, paths := range j.Domains {
		if domain == keyVersion {
			continue
		}
		pm := make(map[string]any, len(paths))
		for path, cookies := range paths {
			cm := make(map[string]any, len(cookies))
			for name, c := range cookies {
				obj, err := c.jsonObject(name)
				if err != nil {
					return nil, err
				}
				if obj != nil {
					cm[latin1Encode(name)] = obj
				}
			}
			pm[latin1Encode(path)] = cm
		}
		top[latin1Encode(domain)] = pm
	}
	for key, raw := range j.extra {
		if _, taken := top[key]; !taken {
			top[key] = raw
		}
	}
	out, err := json.Marshal(top)
	if err != nil {
		return nil, fmt.Errorf("cookie: encoding jar: %w", err)
	}
	return out, nil
}

// jsonObject returns the JSON object of a cookie, nil for a nil cookie.
func (c *Cookie) jsonObject(name string) (map[string]any, error) {
	if c == nil {
		return nil, nil
	}
	obj := make(map[string]any, len(c.Attrs)+3)
	for k, v := range c.Attrs {
		obj[latin1Encode(k)] = latin1Ptr(v)
	}
	obj[keyValue] = latin1Ptr(c.Value)
	delete(obj, keyExpires)
	delete(obj, keyHostOnly)
	if c.Persistent {
		if !finite(c.Expires) {
			return nil, fmt.Errorf("cookie: cookie %q has a non-finite expiry", name)
		}
		obj[keyExpires] = c.Expires
	}
	if c.HostOnly {
		obj[keyHostOnly] = 1
	}
	return obj, nil
}

// UnmarshalJSON decodes a jar in the layout of spec §13.1, as written by
// MarshalJSON or by a Perl program. As in AnyEvent, a jar whose version is
// not numerically 2 (including one without version) loads as an empty jar,
// whatever else it holds. Top-level keys whose value is not an object hold
// no cookies; they are kept and written back as they were. Strings are
// read back to bytes as MarshalJSON writes them; characters above U+00FF
// become UTF-8, and are saved as those bytes: a Perl character string
// (AnyEvent stores one for a host given in Unicode) does not survive a
// load and save unchanged.
// Numbers and booleans where strings belong become Perl's string form
// ("1", "0"). The jar's PublicSuffixList is kept.
func (j *Jar) UnmarshalJSON(data []byte) error {
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return fmt.Errorf("cookie: decoding jar: %w", err)
	}
	j.Domains, j.versioned, j.extra = nil, false, nil
	if !isVersion2(top[keyVersion]) {
		return nil
	}
	j.versioned = true
	for key, raw := range top {
		if key == keyVersion {
			continue
		}
		if !isObject(raw) {
			if j.extra == nil {
				j.extra = make(map[string]json.RawMessage)
			}
			j.extra[key] = raw
			continue
		}
		paths, err := decodePaths(key, raw)
		if err != nil {
			return err
		}
		if j.Domains == nil {
			j.Domains = make(map[string]PathMap, len(top))
		}
		j.Domains[latin1Decode(key)] = paths
	}
	return nil
}

// decodePaths decodes the path map of one domain.
func decodePaths(domain string, raw json.RawMessage) (PathMap, error) {
	var paths map[string]map[string]json.RawMessage
	if err := json.Unmarshal(raw, &paths); err != nil {
		return nil, fmt.Errorf("cookie: domain %q: %w", domain, err)
	}
	pm := make(PathMap, len(paths))
	for path, cookies := range paths {
		cm := make(CookieMap, len(cookies))
		for name, rawCookie := range cookies {
			c, err := decodeCookie(rawCookie)
			if err != nil {
				return nil, fmt.Errorf("cookie: cookie %q of %q%s: %w", name, domain, path, err)
			}
			cm[latin1Decode(name)] = c
		}
		pm[latin1Decode(path)] = cm
	}
	return pm, nil
}

// decodeCookie decodes one cookie object.
func decodeCookie(raw json.RawMessage) (*Cookie, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, err
	}
	if obj == nil {
		return nil, fmt.Errorf("not an object")
	}
	c := &Cookie{}
	var err error
	for k, v := range obj {
		switch k {
		case keyValue:
			c.Value, err = scalarString(v)
		case keyExpires:
			c.Persistent = true
			c.Expires, err = scalarNumber(v)
		case keyHostOnly:
			c.HostOnly = truthy(v)
		default:
			if c.Attrs == nil {
				c.Attrs = make(map[string]*string)
			}
			c.Attrs[latin1Decode(k)], err = scalarString(v)
		}
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", k, err)
		}
	}
	return c, nil
}
