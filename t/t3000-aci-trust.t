#!/bin/sh
# aci-trust: fingerprint review, storage layout, --list, --remove, bad input.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-gpg.sh"

LOCAL=$RKT_LOCAL_CONFIG/trustedkeys
VENDOR=$RKT_SYSTEM_CONFIG/trustedkeys

test_expect_success 'setup: keys made by gpg' '
	gpg_init &&
	gpg_key_new alice >alice.fpr &&
	gpg_key_new bob >bob.fpr &&
	gpg_export alice alice.pub &&
	gpg_export bob bob.pub &&
	cat alice.pub bob.pub >both.pub &&
	gpg_ --armor --export-secret-keys alice@example.com >alice.sec &&
	grep -q "BEGIN PGP PRIVATE KEY BLOCK" alice.sec &&
	gpg_key_new old 1d 20200101T000000 >old.fpr &&
	gpg_export old old.pub &&
	gpg_ --quick-gen-key "$(printf "evil\033[2J <evil@example.com>")" ed25519 sign never &&
	gpg_export evil evil.pub &&
	echo "just some text" >junk.txt &&
	: >empty.pub
'
gpg_done
A=$(cat alice.fpr) B=$(cat bob.fpr)

test_expect_success 'no terminal: the review is refused and nothing is stored' '
	test_expect_code 1 setsid -w aci-trust --prefix=example.com/app alice.pub >out 2>err &&
	grep "without a terminal" err &&
	grep -e "--skip-fingerprint-review" err &&
	test ! -s out &&
	test ! -e "$LOCAL"
'

test_expect_success 'review on the terminal: yes stores the key' '
	printf "yes\n" | setsid -w script -qec \
		"aci-trust --prefix=example.com/app alice.pub" /dev/null >tty.out 2>&1 &&
	grep "Prefix: \"example.com/app\"" tty.out &&
	grep "alice <alice@example.com>" tty.out &&
	fp=$(echo "$A" | tr a-f A-F | sed "s/..../& /g") &&
	grep -F "$(echo "$fp" | cut -c1-24)" tty.out &&
	grep "(yes/no)" tty.out &&
	test -s "$LOCAL/prefix.d/example.com/app/$A" &&
	rm -r "$LOCAL"
'

test_expect_success 'review on the terminal: no stores nothing and fails' '
	printf "no\n" | test_expect_code 1 setsid -w script -qec \
		"aci-trust --root alice.pub" /dev/null >tty.out 2>&1 &&
	grep "not trusted" tty.out &&
	test ! -e "$LOCAL"
'

test_expect_success '--prefix stores the armored key under prefix.d as nested dirs' '
	aci-trust --prefix=example.com/app --skip-fingerprint-review alice.pub >out 2>err &&
	echo "$LOCAL/prefix.d/example.com/app/$A" >expect &&
	test_cmp expect out &&
	head -n 1 "$LOCAL/prefix.d/example.com/app/$A" >first &&
	echo "-----BEGIN PGP PUBLIC KEY BLOCK-----" >expect &&
	test_cmp expect first &&
	gpg --homedir "$GPG_HOME" --show-keys --with-colons "$LOCAL/prefix.d/example.com/app/$A" >keys &&
	grep -i "^fpr:::::::::$A:" keys &&
	! grep "^sec" keys &&
	grep "added key $A for prefix \"example.com/app\"" err
'

test_expect_success '--root stores under root.d; file:// sources are read' '
	aci-trust --root --skip-fingerprint-review "file://$TRASH/bob.pub" >out &&
	echo "$LOCAL/root.d/$B" >expect &&
	test_cmp expect out &&
	test -s "$LOCAL/root.d/$B"
'

test_expect_success 'an expired key is stored, with a warning' '
	aci-trust --prefix=old.example --skip-fingerprint-review old.pub >out 2>err &&
	grep "warning: old.pub: key $(cat old.fpr) has expired" err &&
	test -s "$LOCAL/prefix.d/old.example/$(cat old.fpr)" &&
	aci-trust --remove=$(cat old.fpr) --prefix=old.example >/dev/null
'

test_expect_success 'a key on standard input' '
	aci-trust --prefix=stdin.example --skip-fingerprint-review - <alice.pub >out &&
	echo "$LOCAL/prefix.d/stdin.example/$A" >expect &&
	test_cmp expect out &&
	aci-trust --remove="$A" --prefix=stdin.example >/dev/null
'

test_expect_success 'control characters of user IDs are not sent to the terminal' '
	aci-trust --prefix=evil.example --skip-fingerprint-review evil.pub >/dev/null &&
	aci-trust --list >out &&
	grep "^evil.example .* evil?\[2J <evil@example.com>\$" out &&
	! grep "$(printf "\033")" out &&
	aci-trust --remove=$(gpg_fpr evil@example.com) --prefix=evil.example >/dev/null
'

test_expect_success 'a file with two keys stores each under its own fingerprint' '
	aci-trust --prefix=example.org --skip-fingerprint-review both.pub >out &&
	printf "%s\n" "$LOCAL/prefix.d/example.org/$A" "$LOCAL/prefix.d/example.org/$B" | sort >expect &&
	sort out >actual &&
	test_cmp expect actual &&
	gpg --homedir "$GPG_HOME" --show-keys --with-colons "$LOCAL/prefix.d/example.org/$B" >keys &&
	test $(grep -c "^pub" keys) = 1
'

test_expect_success 'bad key files are refused and nothing is stored' '
	test_must_fail aci-trust --prefix=bad.example --skip-fingerprint-review alice.sec 2>err &&
	grep "secret key" err &&
	test_must_fail aci-trust --prefix=bad.example --skip-fingerprint-review junk.txt 2>err &&
	grep "junk.txt: no OpenPGP public key" err &&
	test_must_fail aci-trust --prefix=bad.example --skip-fingerprint-review empty.pub 2>err &&
	grep "empty.pub: empty" err &&
	test_must_fail aci-trust --prefix=bad.example --skip-fingerprint-review missing.pub 2>err &&
	grep "missing.pub: No such file" err &&
	test ! -e "$LOCAL/prefix.d/bad.example"
'

test_expect_success 'one bad source does not stop the others, but fails the run' '
	test_expect_code 1 aci-trust --prefix=mixed.example --skip-fingerprint-review junk.txt alice.pub >out &&
	echo "$LOCAL/prefix.d/mixed.example/$A" >expect &&
	test_cmp expect out
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 aci-trust --skip-fingerprint-review alice.pub 2>err &&
	grep -e "--root is required" err &&
	test_expect_code 2 aci-trust --root --prefix=example.com alice.pub &&
	test_expect_code 2 aci-trust --prefix=Example.COM alice.pub 2>err &&
	grep "not an AC identifier" err &&
	test_expect_code 2 aci-trust --prefix=example.com/../x alice.pub &&
	test_expect_code 2 aci-trust --root=maybe alice.pub &&
	test_expect_code 2 aci-trust --root &&
	test_expect_code 2 aci-trust --remove=$A alice.pub &&
	test_expect_code 2 aci-trust --bogus &&
	aci-trust --help >out && grep "usage: aci-trust" out
'

test_expect_success 'a key over plain http is refused (key URLs and discovery: t4030)' '
	test_expect_code 1 aci-trust --prefix=example.com http://example.com/key.gpg 2>err &&
	grep "insecure-allow-http" err
'

test_expect_success '--list shows prefix, fingerprint, config and user IDs' '
	mkdir -p "$VENDOR/prefix.d/vendor.example" &&
	cp bob.pub "$VENDOR/prefix.d/vendor.example/$B" &&
	aci-trust --list >out &&
	head -n 1 out | grep "^PREFIX *FINGERPRINT *CONFIG *USER IDS" &&
	grep "^(root) *$B *local *bob <bob@example.com>\$" out &&
	grep "^example.com/app *$A *local *alice <alice@example.com>\$" out &&
	grep "^vendor.example *$B *vendor *bob <bob@example.com>\$" out &&
	aci-trust --list --no-legend >out2 &&
	! grep PREFIX out2 &&
	test $(wc -l <out2) = 6
'

test_expect_success 'a local key overrides the vendor key of the same name' '
	mkdir -p "$LOCAL/prefix.d/vendor.example" &&
	cp bob.pub "$LOCAL/prefix.d/vendor.example/$B" &&
	aci-trust --list --no-legend >out &&
	grep "^vendor.example *$B *local" out &&
	! grep "^vendor.example *$B *vendor" out &&
	rm "$LOCAL/prefix.d/vendor.example/$B"
'

test_expect_success '--remove deletes a local key and masks a vendor one' '
	aci-trust --remove="$A" --prefix=example.com/app >out &&
	echo "$LOCAL/prefix.d/example.com/app/$A" >expect &&
	test_cmp expect out &&
	test ! -e "$LOCAL/prefix.d/example.com/app/$A" &&
	aci-trust --remove="$(echo $B | tr a-f A-F | sed "s/..../& /g")" --prefix=vendor.example >out &&
	test -e "$LOCAL/prefix.d/vendor.example/$B" &&
	test ! -s "$LOCAL/prefix.d/vendor.example/$B" &&
	test -s "$VENDOR/prefix.d/vendor.example/$B" &&
	aci-trust --list --no-legend >out &&
	! grep "example.com/app" out &&
	! grep "vendor.example" out
'

test_expect_success '--remove of a key not trusted there fails' '
	test_must_fail aci-trust --remove="$A" --prefix=example.com/app 2>err &&
	grep "not trusted for prefix \"example.com/app\"" err &&
	test_must_fail aci-trust --remove="$A" --root 2>err &&
	grep "not a trusted root key" err &&
	test_must_fail aci-trust --remove=nothex --root 2>err &&
	grep "invalid fingerprint" err
'

test_expect_success 'no temporary GNUPGHOME is left behind' '
	mkdir tmp &&
	TMPDIR=$TRASH/tmp aci-trust --list >/dev/null &&
	TMPDIR=$TRASH/tmp aci-trust --root --skip-fingerprint-review alice.pub >/dev/null &&
	test -z "$(ls -A tmp)"
'

test_done
