# OpenPGP fixtures for the trust tests: real keys made by gpg in a temp
# GNUPGHOME under the scratch dir (never the user's ~/.gnupg), detached
# signatures, expired and revoked keys. Source after lib.sh.
# Keys are ed25519 signing-only keys without a passphrase: each takes a few ms.

GPG_HOME="$TRASH/gnupg"

gpg_() {
	gpg --homedir "$GPG_HOME" --batch --no-tty --quiet --pinentry-mode loopback \
		--passphrase '' "$@"
}

gpg_init() {
	mkdir -p "$GPG_HOME" && chmod 700 "$GPG_HOME"
}

# gpg_fpr UID: the fingerprint of the key of UID, lowercase (the keystore's file name).
gpg_fpr() {
	gpg_ --with-colons --list-keys "$1" | awk -F: '$1 == "fpr" { print tolower($10); exit }'
}

# gpg_key_new NAME [EXPIRE [WHEN]]: a signing key "NAME <NAME@example.com>",
# expiring after EXPIRE (default never), made at time WHEN (gpg's
# --faked-system-time, e.g. 20200101T000000) if given. Prints its fingerprint.
gpg_key_new() {
	_uid="$1 <$1@example.com>"
	if [ -n "${3:-}" ]; then
		gpg_ --faked-system-time "$3!" --quick-gen-key "$_uid" ed25519 sign "${2:-never}" 2>/dev/null
	else
		gpg_ --quick-gen-key "$_uid" ed25519 sign "${2:-never}"
	fi || return 1
	gpg_fpr "$1@example.com"
}

# gpg_export NAME FILE: the armored public key of NAME's key.
gpg_export() {
	gpg_ --armor --export "$1@example.com" >"$2" && test -s "$2"
}

# gpg_sign NAME FILE [GPG OPTIONS...]: FILE.asc, an armored detached signature.
gpg_sign() {
	_n=$1 _f=$2
	shift 2
	rm -f "$_f.asc" &&
	gpg_ "$@" --local-user "$_n@example.com" --armor --detach-sign --output "$_f.asc" "$_f" 2>/dev/null
}

# gpg_revoke NAME: revoke NAME's key with the revocation certificate gpg made
# when it created the key.
gpg_revoke() {
	_fpr=$(gpg_fpr "$1@example.com" | tr a-f A-F) &&
	sed 's/^:-----BEGIN/-----BEGIN/' "$GPG_HOME/openpgp-revocs.d/$_fpr.rev" >"$TRASH/revoke.asc" &&
	gpg_ --import "$TRASH/revoke.asc" 2>/dev/null
}

# gpg_done: stop the agent gpg started to make keys. Call it outside test
# blocks once the keys are made, and before test_done. (An agent left behind
# exits by itself once the scratch dir, holding its socket, is removed.)
gpg_done() {
	gpgconf --homedir "$GPG_HOME" --kill gpg-agent 2>/dev/null
	return 0
}
