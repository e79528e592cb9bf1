# Image fixtures for the cas-store tests: small ACIs made with tar, so that
# the store is tested independently of aci-build.

# cas_manifest NAME VERSION [DEPS_JSON] [WHITELIST_JSON]: an image manifest
# for the host's linux/amd64 on stdout.
cas_manifest() {
	printf '{"acKind":"ImageManifest","acVersion":"0.8.11","name":"%s",' "$1"
	printf '"labels":[{"name":"version","value":"%s"},{"name":"os","value":"linux"},{"name":"arch","value":"amd64"}]' "$2"
	[ -n "${3:-}" ] && printf ',"dependencies":%s' "$3"
	[ -n "${4:-}" ] && printf ',"pathWhitelist":%s' "$4"
	printf ',"app":{"exec":["/bin/true"],"user":"0","group":"0"}}\n'
}

# cas_tar DIR: the image directory DIR (manifest + rootfs/) as a plain tar
# on stdout, stable bytes.
cas_tar() {
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=pax \
		--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
		-C "$1" -cf - manifest rootfs
}

# cas_tiny_aci OUT NAME VERSION [DEPS_JSON] [WHITELIST_JSON]: an image with
# one file /NAME-ish holding its name and version, gzip'd.
cas_tiny_aci() {
	_o=$1 _nm=$2 _v=$3
	_d=$(mktemp -d "$TRASH/img.XXXXXX") &&
	mkdir -p "$_d/rootfs/etc" &&
	echo "$_nm $_v" >"$_d/rootfs/etc/image" &&
	cas_manifest "$_nm" "$_v" "${4:-}" "${5:-}" >"$_d/manifest" &&
	cas_tar "$_d" | gzip -n >"$_o" &&
	rm -rf "$_d"
}
