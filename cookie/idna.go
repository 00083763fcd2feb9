package cookie

import (
	"strings"
	"unicode/utf8"
)

// toASCII converts a host name to the ASCII form cookies are keyed by: ASCII
// letters lower-cased, and each label with non-ASCII characters lower-cased
// (Unicode simple case mapping) and Punycode-encoded with the "xn--" prefix
// (RFC 3492, RFC 5891 §4.4). It does not apply the rest of IDNA mapping or
// NFC normalisation, which would need golang.org/x/text: callers should pass
// hosts already in A-label form, as the HTTP client does for DNS, and this
// conversion only keeps a Unicode host and its A-label from being different
// jar keys in the common case. It fails for invalid UTF-8.
//
// AnyEvent::HTTP converts only the request host when extracting cookies, so
// a cookie it stored for a Unicode host was never sent again; converting on
// both sides fixes that.
func toASCII(host string) (string, bool) {
	if isASCII(host) {
		return lowerASCII(host), true
	}
	if !utf8.ValidString(host) {
		return "", false
	}
	labels := strings.Split(host, ".")
	for i, l := range labels {
		if isASCII(l) {
			labels[i] = lowerASCII(l)
			continue
		}
		enc, ok := punycode(strings.ToLower(l))
		if !ok {
			return "", false
		}
		labels[i] = "xn--" + enc
	}
	return strings.Join(labels, "."), true
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Punycode parameters, RFC 3492 §5.
const (
	pcBase        = 36
	pcTMin        = 1
	pcTMax        = 26
	pcSkew        = 38
	pcDamp        = 700
	pcInitialBias = 72
	pcInitialN    = 128
	pcMaxDelta    = 1<<31 - 1
)

// punycode encodes a label with the algorithm of RFC 3492 §6.3. It fails if
// the arithmetic would overflow (labels far beyond any DNS limit).
func punycode(label string) (string, bool) {
	runes := []rune(label)
	out := make([]byte, 0, len(label)+8)
	for _, r := range runes {
		if r < utf8.RuneSelf {
			out = append(out, byte(r))
		}
	}
	basic := len(out)
	if basic > 0 {
		out = append(out, '-')
	}
	n, delta, bias := pcInitialN, 0, pcInitialBias
	for h := basic; h < len(runes); {
		m := minRuneAtLeast(runes, n)
		if m-n > (pcMaxDelta-delta)/(h+1) {
			return "", false
		}
		delta += (m - n) * (h + 1)
		n = m
		for _, r := range runes {
			if int(r) < n {
				if delta++; delta > pcMaxDelta {
					return "", false
				}
			}
			if int(r) == n {
				out = appendVarInt(out, delta, bias)
				bias = adapt(delta, h+1, h == basic)
				delta = 0
				h++
			}
		}
		delta++
		n++
	}
	return string(out), true
}

// minRuneAtLeast returns the smallest code point in runes that is >= n.
func minRuneAtLeast(runes []rune, n int) int {
	m := int(utf8.MaxRune) + 1
	for _, r := range runes {
		if int(r) >= n && int(r) < m {
			m = int(r)
		}
	}
	return m
}

// appendVarInt appends q as a generalised variable-length integer
// (RFC 3492 §3.3) with the current bias.
func appendVarInt(out []byte, q, bias int) []byte {
	for k := pcBase; ; k += pcBase {
		t := min(max(k-bias, pcTMin), pcTMax)
		if q < t {
			return append(out, pcDigit(q))
		}
		out = append(out, pcDigit(t+(q-t)%(pcBase-t)))
		q = (q - t) / (pcBase - t)
	}
}

// adapt is the bias adaptation function of RFC 3492 §6.1.
func adapt(delta, numPoints int, first bool) int {
	if first {
		delta /= pcDamp
	} else {
		delta /= 2
	}
	delta += delta / numPoints
	k := 0
	for delta > ((pcBase-pcTMin)*pcTMax)/2 {
		delta /= pcBase - pcTMin
		k += pcBase
	}
	return k + (pcBase-pcTMin+1)*delta/(delta+pcSkew)
}

// pcDigit returns the basic code point for digit d (0-35): a-z, 0-9.
func pcDigit(d int) byte {
	if d < 26 {
		return byte('a' + d)
	}
	return byte('0' + d - 26)
}
