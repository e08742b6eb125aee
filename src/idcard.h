/*
 * idcard.h
 *	  The citizen ID number (GB 11643-1999), shared by the type's functions and
 *	  by the fuzzing harness, which calls the parser without a backend.
 *
 * An IdCard holds the first 17 digits (address code, birth date, sequence) as
 * a number below 10^17; the check character is a function of them and is
 * computed again on output, so numeric order is the order of the canonical
 * text.
 */
#ifndef IDCARD_H
#define IDCARD_H

#include "postgres.h"
#include "fmgr.h"

typedef int64 IdCard;

#define IDCARD_LENGTH			18
#define IDCARD_LEGACY_LENGTH	15
#define IDCARD_BODY_DIGITS		17
#define IDCARD_MIN_YEAR			1800
#define IDCARD_MAX_YEAR			2199

#define DatumGetIdCard(d)		DatumGetInt64(d)
#define IdCardGetDatum(c)		Int64GetDatum(c)
#define PG_GETARG_IDCARD(n)		DatumGetIdCard(PG_GETARG_DATUM(n))
#define PG_RETURN_IDCARD(c)		return IdCardGetDatum(c)

/* What the parser found wrong, for the error message */
typedef enum IdCardProblem
{
	IDCARD_OK = 0,
	IDCARD_BAD_CHARACTER,		/* a byte that is no digit (or X out of place) */
	IDCARD_BAD_LENGTH,			/* neither 18 nor 15 characters */
	IDCARD_BAD_PROVINCE,		/* province not in GB/T 2260 */
	IDCARD_BAD_CITY,			/* city segment 00 */
	IDCARD_BAD_COUNTY,			/* county segment 00 */
	IDCARD_BAD_DATE,			/* not a calendar date */
	IDCARD_BAD_YEAR,			/* year outside IDCARD_MIN_YEAR..MAX_YEAR */
	IDCARD_BAD_CHECK			/* check character does not match */
} IdCardProblem;

typedef struct IdCardParseResult
{
	IdCardProblem problem;
	int			offset;			/* byte offset of a bad character */
	int			length;			/* length of an all-ASCII input */
	int			address;		/* the 6-digit address code */
	int			birth;			/* YYYYMMDD, century inserted for legacy */
	char		given;			/* check character given */
	char		expected;		/* check character computed */
} IdCardParseResult;

/* pure C, no palloc and no ereport: safe to fuzz outside a backend */
extern bool idcard_parse(const char *str, IdCard *result, IdCardParseResult *info);
extern bool idcard_is_valid_value(IdCard value);
extern char idcard_check_character(IdCard value);
extern void idcard_to_chars(IdCard value, char *out);

/* the type input function's parser: ereports 22P02 on bad input */
extern IdCard idcard_from_cstring(const char *str);

#endif							/* IDCARD_H */
