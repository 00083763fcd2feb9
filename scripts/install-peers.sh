#!/usr/bin/env bash
# Installs the real servers the tests talk to (on loopback only), when they
# are missing: with apt-get when running as root, otherwise it prints what
# to install. Tests themselves fail (under CI=true) or skip when a peer is
# missing, so this script never fails the build by itself.
set -u

# command -> Debian package
declare -A peers=(
	[dnsmasq]=dnsmasq-base
	[nginx]=nginx-light
	[wrk]=wrk
)

missing=()
for cmd in "${!peers[@]}"; do
	command -v "$cmd" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$cmd" >/dev/null 2>&1 || missing+=("${peers[$cmd]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
	echo "install-peers: missing test peers: ${missing[*]} (install them, or run make test as root on Debian)" >&2
	exit 0
fi
echo "install-peers: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
	echo "install-peers: apt-get install ${missing[*]} failed" >&2
exit 0
