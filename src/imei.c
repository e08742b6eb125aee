/*
 * imei.c
 *	  The imei type: a device's IMEI checked on input (15 digits, Luhn check
 *	  digit) and stored in 8 bytes, pass-by-value, as idcard and gridcode.
 *
 * The value is the first 14 digits (TAC and serial) as an int64; the check
 * digit is recomputed on output.  Comparison and hashing are int8's.
 */
#include "postgres.h"

#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "echo.h"
#include "imei.h"

/*
 * The Luhn check digit of the 14 stored digits: from the right, every other
 * digit (the 14th, 12th, ... counted from the left) is doubled, digits summed.
 */
char
imei_check_digit(Imei body)
{
	int			sum = 0;
	int			i;

	for (i = 0; i < IMEI_BODY_DIGITS; i++)
	{
		int			d = (int) (body % 10);

		body /= 10;
		if (i % 2 == 0)
		{
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return (char) ('0' + (10 - sum % 10) % 10);
}

/*
 * Parse an IMEI without touching the backend.  Checks run in the order a
 * reader would: characters, length, check digit.
 */
bool
imei_parse(const char *str, Imei *result, ImeiParseResult *info)
{
	int			i;
	Imei		body = 0;

	memset(info, 0, sizeof(*info));
	for (i = 0; str[i] != '\0'; i++)
	{
		if (str[i] < '0' || str[i] > '9')
		{
			info->problem = IMEI_BAD_CHARACTER;
			info->offset = i;
			return false;
		}
		/* bounded: a longer input is refused below, before its value is used */
		if (i < IMEI_BODY_DIGITS)
			body = body * 10 + (str[i] - '0');
	}
	info->length = i;
	if (i != IMEI_LENGTH)
	{
		info->problem = IMEI_BAD_LENGTH;
		return false;
	}
	info->given = str[IMEI_LENGTH - 1];
	info->expected = imei_check_digit(body);
	if (info->given != info->expected)
	{
		info->problem = IMEI_BAD_CHECK;
		return false;
	}
	*result = body;
	return true;
}

#define IMEI_SYNTAX_ERROR(str, ...) \
	ereport(ERROR, \
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION), \
			 errmsg("invalid input syntax for type %s: \"%s\"", "imei", echo_value(str)), \
			 __VA_ARGS__))

/* Parse an IMEI and raise 22P02 naming the bad digit or character */
Imei
imei_from_cstring(const char *str)
{
	Imei		value = 0;
	ImeiParseResult info;

	if (imei_parse(str, &value, &info))
		return value;

	switch (info.problem)
	{
		case IMEI_BAD_CHARACTER:
			{
				const char *p = str + info.offset;
				int			position = pg_mbstrlen_with_len(str, info.offset) + 1;
				int			len = IS_HIGHBIT_SET(*p) ? pg_mblen(p) : 1;

				len = (int) strnlen(p, len);
				IMEI_SYNTAX_ERROR(str,
								  errdetail("The character \"%.*s\" at position %d is not a digit.",
											len, p, position),
								  errhint("An IMEI is 15 digits (8-digit TAC, 6-digit serial, Luhn check digit), with nothing around them."));
			}
			break;
		case IMEI_BAD_LENGTH:
			IMEI_SYNTAX_ERROR(str,
							  errdetail("It has %d digits; an IMEI has 15.", info.length),
							  info.length == 14 ?
							  errhint("A 14-digit number lacks its check digit; a 16-digit IMEISV has a software version instead, and is no IMEI.") :
							  errhint("An IMEI is 15 digits (8-digit TAC, 6-digit serial, Luhn check digit)."));
			break;
		case IMEI_BAD_CHECK:
			IMEI_SYNTAX_ERROR(str,
							  errdetail("The check digit (position 15) is \"%c\" but the first 14 digits give \"%c\".",
										info.given, info.expected),
							  errhint("Look for a mistyped digit; the check digit follows the Luhn algorithm."));
			break;
		case IMEI_OK:
			break;
	}
	elog(ERROR, "imei parser failed without a reason");
	return 0;
}

/* The canonical 15 digits into out[16] */
void
imei_to_chars(Imei value, char *out)
{
	snprintf(out, IMEI_LENGTH + 1, "%014lld%c", (long long) value, imei_check_digit(value));
}

PG_FUNCTION_INFO_V1(imei_in);
Datum
imei_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_IMEI(imei_from_cstring(PG_GETARG_CSTRING(0)));
}

PG_FUNCTION_INFO_V1(imei_out);
Datum
imei_out(PG_FUNCTION_ARGS)
{
	char	   *out = palloc(IMEI_LENGTH + 1);

	imei_to_chars(PG_GETARG_IMEI(0), out);
	PG_RETURN_CSTRING(out);
}

/* Binary input: the 14-digit body as an int64, range-checked */
PG_FUNCTION_INFO_V1(imei_recv);
Datum
imei_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	Imei		value = (Imei) pq_getmsgint64(buf);

	if (value < 0 || value >= IMEI_VALUE_LIMIT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external imei value %lld", (long long) value),
				 errdetail("A binary imei is its first 14 digits as an int8, from 0 to 10^14 - 1.")));
	PG_RETURN_IMEI(value);
}

/* Validate text without raising an error, for loaders that set bad rows aside */
PG_FUNCTION_INFO_V1(imei_is_valid);
Datum
imei_is_valid(PG_FUNCTION_ARGS)
{
	char	   *str = text_to_cstring(PG_GETARG_TEXT_PP(0));
	Imei		value;
	ImeiParseResult info;

	PG_RETURN_BOOL(imei_parse(str, &value, &info));
}

/* The type allocation code (first 8 digits): the maker and model */
PG_FUNCTION_INFO_V1(imei_tac);
Datum
imei_tac(PG_FUNCTION_ARGS)
{
	char	   *out = palloc(9);

	snprintf(out, 9, "%08lld", (long long) (PG_GETARG_IMEI(0) / 1000000));
	PG_RETURN_TEXT_P(cstring_to_text(out));
}
