/* SHA-512 through OpenSSL's libcrypto: streaming hashes, hex encoding, the
 * appc image ID form "sha512-<128 hex>", and HMAC-SHA512. */
#ifndef RKT_DIGEST_H
#define RKT_DIGEST_H

#include <stddef.h>

#include "err.h"

#define SHA512_LEN 64
#define SHA512_HEX_LEN (2 * SHA512_LEN)
/* "sha512-" + 128 hex + NUL */
#define IMAGE_ID_LEN (7 + SHA512_HEX_LEN)
#define IMAGE_ID_SIZE (IMAGE_ID_LEN + 1)

struct sha512; /* opaque streaming state */

struct sha512 *sha512_new(void);
void sha512_update(struct sha512 *h, const void *p, size_t n);
/* Writes the 64-byte digest; the state may be reused after sha512_reset. */
void sha512_final(struct sha512 *h, unsigned char out[SHA512_LEN]);
void sha512_reset(struct sha512 *h);
void sha512_free(struct sha512 *h);

/* One-shot digest of a buffer. */
void sha512_buf(const void *p, size_t n, unsigned char out[SHA512_LEN]);
/* Digest of everything read from fd until EOF. */
int sha512_fd(int fd, unsigned char out[SHA512_LEN], struct err *e);

/* Lower-case hex of n bytes into out (2n+1 bytes, NUL-terminated). */
void hex_encode(const unsigned char *p, size_t n, char *out);
/* Parse exactly 2n hex digits (either case) followed by NUL into n bytes;
 * -1 if malformed or of another length. */
int hex_decode(const char *s, unsigned char *out, size_t n);

/* "sha512-<hex>" of a digest. */
void image_id_format(const unsigned char d[SHA512_LEN], char out[IMAGE_ID_SIZE]);

/* HMAC-SHA512 of data under key. */
int hmac_sha512(const void *key, size_t keylen, const void *data, size_t n,
		unsigned char out[SHA512_LEN], struct err *e);

#endif
