#!/bin/sh
# spec/ace.md from the app's side, checked the way appc's ACE validator
# checks an executor: a pod of two apps sharing an empty volume, the main app
# with pre-start and post-stop handlers, a working directory, an environment
# and no /etc/passwd, registered with the metadata service. Each app (and each
# handler) checks what it sees and prints "MODE OK", or "MODE FAIL" and why.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-pod.sh"
. "$T_DIR/lib-net.sh"

export RKT_METADATA_SOCKET="$TRASH/mds.sock"

# The checker, run in the pod as /ace-validator MODE (busybox sh and wget).
write_checker() {
	cat >"$1" <<-\EOF
	#!/bin/sh
	fails=0
	fail() { echo "==> $*" >&2; fails=$((fails + 1)); }
	exists() { test -e "$1" || fail "$1 does not exist"; }
	absent() { test ! -e "$1" || fail "$1 exists"; }
	create() { absent "$1"; touch "$1" || fail "cannot create $1"; }
	wait_file() {
		i=0
		while [ ! -e "$1" ]; do
			i=$((i + 1)); [ $i -gt 300 ] && { fail "timed out waiting for $1"; return; }
			sleep 0.1
		done
	}
	is() { [ "$2" = "$3" ] || fail "$1: need \"$3\", got \"$2\""; }
	md=$AC_METADATA_URL/acMetadata/v1
	# mdget PATH TYPE: the body; the Content-Type must be TYPE exactly
	mdget() {
		busybox wget -S -q -O /tmp/body --header "Metadata-Flavor: AppContainer" "$md$1" 2>/tmp/hdr ||
			{ fail "GET $1 failed: $(cat /tmp/hdr)"; return; }
		is "Content-Type of $1" "$(sed -n 's/^ *Content-Type: *//p' /tmp/hdr | tr -d '\r')" "$2"
		cat /tmp/body
	}
	mdpost() {
		busybox wget -S -q -O /tmp/body --post-data "$2" "$md$1" 2>/tmp/hdr ||
			{ fail "POST $1 failed: $(cat /tmp/hdr)"; return; }
		is "Content-Type of $1" "$(sed -n 's/^ *Content-Type: *//p' /tmp/hdr | tr -d '\r')" \
			"text/plain; charset=us-ascii"
		cat /tmp/body
	}
	urlenc() { sed -e 's/%/%25/g' -e 's/+/%2B/g' -e 's|/|%2F|g' -e 's/=/%3D/g' -e 's/ /+/g'; }
	json='application/json'
	text='text/plain; charset=us-ascii'

	case $1 in
	prestart)
		create /prestart; absent /main; absent /poststop ;;
	poststop)
		exists /prestart; exists /main; create /poststop ;;
	sidekick)
		create /db/sidekick; wait_file /db/main ;;
	main)
		exists /prestart; create /main; absent /poststop
		is PATH "$PATH" /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
		is "working directory" "$(pwd)" /opt/acvalidator
		is IN_ACE_VALIDATOR "$IN_ACE_VALIDATOR" correct
		is HOME "$HOME" /root; is USER "$USER" root; is LOGNAME "$LOGNAME" root
		is SHELL "$SHELL" /bin/sh; is AC_APP_NAME "$AC_APP_NAME" ace-validator-main
		[ -n "$container" ] || fail "container is not set"
		mnt=$(busybox awk '$5 == "/db" { print $6 }' /proc/self/mountinfo)
		[ -n "$mnt" ] || fail "/db is not a mount point"
		case ",$mnt," in *,rw,*) ;; *) fail "/db is not read-write: $mnt" ;; esac
		[ -n "$AC_METADATA_URL" ] || fail "AC_METADATA_URL is not set"
		pm=$(mdget /pod/manifest $json)
		case $pm in *'"acKind"'*PodManifest*) ;; *) fail "pod manifest: $pm" ;; esac
		uuid=$(mdget /pod/uuid "$text")
		echo "$uuid" | busybox grep -qx '[0-9a-f]\{8\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{4\}-[0-9a-f]\{12\}' ||
			fail "malformed pod UUID: $uuid"
		is "pod annotations" "$(mdget /pod/annotations/ $json)" '[]'
		for app in ace-validator-main ace-validator-sidekick; do
			im=$(mdget /apps/$app/image/manifest $json)
			case $im in *'"acKind"'*ImageManifest*"$app"*) ;; *) fail "$app image manifest: $im" ;; esac
			id=$(mdget /apps/$app/image/id "$text")
			case $pm in *"\"$id\""*) ;; *) fail "$app image id $id is not the pod manifest's" ;; esac
			mdget /apps/$app/annotations $json >/tmp/ann
		done
		busybox grep -q '"lorem"' /tmp/ann || fail "the sidekick's image annotations are missing: $(cat /tmp/ann)"
		plain="Old MacDonald Had A Farm"
		sig=$(mdpost /pod/hmac/sign "content=$(printf %s "$plain" | urlenc)")
		[ -n "$sig" ] || fail "no signature"
		mdpost /pod/hmac/verify "content=$(printf %s "$plain" | urlenc)&uuid=$uuid&signature=$(printf %s "$sig" | urlenc)" >/dev/null
		wait_file /db/sidekick; create /db/main ;;
	*)
		echo "usage: $0 main|sidekick|prestart|poststop" >&2; exit 64 ;;
	esac
	if [ $fails -eq 0 ]; then echo "$1 OK"; exit 0; fi
	echo "$1 FAIL"; exit 1
	EOF
	chmod 755 "$1"
}

# ace_image DIR NAME MODE 'APP FIELDS' 'IMAGE FIELDS'
ace_image() {
	make_rootfs "$1/rootfs" && ln -s busybox "$1/rootfs/bin/awk" &&
	rm "$1/rootfs/etc/passwd" "$1/rootfs/etc/group" &&
	mkdir -p "$1/rootfs/opt/acvalidator" "$1/rootfs/db" &&
	write_checker "$1/rootfs/ace-validator" &&
	cat >"$1/manifest" <<-EOF
	{"acKind": "ImageManifest", "acVersion": "0.8.11", "name": "example.com/$2",
	 "labels": [{"name": "version", "value": "0.8.11"}, {"name": "os", "value": "linux"},
	            {"name": "arch", "value": "amd64"}],
	 "app": {"exec": ["/ace-validator", "$3"], "user": "0", "group": "0",
	         "mountPoints": [{"name": "database", "path": "/db", "readOnly": false}]${4:-}}${5:-}}
	EOF
}

test_expect_success 'setup: the validator images (main with handlers, sidekick), the service' '
	ace_image main ace-validator-main main ",
	 \"eventHandlers\": [{\"name\": \"pre-start\", \"exec\": [\"/ace-validator\", \"prestart\"]},
	                   {\"name\": \"post-stop\", \"exec\": [\"/ace-validator\", \"poststop\"]}],
	 \"workingDirectory\": \"/opt/acvalidator\",
	 \"environment\": [{\"name\": \"IN_ACE_VALIDATOR\", \"value\": \"correct\"}],
	 \"ports\": [{\"name\": \"www\", \"protocol\": \"tcp\", \"port\": 80}],
	 \"isolators\": [{\"name\": \"resource/memory\", \"value\": {\"limit\": \"1G\"}}]" &&
	ace_image sidekick ace-validator-sidekick sidekick "" ",
	 \"annotations\": [{\"name\": \"lorem\", \"value\": \"ipsum\"}]" &&
	aci-build --owner-root main main.aci >/dev/null &&
	aci-build --owner-root sidekick sidekick.aci >/dev/null &&
	cas-store import main.aci >main.id && cas-store import sidekick.aci >side.id &&
	net_snapshot >net.before &&
	bg pod-metadata --dir="$RKT_DIR" &&
	echo "$(cat "$TRASH/.bg.pid")" >mds.pid &&
	wait_for 10 "test -S \"$RKT_METADATA_SOCKET\""
'

test_expect_success 'the pod passes every check: main, sidekick, pre-start, post-stop' '
	uuid=$(pod-prepare --volume=database,kind=empty "$(cat main.id)" --- "$(cat side.id)") &&
	bounded 60 pod-run --mds-register "$uuid" >out 2>err;
	rc=$? && cat out err &&
	test $rc = 0 &&
	for m in prestart main sidekick poststop; do grep -qx "$m OK" out || exit 1; done &&
	! grep -q FAIL out
'

test_expect_success 'a failing check fails the pod and says why (the checker can fail)' '
	uuid=$(pod-prepare --volume=database,kind=empty "$(cat main.id)" --set-env=IN_ACE_VALIDATOR=wrong \
		--- "$(cat side.id)") &&
	test_expect_code 1 bounded 60 pod-run --mds-register "$uuid" >out 2>err &&
	grep -qx "main FAIL" out &&
	grep -q "IN_ACE_VALIDATOR: need \"correct\", got \"wrong\"" err
'

test_expect_success 'without --mds-register the metadata checks fail' '
	uuid=$(pod-prepare --volume=database,kind=empty "$(cat main.id)" --- "$(cat side.id)") &&
	test_expect_code 1 bounded 60 pod-run "$uuid" >out 2>err &&
	grep -qx "main FAIL" out && grep -qx "sidekick OK" out &&
	grep -q "AC_METADATA_URL is not set" err
'

test_expect_success 'nothing is left on the host' '
	kill "$(cat mds.pid)" &&
	pod-gc --grace-period=0s &&
	net_snapshot >net.after &&
	test_cmp net.before net.after
'

test_done
