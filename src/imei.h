/*
 * imei.h
 *	  The IMEI of a wearable device (3GPP TS 23.003: 8-digit TAC, 6-digit
 *	  serial, Luhn check digit), shared by the type's functions and by the
 *	  fuzzing harness, which calls the parser without a backend.
 *
 * An Imei holds the first 14 digits as a number below 10^14; the check digit
 * is a function of them and is computed again on output, so numeric order is
 * the order of the canonical text.
 */
#ifndef IMEI_H
#define IMEI_H

#include "postgres.h"
#include "fmgr.h"

typedef int64 Imei;

#define IMEI_LENGTH			15
#define IMEI_BODY_DIGITS	14
#define IMEI_VALUE_LIMIT	100000000000000LL	/* 10^14 */

#define DatumGetImei(d)		DatumGetInt64(d)
#define ImeiGetDatum(c)		Int64GetDatum(c)
#define PG_GETARG_IMEI(n)	DatumGetImei(PG_GETARG_DATUM(n))
#define PG_RETURN_IMEI(c)	return ImeiGetDatum(c)

typedef enum ImeiProblem
{
	IMEI_OK = 0,
	IMEI_BAD_CHARACTER,			/* a byte that is no ASCII digit */
	IMEI_BAD_LENGTH,			/* not 15 digits */
	IMEI_BAD_CHECK				/* Luhn check digit does not match */
} ImeiProblem;

typedef struct ImeiParseResult
{
	ImeiProblem problem;
	int			offset;			/* byte offset of a bad character */
	int			length;			/* length of an all-digit input */
	char		given;			/* check digit given */
	char		expected;		/* check digit computed */
} ImeiParseResult;

/* pure C, no palloc and no ereport: safe to fuzz outside a backend */
extern bool imei_parse(const char *str, Imei *result, ImeiParseResult *info);
extern char imei_check_digit(Imei body);
extern void imei_to_chars(Imei value, char *out);

/* the type input function's parser: ereports 22P02 on bad input */
extern Imei imei_from_cstring(const char *str);

#endif							/* IMEI_H */
