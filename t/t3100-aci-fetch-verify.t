#!/bin/sh
# aci-fetch of local images: the signature is verified for the manifest's
# name against the keystore before anything enters the store.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-gpg.sh"

LOCAL=$RKT_LOCAL_CONFIG/trustedkeys
VENDOR=$RKT_SYSTEM_CONFIG/trustedkeys

# make_aci NAME OUT [CONTENT]: a small gzip ACI named NAME.
make_aci() {
	rm -rf "mk-$2" && mkdir -p "mk-$2/rootfs" &&
	echo "${3:-$1}" >"mk-$2/rootfs/hello" &&
	write_manifest "mk-$2" "$1" &&
	tar -C "mk-$2" -czf "$2" manifest rootfs
}

# The number of images in the store (its blobs, see DESIGN.md).
store_count() {
	find "$RKT_DIR/cas/blob" -type f -name 'sha512-*' 2>/dev/null | wc -l
}

# image_id FILE: the ID the store gives it.
image_id() {
	echo "sha512-$(gzip -dc "$1" | sha512sum | cut -c1-128)"
}

trust() { # trust PREFIX|--root NAME
	if [ "$1" = --root ]; then
		aci-trust --root --skip-fingerprint-review "$2.pub" >/dev/null 2>&1
	else
		aci-trust --prefix="$1" --skip-fingerprint-review "$2.pub" >/dev/null 2>&1
	fi
}

test_expect_success 'setup: keys, images and signatures' '
	gpg_init &&
	for k in alice bob carol dave; do
		gpg_key_new $k >$k.fpr && gpg_export $k $k.pub || return 1
	done &&
	gpg_key_new old 1d 20200101T000000 >old.fpr && gpg_export old old.pub &&
	gpg_key_new ancient never 20200101T000000 >ancient.fpr && gpg_export ancient ancient.pub &&
	make_aci example.com/app app.aci &&
	gpg_sign alice app.aci &&
	make_aci example.com/application application.aci &&
	gpg_sign alice application.aci &&
	make_aci example.org/tool tool.aci &&
	gpg_sign alice tool.aci &&
	make_aci anything.example/x any.aci &&
	gpg_sign carol any.aci &&
	make_aci vendor.example/v vendor.aci &&
	gpg_sign bob vendor.aci &&
	make_aci old.example/o old.aci &&
	gpg_sign old old.aci --faked-system-time "20200101T010000!" &&
	make_aci ancient.example/a ancient.aci &&
	gpg_sign ancient ancient.aci --faked-system-time "20200101T010000!" --default-sig-expire 1d &&
	make_aci revoked.example/r revoked.aci &&
	gpg_sign dave revoked.aci &&
	make_aci example.com/unsigned unsigned.aci &&
	test -s app.aci.asc && test -s ancient.aci.asc && test -s old.aci.asc
'
gpg_done

test_expect_success 'missing signature: refused with exit 3, nothing stored' '
	test_expect_code 3 aci-fetch unsigned.aci >out 2>err &&
	grep "no signature: unsigned.aci.asc not found" err &&
	test ! -s out &&
	test $(store_count) = 0
'

test_expect_success 'nothing trusted: unknown key, exit 3' '
	test_expect_code 3 aci-fetch app.aci >out 2>err &&
	grep "signed by unknown key $(cat alice.fpr)" err &&
	grep "aci-trust --prefix=example.com/app" err &&
	test $(store_count) = 0
'

test_expect_success 'trusted prefix: verified, imported, ID printed' '
	trust example.com alice &&
	aci-fetch app.aci >out 2>err &&
	image_id app.aci >expect &&
	test_cmp expect out &&
	grep "app.aci: signature verified:" err &&
	grep "^  alice <alice@example.com>\$" err &&
	test $(store_count) = 1 &&
	cas-store cat-manifest "$(cat out)" >m &&
	grep "\"name\": \"example.com/app\"" m
'

test_expect_success 'key trusted only for another prefix: refused, exit 3' '
	test_expect_code 3 aci-fetch tool.aci 2>err &&
	grep "trusted only for prefix \"example.com\", not for \"example.org/tool\"" err &&
	test $(store_count) = 1
'

test_expect_success 'a prefix covers whole path components only' '
	rm -r "$LOCAL" &&
	trust example.com/app alice &&
	test_expect_code 3 aci-fetch application.aci 2>err &&
	grep "trusted only for prefix \"example.com/app\"" err &&
	test $(store_count) = 1
'

test_expect_success 'root key: trusted for every name' '
	test_expect_code 3 aci-fetch any.aci &&
	trust --root carol &&
	aci-fetch any.aci >out 2>err &&
	image_id any.aci >expect &&
	test_cmp expect out &&
	grep "carol <carol@example.com>" err &&
	test $(store_count) = 2
'

test_expect_success 'vendor keys are read; a local removal masks them' '
	mkdir -p "$VENDOR/prefix.d/vendor.example" &&
	cp bob.pub "$VENDOR/prefix.d/vendor.example/$(cat bob.fpr)" &&
	aci-fetch vendor.aci >out &&
	image_id vendor.aci >expect &&
	test_cmp expect out &&
	aci-trust --remove="$(cat bob.fpr)" --prefix=vendor.example >/dev/null &&
	make_aci vendor.example/v vendor2.aci second &&
	gpg_sign bob vendor2.aci &&
	test_expect_code 3 aci-fetch vendor2.aci 2>err &&
	grep "unknown key" err &&
	test $(store_count) = 3
'

test_expect_success 'tampered image: another image under the same signature, exit 3' '
	make_aci example.com/app evil.aci "evil content" &&
	cp app.aci.asc evil.aci.asc &&
	test_expect_code 3 aci-fetch evil.aci 2>err &&
	grep "bad signature by key $(cat alice.fpr): the image or its signature was altered" err &&
	test $(store_count) = 3
'

test_expect_success 'tampered image: bytes changed or appended, refused' '
	cp app.aci flipped.aci && cp app.aci.asc flipped.aci.asc &&
	printf "\377" | dd of=flipped.aci bs=1 seek=$(($(wc -c <app.aci) - 12)) conv=notrunc 2>/dev/null &&
	test_must_fail aci-fetch flipped.aci 2>err &&
	grep "flipped.aci" err &&
	cp app.aci longer.aci && cp app.aci.asc longer.aci.asc &&
	echo trailing >>longer.aci &&
	test_expect_code 3 aci-fetch longer.aci 2>err &&
	grep "bad signature" err &&
	test $(store_count) = 3
'

test_expect_success 'tampered or malformed signature: exit 3' '
	cp app.aci t1.aci &&
	awk "NR == 3 { c = substr(\$0, 20, 1); \$0 = substr(\$0, 1, 19) (c == \"A\" ? \"B\" : \"A\") substr(\$0, 21) } 1" \
		app.aci.asc >t1.aci.asc &&
	! cmp -s app.aci.asc t1.aci.asc &&
	test_expect_code 3 aci-fetch t1.aci 2>err &&
	grep "not verified" err &&
	cp app.aci t2.aci && echo "not a signature" >t2.aci.asc &&
	test_expect_code 3 aci-fetch t2.aci 2>err &&
	grep "malformed signature" err &&
	cp app.aci t3.aci && cp alice.pub t3.aci.asc &&
	test_expect_code 3 aci-fetch t3.aci 2>err &&
	grep "malformed signature" err &&
	cp app.aci t4.aci && : >t4.aci.asc &&
	test_expect_code 3 aci-fetch t4.aci 2>err &&
	grep "signature file is empty" err &&
	test $(store_count) = 3
'

test_expect_success 'expired key: refused, exit 3' '
	aci-trust --prefix=old.example --skip-fingerprint-review old.pub >/dev/null 2>&1 &&
	test_expect_code 3 aci-fetch old.aci 2>err &&
	grep "signing key $(cat old.fpr) has expired" err &&
	test $(store_count) = 3
'

test_expect_success 'expired signature: refused, exit 3' '
	trust ancient.example ancient &&
	test_expect_code 3 aci-fetch ancient.aci 2>err &&
	grep "signature by key $(cat ancient.fpr) has expired" err &&
	test $(store_count) = 3
'

test_expect_success 'revoked key: good before, refused after the revocation is trusted' '
	trust revoked.example dave &&
	cp revoked.aci revoked-before.aci && cp revoked.aci.asc revoked-before.aci.asc &&
	aci-fetch revoked-before.aci >out &&
	test $(store_count) = 4 &&
	make_aci revoked.example/r revoked2.aci "after" &&
	gpg_sign dave revoked2.aci &&
	gpg_revoke dave &&
	gpg_export dave dave.pub &&
	aci-trust --prefix=revoked.example --skip-fingerprint-review dave.pub >/dev/null 2>&1 &&
	test_expect_code 3 aci-fetch revoked2.aci 2>err &&
	grep "signing key $(cat dave.fpr) has been revoked" err &&
	test $(store_count) = 4
'
gpg_done

test_expect_success 'a signing subkey counts as its primary key' '
	gpg_ --quick-gen-key "erin <erin@example.com>" ed25519 cert never &&
	gpg_fpr erin@example.com >erin.fpr &&
	gpg_ --quick-add-key "$(cat erin.fpr)" ed25519 sign &&
	gpg_export erin erin.pub &&
	make_aci subkey.example/s subkey.aci &&
	gpg_sign erin subkey.aci &&
	test_expect_code 3 aci-fetch subkey.aci 2>err &&
	trust subkey.example erin &&
	aci-fetch subkey.aci >out 2>err &&
	grep "erin <erin@example.com>" err &&
	test $(store_count) = 5
'
gpg_done

test_expect_success '--insecure-options=image: imported unverified, with a warning' '
	aci-fetch --insecure-options=image unsigned.aci >out 2>err &&
	image_id unsigned.aci >expect &&
	test_cmp expect out &&
	grep "warning: unsigned.aci (example.com/unsigned): signature not checked" err &&
	! grep "signature verified" err &&
	test $(store_count) = 6
'

test_expect_success '--signature and file:// URLs' '
	make_aci example.com/app/sub sub.aci &&
	mkdir sigs && gpg_sign alice sub.aci && mv sub.aci.asc sigs/sub.sig &&
	test_expect_code 3 aci-fetch "file://$TRASH/sub.aci" &&
	aci-fetch --signature=sigs/sub.sig "file://$TRASH/sub.aci" >out &&
	image_id sub.aci >expect &&
	test_cmp expect out &&
	test $(store_count) = 7
'
gpg_done

test_expect_success 'an image already stored prints the same ID' '
	aci-fetch app.aci >out &&
	image_id app.aci >expect &&
	test_cmp expect out &&
	test $(store_count) = 7
'

test_expect_success 'an image others can write is verified and imported from a private copy' '
	cp app.aci gw.aci && cp app.aci.asc gw.aci.asc && chmod 666 gw.aci &&
	TMPDIR=$TRASH/nonexistent test_expect_code 1 aci-fetch gw.aci 2>err &&
	grep "gw.aci: temporary copy in $TRASH/nonexistent" err &&
	mkdir tmpc &&
	TMPDIR=$TRASH/tmpc aci-fetch gw.aci >out &&
	image_id app.aci >expect &&
	test_cmp expect out &&
	test -z "$(ls -A tmpc)"
'

test_expect_success 'not an image, or no such file: exit 1, nothing stored' '
	echo junk >junk.aci && cp app.aci.asc junk.aci.asc &&
	test_expect_code 1 aci-fetch junk.aci 2>err &&
	grep "junk.aci" err &&
	test_expect_code 1 aci-fetch missing.aci 2>err &&
	grep "missing.aci: No such file" err &&
	mkdir noman && echo x >noman/file && tar -C noman -czf noman.aci file &&
	cp app.aci.asc noman.aci.asc &&
	test_expect_code 1 aci-fetch noman.aci 2>err &&
	grep "no manifest" err &&
	test $(store_count) = 7
'

test_expect_success 'usage errors exit 2' '
	test_expect_code 2 aci-fetch &&
	test_expect_code 2 aci-fetch --insecure-options=image,bogus app.aci 2>err &&
	grep "unknown option \"bogus\"" err &&
	test_expect_code 2 aci-fetch --signature=a --signature=b app.aci &&
	test_expect_code 2 aci-fetch --bogus app.aci &&
	aci-fetch --help >out && grep "usage: aci-fetch" out
'

test_expect_success 'no temp GNUPGHOME left, the user'"'"'s ~/.gnupg untouched' '
	mkdir tmp &&
	TMPDIR=$TRASH/tmp aci-fetch app.aci >/dev/null 2>&1 &&
	TMPDIR=$TRASH/tmp test_expect_code 3 aci-fetch tool.aci 2>/dev/null &&
	test -z "$(ls -A tmp)" &&
	test ! -e "$HOME/.gnupg"
'

test_done
