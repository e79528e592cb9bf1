# Test servers: a test CA and server certificates (openssl), Debian's nginx
# on loopback with its own prefix under $TRASH, and a network namespace whose
# /etc/hosts maps real host names (example.com ...) to 127.0.0.1.
# Usage: . "$T_DIR/lib-nginx.sh" after lib.sh.

NGINX=${NGINX:-/usr/sbin/nginx}
TEST_CA="$TRASH/tls/ca.crt"

# free_port: a TCP port on 127.0.0.1 that nobody listens on now (others run
# tests at once, so nginx_start retries with another one if it is taken).
free_port() {
	while :; do
		_p=$(( (($(od -An -N2 -tu2 /dev/urandom) % 30000)) + 20000 ))
		ss -Htln "sport = :$_p" 2>/dev/null | grep -q . || { echo "$_p"; return 0; }
	done
}

# tls_make_certs NAME...: a test CA ($TEST_CA) and one server certificate
# ($TRASH/tls/server.{crt,key}) valid for every NAME (host names; IP
# addresses for names made of digits and dots).
tls_make_certs() {
	mkdir -p "$TRASH/tls" && (
		cd "$TRASH/tls" &&
		_san= &&
		for _n in "$@"; do
			case $_n in
			*[!0-9.]*) _san="$_san${_san:+,}DNS:$_n" ;;
			*) _san="$_san${_san:+,}IP:$_n" ;;
			esac
		done &&
		openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout ca.key -out ca.crt -days 2 -subj "/CN=rkt-tools test CA $$" \
			-addext basicConstraints=critical,CA:TRUE \
			-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null &&
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			-keyout server.key -out server.csr -subj "/CN=$1" 2>/dev/null &&
		printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' \
			"$_san" >server.ext &&
		openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial \
			-days 2 -out server.crt -extfile server.ext 2>/dev/null
	)
}

# htpasswd_make FILE USER PASSWORD: an nginx Basic auth file.
htpasswd_make() {
	printf '%s:%s\n' "$2" "$(openssl passwd -apr1 "$3")" >"$1"
}

# netns_make NAME...: a network namespace rkt-<pid> with loopback up, whose
# /etc/hosts maps each NAME to 127.0.0.1; removed at exit. Sets NETNS.
netns_make() {
	NETNS=rkt-net-$$
	ip netns add "$NETNS" || return 1
	test_at_exit "ip netns del $NETNS; rm -rf /etc/netns/$NETNS"
	mkdir -p "/etc/netns/$NETNS" &&
	{
		echo "127.0.0.1 localhost"
		for _n in "$@"; do echo "127.0.0.1 $_n"; done
	} >"/etc/netns/$NETNS/hosts" &&
	ip netns exec "$NETNS" ip link set lo up
}

# in_netns CMD...: run CMD inside $NETNS (with its /etc/hosts).
in_netns() { ip netns exec "$NETNS" "$@"; }

# nginx_start NAME CONF: start nginx with the http{} body in file CONF, in
# $NETNS if set. @PORT@ in CONF is replaced by a free port (kept in
# NGINX_PORT); @PREFIX@ by its directory, @CERT@/@KEY@ by the server
# certificate. Requests are logged with the Authorization header they carried
# to @PREFIX@/access.log. Killed at exit.
nginx_start() {
	_name=$1 _conf=$2
	_pre="$TRASH/nginx-$_name"
	mkdir -p "$_pre/tmp" || return 1
	for _try in 1 2 3 4 5; do
		if [ -n "${NETNS:-}" ]; then NGINX_PORT=${NGINX_FIXED_PORT:-443}; else NGINX_PORT=$(free_port); fi
		{
			cat <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $_pre/nginx.pid;
error_log $_pre/error.log info;
events { worker_connections 64; }
http {
	client_body_temp_path $_pre/tmp/body;
	proxy_temp_path $_pre/tmp/proxy;
	fastcgi_temp_path $_pre/tmp/fastcgi;
	uwsgi_temp_path $_pre/tmp/uwsgi;
	scgi_temp_path $_pre/tmp/scgi;
	log_format withauth '\$host \$server_port "\$request" \$status auth="\$http_authorization"';
	access_log $_pre/access.log withauth;
	default_type application/octet-stream;
	types { text/html html; }
	server_tokens off;
EOF
			sed -e "s|@PORT@|$NGINX_PORT|g" -e "s|@PREFIX@|$_pre|g" \
				-e "s|@CERT@|$TRASH/tls/server.crt|g" -e "s|@KEY@|$TRASH/tls/server.key|g" "$_conf"
			echo "}"
		} >"$_pre/nginx.conf"
		: >"$_pre/error.log"
		if [ -n "${NETNS:-}" ]; then
			ip netns exec "$NETNS" "$NGINX" -e "$_pre/error.log" -p "$_pre" -c "$_pre/nginx.conf" &
		else
			"$NGINX" -e "$_pre/error.log" -p "$_pre" -c "$_pre/nginx.conf" &
		fi
		_pid=$!
		test_kill_at_exit "$_pid"
		# up when its pid file exists and it is still running
		_i=0
		while [ $_i -lt 100 ]; do
			kill -0 "$_pid" 2>/dev/null || break
			[ -s "$_pre/nginx.pid" ] && return 0
			sleep 0.05
			_i=$((_i + 1))
		done
		kill "$_pid" 2>/dev/null
		grep -q "Address already in use" "$_pre/error.log" || break
	done
	echo "nginx_start $_name failed:" >&2
	cat "$_pre/error.log" >&2
	return 1
}
