/* Hex digits, for the readers that decode them (JSON \u escapes, image IDs,
 * URL percent-escapes). */
#ifndef RKT_HEX_H
#define RKT_HEX_H

/* 0..15 for a hex digit of either case, -1 otherwise. */
static inline int hex_val(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
