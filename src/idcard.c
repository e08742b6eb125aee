/*
 * idcard.c
 *	  The idcard type: a citizen ID number (GB 11643-1999) checked on input
 *	  and stored in 8 bytes, in the manner of contrib/isn.
 *
 * Input accepts the 18-character form (check character X in either case) and
 * the legacy 15-digit form, which is upgraded by inserting the century 19 and
 * computing the check character.  The value is the first 17 digits as an
 * int64; the check character is recomputed on output.
 */
#include "postgres.h"

#include "datatype/timestamp.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"

#include "echo.h"
#include "gbt2260.h"
#include "gridcode.h"
#include "idcard.h"

#define IDCARD_VALUE_LIMIT	100000000000000000LL	/* 10^17 */

/* ISO 7064 MOD 11-2 weights of the 17 digits, and the check for each rest */
static const int check_weights[IDCARD_BODY_DIGITS] =
{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char check_characters[11] = "10X98765432";

/* Gregorian leap year, without the backend's tables (the parser runs standalone) */
static bool
leap_year(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* True when YYYYMMDD names a real calendar day */
static bool
calendar_date_exists(int yyyymmdd)
{
	static const int days_in_month[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int			year = yyyymmdd / 10000;
	int			month = yyyymmdd / 100 % 100;
	int			day = yyyymmdd % 100;
	int			last;

	if (month < 1 || month > 12 || day < 1)
		return false;
	last = days_in_month[month - 1] + (month == 2 && leap_year(year) ? 1 : 0);
	return day <= last;
}

/* The check character of the 17 stored digits */
char
idcard_check_character(IdCard value)
{
	int			sum = 0;
	int			i;

	for (i = IDCARD_BODY_DIGITS - 1; i >= 0; i--)
	{
		sum += (int) (value % 10) * check_weights[i];
		value /= 10;
	}
	return check_characters[sum % 11];
}

/* Address code and birth date checks shared by text and binary input */
static IdCardProblem
check_parts(int address, int birth)
{
	int			year = birth / 10000;

	if (!gbt2260_province_exists(address / 10000))
		return IDCARD_BAD_PROVINCE;
	if (address / 100 % 100 == 0)
		return IDCARD_BAD_CITY;
	if (address % 100 == 0)
		return IDCARD_BAD_COUNTY;
	if (!calendar_date_exists(birth))
		return IDCARD_BAD_DATE;
	if (year < IDCARD_MIN_YEAR || year > IDCARD_MAX_YEAR)
		return IDCARD_BAD_YEAR;
	return IDCARD_OK;
}

/* True for a stored value that text input could have produced (binary input) */
bool
idcard_is_valid_value(IdCard value)
{
	if (value < 0 || value >= IDCARD_VALUE_LIMIT)
		return false;
	return check_parts((int) (value / 100000000000LL),
					   (int) (value / 1000 % 100000000)) == IDCARD_OK;
}

/*
 * Parse a citizen ID without touching the backend (no palloc, no ereport),
 * so the fuzzing harness can call it directly.  Checks run in the order a
 * reader would: characters, length, address code, birth date, check.
 */
bool
idcard_parse(const char *str, IdCard *result, IdCardParseResult *info)
{
	int			len = 0;
	int			i;
	int64		body = 0;
	char		given = '\0';

	memset(info, 0, sizeof(*info));

	/* characters: ASCII digits, and X or x (placement is checked below) */
	for (i = 0; str[i] != '\0'; i++)
	{
		char		c = str[i];

		if (!((c >= '0' && c <= '9') || c == 'X' || c == 'x'))
		{
			info->problem = IDCARD_BAD_CHARACTER;
			info->offset = i;
			return false;
		}
	}
	len = i;
	info->length = len;

	/* length */
	if (len != IDCARD_LENGTH && len != IDCARD_LEGACY_LENGTH)
	{
		info->problem = IDCARD_BAD_LENGTH;
		return false;
	}

	/* X only as the check character of the 18-character form */
	for (i = 0; i < len; i++)
	{
		char		c = str[i];

		if (c == 'X' || c == 'x')
		{
			if (len == IDCARD_LENGTH && i == IDCARD_LENGTH - 1)
				given = 'X';
			else
			{
				info->problem = IDCARD_BAD_CHARACTER;
				info->offset = i;
				return false;
			}
		}
		else if (len == IDCARD_LENGTH && i == IDCARD_LENGTH - 1)
			given = c;
		else
			body = body * 10 + (c - '0');
		/* the legacy form gets the century after its 6-digit address code */
		if (len == IDCARD_LEGACY_LENGTH && i == 5)
			body = body * 100 + 19;
	}

	info->address = (int) (body / 100000000000LL);
	info->birth = (int) (body / 1000 % 100000000);

	/* address code, then birth date */
	info->problem = check_parts(info->address, info->birth);
	if (info->problem != IDCARD_OK)
		return false;

	/* check character, computed for the legacy form */
	info->expected = idcard_check_character(body);
	info->given = given;
	if (len == IDCARD_LENGTH && given != info->expected)
	{
		info->problem = IDCARD_BAD_CHECK;
		return false;
	}

	*result = body;
	return true;
}

/* Error for malformed text input; the detail names the offending part */
#define IDCARD_SYNTAX_ERROR(str, ...) \
	ereport(ERROR, \
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION), \
			 errmsg("invalid input syntax for type %s: \"%s\"", "idcard", echo_value(str)), \
			 __VA_ARGS__))

/* The birth-date digits' positions in the input: 7-14, or 7-12 in legacy form */
static int
birth_date_last_position(const IdCardParseResult *info)
{
	return info->length == IDCARD_LEGACY_LENGTH ? 12 : 14;
}

/*
 * Parse a citizen ID and raise 22P02 naming the wrong part: the type's input
 * function, and the entry point other C code should use.
 */
IdCard
idcard_from_cstring(const char *str)
{
	IdCard		value = 0;
	IdCardParseResult info;

	if (idcard_parse(str, &value, &info))
		return value;

	switch (info.problem)
	{
		case IDCARD_BAD_CHARACTER:
			{
				const char *p = str + info.offset;
				int			position = pg_mbstrlen_with_len(str, info.offset) + 1;
				int			len = IS_HIGHBIT_SET(*p) ? pg_mblen(p) : 1;

				/* never read past the string, even for a truncated sequence */
				len = (int) strnlen(p, len);
				if ((*p == 'X' || *p == 'x') && info.length == IDCARD_LEGACY_LENGTH)
					IDCARD_SYNTAX_ERROR(str,
										errdetail("The character \"%c\" at position %d is not a digit; only the check character (position 18) may be X.",
												  *p, position),
										errhint("A legacy 15-digit number has no check character."));
				else if (*p == 'X' || *p == 'x')
					IDCARD_SYNTAX_ERROR(str,
										errdetail("The character \"%c\" at position %d is not a digit; only the check character (position 18) may be X.",
												  *p, position));
				else
					IDCARD_SYNTAX_ERROR(str,
										errdetail("The character \"%.*s\" at position %d is not a digit.",
												  len, p, position),
										errhint("A citizen ID is 17 digits and a check character (a digit or X), or 15 digits in the legacy form, with nothing around them."));
			}
			break;
		case IDCARD_BAD_LENGTH:
			IDCARD_SYNTAX_ERROR(str,
								errdetail("It has %d characters; a citizen ID has 18, or 15 in the legacy form.",
										  info.length));
			break;
		case IDCARD_BAD_PROVINCE:
			IDCARD_SYNTAX_ERROR(str,
								errdetail("The address code \"%06d\" (positions 1-6) names no province: \"%02d\" is not a GB/T 2260 province code.",
										  info.address, info.address / 10000),
								errhint("Province codes run from 11 (Beijing) to 82 (Macao)."));
			break;
		case IDCARD_BAD_CITY:
			IDCARD_SYNTAX_ERROR(str,
								errdetail("The address code \"%06d\" (positions 1-6) is not a county code: its city segment (positions 3-4) is \"00\".",
										  info.address));
			break;
		case IDCARD_BAD_COUNTY:
			IDCARD_SYNTAX_ERROR(str,
								errdetail("The address code \"%06d\" (positions 1-6) is not a county code: its county segment (positions 5-6) is \"00\".",
										  info.address));
			break;
		case IDCARD_BAD_DATE:
			IDCARD_SYNTAX_ERROR(str,
								errdetail("The birth date \"%08d\" (positions 7-%d) is not a calendar date.",
										  info.birth, birth_date_last_position(&info)));
			break;
		case IDCARD_BAD_YEAR:
			IDCARD_SYNTAX_ERROR(str,
								errdetail("The birth year %d (positions 7-10) is outside %d-%d.",
										  info.birth / 10000, IDCARD_MIN_YEAR, IDCARD_MAX_YEAR));
			break;
		case IDCARD_BAD_CHECK:
			IDCARD_SYNTAX_ERROR(str,
								errdetail("The check character (position 18) is \"%c\" but the first 17 digits give \"%c\".",
										  info.given, info.expected),
								errhint("Look for a mistyped digit; the check character follows GB 11643 (ISO 7064 MOD 11-2)."));
			break;
		case IDCARD_OK:
			break;
	}
	/* not reached: every problem above raises an error */
	elog(ERROR, "idcard parser failed without a reason");
	return 0;
}

/* The canonical 18 characters into out[19] */
void
idcard_to_chars(IdCard value, char *out)
{
	snprintf(out, IDCARD_LENGTH + 1, "%017lld%c",
			 (long long) value, idcard_check_character(value));
}

PG_FUNCTION_INFO_V1(idcard_in);
Datum
idcard_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_IDCARD(idcard_from_cstring(PG_GETARG_CSTRING(0)));
}

PG_FUNCTION_INFO_V1(idcard_out);
Datum
idcard_out(PG_FUNCTION_ARGS)
{
	char	   *out = palloc(IDCARD_LENGTH + 1);

	idcard_to_chars(PG_GETARG_IDCARD(0), out);
	PG_RETURN_CSTRING(out);
}

/* Binary input: the 17-digit int64, validated as text input is */
PG_FUNCTION_INFO_V1(idcard_recv);
Datum
idcard_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	IdCard		value = (IdCard) pq_getmsgint64(buf);

	if (!idcard_is_valid_value(value))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external idcard value %lld", (long long) value),
				 errdetail("A binary idcard is the first 17 digits as an int8, with a GB/T 2260 county code and a calendar date from %d to %d.",
						   IDCARD_MIN_YEAR, IDCARD_MAX_YEAR)));
	PG_RETURN_IDCARD(value);
}

/* Validate text without raising an error, for loaders that sort good from bad */
PG_FUNCTION_INFO_V1(idcard_is_valid);
Datum
idcard_is_valid(PG_FUNCTION_ARGS)
{
	char	   *str = text_to_cstring(PG_GETARG_TEXT_PP(0));
	IdCard		value;
	IdCardParseResult info;
	bool		ok = idcard_parse(str, &value, &info);

	pfree(str);
	PG_RETURN_BOOL(ok);
}

/* Birth date of a stored value as a DateADT */
static DateADT
birth_date_of(IdCard value)
{
	int			birth = (int) (value / 1000 % 100000000);

	return date2j(birth / 10000, birth / 100 % 100, birth % 100) - POSTGRES_EPOCH_JDATE;
}

PG_FUNCTION_INFO_V1(idcard_birth_date);
Datum
idcard_birth_date(PG_FUNCTION_ARGS)
{
	PG_RETURN_DATEADT(birth_date_of(PG_GETARG_IDCARD(0)));
}

/* The sequence's last digit is odd for men, even for women (GB 11643 4.2.3) */
PG_FUNCTION_INFO_V1(idcard_sex);
Datum
idcard_sex(PG_FUNCTION_ARGS)
{
	IdCard		value = PG_GETARG_IDCARD(0);

	PG_RETURN_TEXT_P(cstring_to_text(value % 2 == 1 ? "male" : "female"));
}

/*
 * Age in whole years on a date: the year difference, less one before the
 * birthday.  Someone born on 29 February turns a year older on 1 March in
 * common years.  NULL for a date before birth.
 */
PG_FUNCTION_INFO_V1(idcard_age);
Datum
idcard_age(PG_FUNCTION_ARGS)
{
	IdCard		value = PG_GETARG_IDCARD(0);
	DateADT		at = PG_GETARG_DATEADT(1);
	int			birth = (int) (value / 1000 % 100000000);
	int			by = birth / 10000,
				bm = birth / 100 % 100,
				bd = birth % 100;
	int			y,
				m,
				d;
	int			age;

	if (DATE_NOT_FINITE(at))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot compute an age at an infinite date")));
	/* not yet born: no age, and no error that would fail a whole report */
	if (at < birth_date_of(value))
		PG_RETURN_NULL();
	j2date(at + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	age = y - by;
	if (m < bm || (m == bm && d < bd))
		age--;
	PG_RETURN_INT32(age);
}

/* The county of registration: the address code as a county-level gridcode */
PG_FUNCTION_INFO_V1(idcard_region);
Datum
idcard_region(PG_FUNCTION_ARGS)
{
	IdCard		value = PG_GETARG_IDCARD(0);

	PG_RETURN_GRIDCODE((GridCode) (value / 100000000000LL) * 1000000000LL);
}

/* First 6 and last 4 characters kept, the 8 between starred */
PG_FUNCTION_INFO_V1(idcard_mask);
Datum
idcard_mask(PG_FUNCTION_ARGS)
{
	char		out[IDCARD_LENGTH + 1];

	idcard_to_chars(PG_GETARG_IDCARD(0), out);
	memset(out + 6, '*', IDCARD_LENGTH - 10);
	PG_RETURN_TEXT_P(cstring_to_text(out));
}

/*
 * Build an ID from its parts, computing the check character: for generators
 * and for converting records that keep the parts apart.  The parts are checked
 * as text input checks them.
 */
PG_FUNCTION_INFO_V1(idcard_make);
Datum
idcard_make(PG_FUNCTION_ARGS)
{
	GridCode	county = PG_GETARG_GRIDCODE(0);
	DateADT		birth = PG_GETARG_DATEADT(1);
	int32		sequence = PG_GETARG_INT32(2);
	int			y,
				m,
				d;
	int64		address;
	IdCard		value;

	if (gridcode_depth(county) != 3)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s is not a county code", gridcode_to_cstring(county)),
				 errdetail("The address code of a citizen ID is a 6-digit county-level gridcode.")));
	if (sequence < 0 || sequence > 999)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("sequence %d is out of range", sequence),
				 errdetail("The sequence has 3 digits, 0 to 999; odd for men, even for women.")));
	if (DATE_NOT_FINITE(birth))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the birth date must be finite")));
	j2date(birth + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	if (y < IDCARD_MIN_YEAR || y > IDCARD_MAX_YEAR)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("birth year %d is outside %d-%d", y, IDCARD_MIN_YEAR, IDCARD_MAX_YEAR)));
	address = county / 1000000000LL;
	value = ((address * 100000000LL + y * 10000 + m * 100 + d) * 1000) + sequence;
	if (!idcard_is_valid_value(value))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s is not a county code of GB/T 2260", gridcode_to_cstring(county))));
	PG_RETURN_IDCARD(value);
}
