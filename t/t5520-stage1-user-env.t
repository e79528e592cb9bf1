#!/bin/sh
# stage1 runs an app as its user and groups from the image's own /etc files
# (by name, by number, by a file's owner), with its environment, working
# directory, /etc/hosts and /etc/resolv.conf.
. "$(dirname "$0")/lib.sh"
. "$T_DIR/lib-stage1.sh"

run_id() { # NAME USER GROUP [APP_FIELDS]
	pod=$(stage1_pod) && stage1_app "$pod" "$1" &&
	stage1_manifest "$pod" "$(app_json "$1" "\"/bin/sh\", \"-c\", \"id -u; id -g; id -G; echo \$HOME\"" "${4:-}" | sed "s/\"user\": \"0\", \"group\": \"0\"/\"user\": \"$2\", \"group\": \"$3\"/")" &&
	stage1_run "$pod"
}

test_expect_success 'user and group by name from the image, with its groups and HOME' '
	run_id byname user staff >out &&
	printf "1000\n50\n50\n/home/user\n" >expect && test_cmp expect out
'

test_expect_success 'user and group by number (not in the image files)' '
	run_id bynum 4242 4343 >out &&
	printf "4242\n4343\n4343\n/\n" >expect && test_cmp expect out
'

test_expect_success 'supplementaryGIDs are added to the groups' '
	run_id supp 1000 1000 "\"supplementaryGIDs\": [7, 8]" >out &&
	printf "1000\n1000\n1000 7 8 50\n/home/user\n" >expect && test_cmp expect out
'

test_expect_success 'user and group from a file owner ("/path")' '
	pod=$(stage1_pod) && stage1_app "$pod" owner &&
	touch "$pod/stage1/rootfs/opt/stage2/owner/rootfs/owned" &&
	chown 321:654 "$pod/stage1/rootfs/opt/stage2/owner/rootfs/owned" &&
	stage1_manifest "$pod" "$(app_json owner "\"/bin/sh\", \"-c\", \"id -u; id -g\"" | sed "s/\"user\": \"0\", \"group\": \"0\"/\"user\": \"\\/owned\", \"group\": \"\\/owned\"/")" &&
	stage1_run "$pod" >out &&
	printf "321\n654\n" >expect && test_cmp expect out
'

test_expect_success 'an unknown user name fails naming the app and user' '
	test_must_fail run_id nouser ghost 0 2>err &&
	grep -q "^stage1: app nouser: user \"ghost\": not found in the image.s /etc/passwd" err &&
	test_must_fail run_id nogroup 0 ghosts 2>err &&
	grep -q "^stage1: app nogroup: group \"ghosts\": not found" err
'

test_expect_success 'the host passwd is never used: a host-only user is unknown' '
	grep -q "^daemon:" /etc/passwd &&
	test_must_fail run_id hostuser daemon 0 2>err &&
	grep -q "user \"daemon\": not found" err
'

test_expect_success 'environment: the app env (not the host env), AC_APP_NAME, PATH, USER, LOGNAME, HOME, SHELL, container' '
	pod=$(stage1_pod) && stage1_app "$pod" env &&
	stage1_manifest "$pod" "$(app_json env "\"env\"" "\"environment\": [{\"name\": \"FOO\", \"value\": \"override\"}, {\"name\": \"AC_APP_NAME\", \"value\": \"spoof\"}, {\"name\": \"WITH_EQ\", \"value\": \"a=b c\"}]")" &&
	FOO=host-leak stage1_run "$pod" >out &&
	sort out >actual &&
	printf "%s\n" AC_APP_NAME=env FOO=override HOME=/root LOGNAME=root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin SHELL=/bin/sh USER=root WITH_EQ="a=b c" container=rkt | sort >expect &&
	test_cmp expect actual
'

test_expect_success 'an app PATH is kept and used to find exec' '
	pod=$(stage1_pod) && stage1_app "$pod" path &&
	mkdir "$pod/stage1/rootfs/opt/stage2/path/rootfs/mybin" &&
	printf "#!/bin/sh\necho found \$PATH\n" >"$pod/stage1/rootfs/opt/stage2/path/rootfs/mybin/tool" &&
	chmod +x "$pod/stage1/rootfs/opt/stage2/path/rootfs/mybin/tool" &&
	stage1_manifest "$pod" "$(app_json path "\"tool\"" "\"environment\": [{\"name\": \"PATH\", \"value\": \"/mybin:/bin\"}]")" &&
	stage1_run "$pod" >out &&
	echo "found /mybin:/bin" >expect && test_cmp expect out
'

test_expect_success 'workingDirectory is the cwd; default /' '
	pod=$(stage1_pod) && stage1_app "$pod" wd &&
	stage1_manifest "$pod" "$(app_json wd "\"pwd\"" "\"workingDirectory\": \"/tmp\"")" &&
	stage1_run "$pod" >out && echo /tmp >expect && test_cmp expect out &&
	stage1_manifest "$pod" "$(app_json wd "\"pwd\"")" &&
	stage1_run "$pod" >out && echo / >expect && test_cmp expect out
'

test_expect_success '/etc/hosts is made when the image has none, kept when it has one' '
	pod=$(stage1_pod) && stage1_app "$pod" hosts &&
	stage1_manifest "$pod" "$(app_json hosts "\"cat\", \"/etc/hosts\"")" &&
	stage1_runtime "$pod" "{\"hostname\": \"hh\"}" &&
	stage1_run "$pod" >out &&
	grep -q "^127.0.0.1	localhost .* hh$" out &&
	echo "10.0.0.1 mine" >"$pod/stage1/rootfs/opt/stage2/hosts/rootfs/etc/hosts" &&
	stage1_run "$pod" >out &&
	echo "10.0.0.1 mine" >expect && test_cmp expect out
'

test_expect_success 'hostsEntries and DNS settings from runtime.json' '
	pod=$(stage1_pod) && stage1_app "$pod" dns &&
	echo "10.0.0.1 mine" >"$pod/stage1/rootfs/opt/stage2/dns/rootfs/etc/hosts" &&
	stage1_manifest "$pod" "$(app_json dns "\"cat\", \"/etc/hosts\", \"/etc/resolv.conf\"")" &&
	stage1_runtime "$pod" "{\"dns\": [\"192.0.2.1\", \"192.0.2.2\"], \"dnsSearch\": [\"example.com\"], \"dnsOptions\": [\"ndots:2\"], \"hostsEntries\": [{\"ip\": \"192.0.2.9\", \"names\": [\"a\", \"b\"]}]}" &&
	stage1_run "$pod" >out &&
	grep -qx "192.0.2.9	a b" out && ! grep -q mine out &&
	grep -qx "nameserver 192.0.2.1" out && grep -qx "nameserver 192.0.2.2" out &&
	grep -qx "search example.com" out && grep -qx "options ndots:2" out
'

test_expect_success 'a symlinked /etc/hosts in the image is replaced, never followed' '
	echo "host file" >victim &&
	pod=$(stage1_pod) && stage1_app "$pod" evil &&
	ln -s "$TRASH/victim" "$pod/stage1/rootfs/opt/stage2/evil/rootfs/etc/resolv.conf" &&
	stage1_manifest "$pod" "$(app_json evil "\"cat\", \"/etc/resolv.conf\"")" &&
	stage1_runtime "$pod" "{\"dns\": [\"192.0.2.1\"]}" &&
	stage1_run "$pod" >out &&
	grep -qx "nameserver 192.0.2.1" out &&
	echo "host file" >expect && test_cmp expect victim
'

test_done
