package cookie

import "golang.org/x/net/publicsuffix"

// PublicSuffixList provides the public suffix of a domain: "com", "co.uk",
// "github.io". It has the method set of net/http/cookiejar.PublicSuffixList,
// so golang.org/x/net/publicsuffix.List, the default, satisfies it.
type PublicSuffixList interface {
	// PublicSuffix returns the public suffix of domain, which is in
	// lower-case ASCII (A-label) form.
	PublicSuffix(domain string) string
	// String names the list and its version, for diagnostics.
	String() string
}

// psl returns the jar's public suffix list.
func (j *Jar) psl() PublicSuffixList {
	if j.PublicSuffixList != nil {
		return j.PublicSuffixList
	}
	return publicsuffix.List
}

// isPublicSuffix reports whether domain is itself a public suffix.
func isPublicSuffix(psl PublicSuffixList, domain string) bool {
	return psl.PublicSuffix(domain) == domain
}
