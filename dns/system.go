package dns

import (
	"errors"
	"io/fs"
	"os"
)

// The files [SystemConfig] reads.
const (
	ResolvConfPath = "/etc/resolv.conf"
	HostsPath      = "/etc/hosts"
)

// ReadConfig reads a resolv.conf file with [ParseResolvConf].
func ReadConfig(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseResolvConf(data), nil
}

// ReadHosts reads a hosts file with [ParseHosts].
func ReadHosts(path string) (*Hosts, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseHosts(data), nil
}

// SystemConfig returns the configuration of /etc/resolv.conf with the
// hosts database of /etc/hosts. A missing file counts as an empty one (so a
// missing resolv.conf leaves no servers, and queries fail with
// [ErrNoServers]); any other read error is returned.
func SystemConfig() (*Config, error) {
	c, err := ReadConfig(ResolvConfPath)
	if errors.Is(err, fs.ErrNotExist) {
		c, err = DefaultConfig(), nil
	}
	if err != nil {
		return nil, err
	}
	h, err := ReadHosts(HostsPath)
	if errors.Is(err, fs.ErrNotExist) {
		h, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	c.Hosts = h
	return c, nil
}
