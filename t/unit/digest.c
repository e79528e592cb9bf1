/* digest: SHA-512 streaming against known vectors, hex, image IDs, HMAC. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "digest.h"
#include "tap.h"

static const char *abc_hex = "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
			     "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";
static const char *empty_hex = "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
			       "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";

int main(void)
{
	unsigned char d[SHA512_LEN];
	char hex[SHA512_HEX_LEN + 1], id[IMAGE_ID_SIZE];
	struct err e = {0};

	sha512_buf("abc", 3, d);
	hex_encode(d, sizeof d, hex);
	is_str(hex, abc_hex, "one-shot SHA-512 of abc");

	struct sha512 *h = sha512_new();
	sha512_update(h, "a", 1);
	sha512_update(h, "", 0);
	sha512_update(h, "bc", 2);
	sha512_final(h, d);
	hex_encode(d, sizeof d, hex);
	is_str(hex, abc_hex, "streaming in pieces gives the same digest");
	sha512_reset(h);
	sha512_final(h, d);
	hex_encode(d, sizeof d, hex);
	is_str(hex, empty_hex, "reset state hashes the empty string");
	sha512_free(h);

	image_id_format(d, id);
	ok(strlen(id) == IMAGE_ID_LEN && !strncmp(id, "sha512-", 7) && !strcmp(id + 7, empty_hex),
	   "image ID is sha512-<128 hex>");

	unsigned char back[SHA512_LEN];
	is_int(hex_decode(abc_hex, back, SHA512_LEN), 0, "hex_decode accepts its own output");
	sha512_buf("abc", 3, d);
	ok(!memcmp(back, d, SHA512_LEN), "hex round trip");
	is_int(hex_decode("0g", back, 1), -1, "hex_decode refuses a non-hex digit");
	is_int(hex_decode("abc", back, 1), -1, "hex_decode refuses trailing digits");
	is_int(hex_decode("A0", back, 1), 0, "hex_decode takes upper case");
	is_int(back[0], 0xa0, "upper-case value");

	/* a file through sha512_fd, bigger than one read chunk */
	char path[] = "/tmp/digest-unit-XXXXXX";
	int fd = mkstemp(path);
	size_t n = (1 << 20) * 3 + 17;
	char *big = malloc(n);
	for (size_t i = 0; i < n; i++)
		big[i] = (char)(i * 31 + 7);
	ok(write(fd, big, n) == (ssize_t)n, "wrote test file");
	lseek(fd, 0, SEEK_SET);
	unsigned char d2[SHA512_LEN];
	is_int(sha512_fd(fd, d, &e), 0, "sha512_fd reads to EOF");
	sha512_buf(big, n, d2);
	ok(!memcmp(d, d2, SHA512_LEN), "sha512_fd equals the one-shot digest");
	close(fd);
	unlink(path);
	free(big);
	ok(sha512_fd(-1, d, &e) < 0 && e.errnum != 0, "sha512_fd reports a bad fd");

	/* RFC 4231 test case 2 */
	is_int(hmac_sha512("Jefe", 4, "what do ya want for nothing?", 28, d, &e), 0, "hmac");
	hex_encode(d, sizeof d, hex);
	is_str(hex,
	       "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a"
	       "6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
	       "HMAC-SHA512 RFC 4231 case 2");
	return done_testing();
}
