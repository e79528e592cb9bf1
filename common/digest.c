#include "digest.h"
#include "hex.h"

#include <errno.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "xalloc.h"

struct sha512 {
	EVP_MD_CTX *ctx;
};

struct sha512 *sha512_new(void)
{
	struct sha512 *h = xmalloc(sizeof *h);
	h->ctx = EVP_MD_CTX_new();
	if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha512(), NULL) != 1)
		die("libcrypto: cannot initialise SHA-512");
	return h;
}

void sha512_update(struct sha512 *h, const void *p, size_t n)
{
	if (n && EVP_DigestUpdate(h->ctx, p, n) != 1)
		die("libcrypto: SHA-512 update failed");
}

void sha512_final(struct sha512 *h, unsigned char out[SHA512_LEN])
{
	unsigned int len = 0;
	if (EVP_DigestFinal_ex(h->ctx, out, &len) != 1 || len != SHA512_LEN)
		die("libcrypto: SHA-512 final failed");
}

void sha512_reset(struct sha512 *h)
{
	if (EVP_DigestInit_ex(h->ctx, EVP_sha512(), NULL) != 1)
		die("libcrypto: cannot initialise SHA-512");
}

void sha512_free(struct sha512 *h)
{
	if (!h)
		return;
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

void sha512_buf(const void *p, size_t n, unsigned char out[SHA512_LEN])
{
	struct sha512 *h = sha512_new();
	sha512_update(h, p, n);
	sha512_final(h, out);
	sha512_free(h);
}

int sha512_fd(int fd, unsigned char out[SHA512_LEN], struct err *e)
{
	enum { CHUNK = 1 << 20 };
	_cleanup_free_ char *buf = xmalloc(CHUNK);
	struct sha512 *h = sha512_new();
	for (;;) {
		ssize_t r = read(fd, buf, CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			sha512_free(h);
			return err_sys(e, "read");
		}
		if (r == 0)
			break;
		sha512_update(h, buf, (size_t)r);
	}
	sha512_final(h, out);
	sha512_free(h);
	return 0;
}

void hex_encode(const unsigned char *p, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = '\0';
}

int hex_decode(const char *s, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int hi = hex_val(s[2 * i]), lo = hi < 0 ? -1 : hex_val(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return s[2 * n] == '\0' ? 0 : -1;
}

void image_id_format(const unsigned char d[SHA512_LEN], char out[IMAGE_ID_SIZE])
{
	memcpy(out, "sha512-", 7);
	hex_encode(d, SHA512_LEN, out + 7);
}

int hmac_sha512(const void *key, size_t keylen, const void *data, size_t n,
		unsigned char out[SHA512_LEN], struct err *e)
{
	unsigned int len = 0;
	if (!HMAC(EVP_sha512(), key, (int)keylen, data, n, out, &len) || len != SHA512_LEN)
		return err_set(e, "HMAC-SHA512 failed");
	return 0;
}
