package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCookieJarRoundTrip loads a jar in AnyEvent's layout (as a Perl
// program would save it), sends its cookies, stores the response's
// Set-Cookie and saves the jar again without the expired cookie.
func TestCookieJarRoundTrip(t *testing.T) {
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nSet-Cookie: b=2; Path=/\r\nContent-Length: 0\r\n\r\n"))
	path := filepath.Join(t.TempDir(), "jar.json")
	perl := `{"version":2,"127.0.0.1":{"/":{"a":{"value":"1"},"old":{"value":"x","_expires":1}}}}`
	if err := os.WriteFile(path, []byte(perl), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, errs, status := aehttp(t, "--cookie-jar", path, s.URL("/")); status != exitOK {
		t.Fatalf("status %d, stderr %q", status, errs)
	}
	if c, _ := wireHeader(s.Requests()[0], "Cookie"); c != "a=1" {
		t.Errorf("sent Cookie %q, want a=1 (the expired cookie must not go)", c)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var jar map[string]json.RawMessage
	if err := json.Unmarshal(data, &jar); err != nil {
		t.Fatalf("saved jar %s: %v", data, err)
	}
	var paths map[string]map[string]map[string]any
	if err := json.Unmarshal(jar["127.0.0.1"], &paths); err != nil {
		t.Fatal(err)
	}
	cookies := paths["/"]
	if string(jar["version"]) != "2" || cookies["a"]["value"] != "1" || cookies["b"]["value"] != "2" || cookies["old"] != nil {
		t.Errorf("saved jar %s", data)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("jar mode %v (%v), want 0600", st.Mode(), err)
	}
	// A missing jar file starts empty and is created; a broken one fails.
	fresh := filepath.Join(t.TempDir(), "new.json")
	if _, _, status := aehttp(t, "--cookie-jar", fresh, s.URL("/")); status != exitOK {
		t.Errorf("fresh jar: status %d", status)
	}
	if data, _ := os.ReadFile(fresh); !strings.Contains(string(data), `"b":{`) {
		t.Errorf("fresh jar saved as %s", data)
	}
	os.WriteFile(fresh, []byte("{broken"), 0o600)
	if _, errs, status := aehttp(t, "--cookie-jar", fresh, s.URL("/")); status != exitRead || !strings.Contains(errs, "cookie jar") {
		t.Errorf("broken jar: status %d, stderr %q", status, errs)
	}
}

// A jar reached through a symbolic link is saved into the file the link
// points to, also when that file does not exist yet; the link stays a
// link.
func TestCookieJarThroughSymlink(t *testing.T) {
	s := startServer(t, answer("HTTP/1.1 200 OK\r\nSet-Cookie: c=9; Path=/\r\nContent-Length: 0\r\n\r\n"))
	for _, existing := range []bool{false, true} {
		dir := t.TempDir()
		target, link := filepath.Join(dir, "target.json"), filepath.Join(dir, "link.json")
		if existing {
			if err := os.WriteFile(target, []byte(`{"version":2}`), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		if err := os.Symlink("target.json", link); err != nil {
			t.Fatal(err)
		}
		if _, errs, status := aehttp(t, "--cookie-jar", link, s.URL("/")); status != exitOK {
			t.Fatalf("target exists %v: status %d, stderr %q", existing, status, errs)
		}
		if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
			t.Errorf("target exists %v: the link was replaced: %v %v", existing, st, err)
		}
		if data, _ := os.ReadFile(target); !strings.Contains(string(data), `"value":"9"`) {
			t.Errorf("target exists %v: the linked file holds %s", existing, data)
		}
	}
}
