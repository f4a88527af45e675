#!/bin/sh
# host-cert: the certificate it makes (name, static address, key type, modes), its
# fingerprint against openssl's, and its refusals, which leave no file behind.
# Usage: test_host_cert.sh HOST_CERT
set -eu
cert=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
ok() { echo "ok - $*"; }
bad() { echo "not ok - $*"; fails=$((fails + 1)); }

# A name and a static address: both in the subject alternative names, an EC P-256 key,
# files only root can read.
if "$cert" make "$work/a" host1.example.com 192.0.2.7 2>"$work/err"; then
	text=$(openssl x509 -in "$work/a/host.pem" -noout -text)
	case $text in
	*"DNS:host1.example.com, IP Address:192.0.2.7"*) ok "names and address" ;;
	*) bad "names and address: $text" ;;
	esac
	case $text in
	*"Subject: CN = host1.example.com"*"prime256v1"*) ok "subject and curve" ;;
	*) bad "subject and curve: $text" ;;
	esac
	modes=$(stat -c %a "$work/a" "$work/a/host.key" "$work/a/host.pem" | tr '\n' ' ')
	if [ "$modes" = "700 600 600 " ]; then ok "modes"; else bad "modes: $modes"; fi
	openssl pkey -in "$work/a/host.key" -pubout >"$work/key.pub" 2>/dev/null
	openssl x509 -in "$work/a/host.pem" -noout -pubkey >"$work/cert.pub"
	if cmp -s "$work/key.pub" "$work/cert.pub"; then ok "key matches"; else bad "key"; fi
	if ls "$work/a"/*.tmp >/dev/null 2>&1; then bad "temporary files left"
	else ok "no temporary files"; fi
else
	bad "make: $(cat "$work/err")"
fi

# The fingerprint is openssl's, and a chain gives its first certificate's.
want=$(openssl x509 -in "$work/a/host.pem" -noout -fingerprint -sha256 | sed 's/^.*=//')
got=$("$cert" fingerprint "$work/a/host.pem")
if [ "$got" = "$want" ]; then ok "fingerprint"; else bad "fingerprint: $got, not $want"; fi
"$cert" make "$work/b" other >/dev/null 2>&1
cat "$work/a/host.pem" "$work/b/host.pem" > "$work/chain.pem"
got=$("$cert" fingerprint "$work/chain.pem")
if [ "$got" = "$want" ]; then ok "a chain's fingerprint"; else bad "chain: $got, not $want"; fi

# No address: the name alone. A name longer than a common name may be: its first label.
long=h$(printf '%040d' 0).a-rather-long-domain-name.example.com
"$cert" make "$work/c" "$long" 2>"$work/err" || bad "long name: $(cat "$work/err")"
text=$(openssl x509 -in "$work/c/host.pem" -noout -text 2>&1)
case $text in
*"Subject: CN = h0000"*"DNS:$long"*) ok "long name" ;;
*) bad "long name: $text" ;;
esac
case $text in
*"IP Address"*) bad "an address without one asked" ;;
*) ok "no address" ;;
esac

# Refusals name the problem and leave nothing.
refuse() {
	what=$1 expect=$2
	shift 2
	if "$cert" "$@" >"$work/out" 2>"$work/err"; then
		bad "$what: accepted"
	elif grep -q "$expect" "$work/err"; then
		ok "$what"
	else
		bad "$what: $(cat "$work/err")"
	fi
}
refuse "no name" "no host name" make "$work/d" ""
refuse "a bad address" "cannot make a certificate" make "$work/e" host 300.1.1.1
if [ -z "$(ls -A "$work/e")" ]; then ok "nothing left after a refusal"
else bad "files left after a refusal: $(ls "$work/e")"; fi
: > "$work/file"
refuse "a file for the directory" "cannot make the directory" make "$work/file/tls" host
refuse "no certificate" "holds no certificate" fingerprint "$work/a/host.key"
refuse "a missing file" "cannot read" fingerprint "$work/none.pem"
printf -- '-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n' > "$work/junk.pem"
refuse "not base64" "not valid base64" fingerprint "$work/junk.pem"
refuse "no command" "usage" frob
refuse "too many words" "usage" make "$work/f" a 192.0.2.1 extra

[ "$fails" -eq 0 ] || { echo "$fails failed"; exit 1; }
