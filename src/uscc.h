/*
 * uscc.h
 *	  The unified social credit code (统一社会信用代码, GB 32100-2015), shared
 *	  with the fuzz harness: uscc_parse() is plain C (no palloc, no ereport),
 *	  uscc_from_cstring() wraps it with PostgreSQL errors.
 *
 * A code is 18 characters of the alphabet 0-9 A-H J-N P-R T-U W-Y:
 *	 1		registration authority (登记管理部门代码)
 *	 2		organisation type (机构类别代码)
 *	 3-8	region of the registration authority (GB/T 2260), 6 digits
 *	 9-17	organisation code (主体标识码, GB 11714): 8 characters and a check
 *			character (weights 3 7 9 10 5 8 4 2, mod 11, 10 = X)
 *	 18		check character (weights 3^i mod 31, mod 31)
 *
 * Stored in 9 bytes: the two check characters follow from the rest, and the
 * rest is (authority, type, region) in 4 big-endian bytes and the 8-character
 * organisation body in 5, so memcmp order is the order of the text.
 */
#ifndef USCC_H
#define USCC_H

#include <stdbool.h>
#include <stdint.h>

#define USCC_LENGTH		18
#define USCC_BYTES		9

typedef struct Uscc
{
	unsigned char bytes[USCC_BYTES];
} Uscc;

/* what uscc_parse found wrong */
typedef enum UsccFault
{
	USCC_OK = 0,
	USCC_BAD_LENGTH,			/* count = number of characters */
	USCC_BAD_CHARACTER,			/* position, character (0 when not ASCII) */
	USCC_BAD_REGION,			/* position of the first non-digit */
	USCC_BAD_PROVINCE,			/* region = a code of no GB/T 2260 province */
	USCC_BAD_ORGANIZATION_CHECK,	/* character = found, expected */
	USCC_BAD_CHECK				/* character = found, expected */
} UsccFault;

typedef struct UsccError
{
	UsccFault	fault;
	int			position;		/* 1-based character position */
	int			count;
	char		character;
	char		expected;
	int			region;			/* the 6-digit region code */
} UsccError;

extern const char uscc_alphabet[];
extern bool uscc_parse(const char *str, Uscc *result, UsccError *error);
extern void uscc_format(const Uscc *code, char *out);	/* out: 19 bytes */
extern Uscc *uscc_from_cstring(const char *str);

#endif							/* USCC_H */
