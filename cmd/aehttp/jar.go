package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/anyevent-go/anyevent/cookie"
)

// loadJar reads the --cookie-jar file, AnyEvent's JSON jar layout (spec
// §13.1), so jars written by Perl programs load unchanged. A missing file
// is an empty jar; no path means no cookie processing (nil).
func loadJar(path string) (*cookie.Jar, error) {
	if path == "" {
		return nil, nil
	}
	jar := cookie.NewJar()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return jar, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, jar); err != nil {
		return nil, fmt.Errorf("cookie jar %s: %w", path, err)
	}
	return jar, nil
}

// saveJar writes the jar back after dropping expired cookies (session
// cookies stay, as with curl's cookie jar). The file a symbolic link
// points to is written, not the link. A new jar file is readable by its
// owner only (cookies are credentials) and replaces the old one
// atomically; where its directory cannot take a new file, the old file,
// if writable, is overwritten in place.
func saveJar(path string, jar *cookie.Jar, now time.Time) error {
	if jar == nil {
		return nil
	}
	jar.Expire(now, false)
	data, err := json.Marshal(jar)
	if err != nil {
		return err
	}
	data = append(data, '\n')
	path = linkTarget(path)
	tmp, err := os.CreateTemp(filepath.Dir(path), ".aehttp-jar-*")
	if errors.Is(err, fs.ErrPermission) {
		if werr := overwrite(path, data); werr == nil {
			return nil
		}
	}
	if err != nil {
		return err
	}
	_, werr := tmp.Write(data)
	if cerr := tmp.Close(); werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
	}
	return werr
}

// linkTarget follows symbolic links from path to the file they name, which
// need not exist yet (a dangling link is written through too).
func linkTarget(path string) string {
	for range 40 { // as the kernel's limit on nested links
		dest, err := os.Readlink(path)
		if err != nil {
			return path // not a link (or no file): write path itself
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(path), dest)
		}
		path = dest
	}
	return path
}

// overwrite writes data over the existing file at path, keeping its mode.
func overwrite(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
