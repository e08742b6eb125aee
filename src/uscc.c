/*
 * uscc.c
 *	  The uscc type: a unified social credit code (GB 32100-2015) validated on
 *	  input, both check characters included, stored in 9 bytes (see uscc.h).
 */
#include "postgres.h"

#include "common/hashfn.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"

#include "echo.h"
#include "gbt2260.h"
#include "uscc.h"

/* the 31 characters of GB 32100, in the order of their values */
const char	uscc_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

#define USCC_RADIX 31

/* weights of the final check: 3^(i-1) mod 31 */
static const int check_weights[USCC_LENGTH - 1] =
{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

/* weights of the organisation code's check (GB 11714) */
static const int organization_weights[8] = {3, 7, 9, 10, 5, 8, 4, 2};

/* The value of a character in the code alphabet, or -1 */
static int
alphabet_value(char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(uscc_alphabet, c);
	return p ? (int) (p - uscc_alphabet) : -1;
}

/*
 * The GB 11714 check character of an 8-character organisation body: letters
 * count A = 10 … Z = 35 there (not their USCC alphabet value).
 */
static char
organization_check(const char *body)
{
	int			sum = 0;
	int			i,
				c;

	for (i = 0; i < 8; i++)
	{
		int			v = (body[i] >= '0' && body[i] <= '9') ?
		body[i] - '0' : body[i] - 'A' + 10;

		sum += v * organization_weights[i];
	}
	c = 11 - sum % 11;
	return c == 10 ? 'X' : c == 11 ? '0' : (char) ('0' + c);
}

/* The GB 32100 check character of the first 17 characters */
static char
final_check(const char *code)
{
	int			sum = 0;
	int			i;

	for (i = 0; i < USCC_LENGTH - 1; i++)
		sum += alphabet_value(code[i]) * check_weights[i];
	return uscc_alphabet[(USCC_RADIX - sum % USCC_RADIX) % USCC_RADIX];
}

/* The number written by six ASCII digits */
static uint32_t
digits6(const char *p)
{
	uint32_t	v = 0;
	int			i;

	for (i = 0; i < 6; i++)
		v = v * 10 + (uint32_t) (p[i] - '0');
	return v;
}

/* White space around a code is ignored, as in other types' input */
static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/*
 * Parse and validate a code; plain C so the fuzz harness can call it.
 * Surrounding white space is ignored and lower-case letters are accepted.
 * On failure, returns false and says in *error what is wrong and where.
 */
bool
uscc_parse(const char *str, Uscc *result, UsccError *error)
{
	char		code[USCC_LENGTH + 1];
	const char *start = str,
			   *end,
			   *p;
	int			count = 0,
				i;
	uint32_t	head;
	uint64_t	body = 0;

	memset(error, 0, sizeof(*error));
	while (is_space(*start))
		start++;
	end = start + strlen(start);
	while (end > start && is_space(end[-1]))
		end--;

	/* count characters, not bytes: a UTF-8 continuation byte is no new one */
	for (p = start; p < end; p++)
		if (((unsigned char) *p & 0xC0) != 0x80)
			count++;
	if (count != USCC_LENGTH)
	{
		error->fault = USCC_BAD_LENGTH;
		error->count = count;
		return false;
	}

	for (i = 0, p = start; i < USCC_LENGTH; i++, p++)
	{
		unsigned char c = (unsigned char) *p;

		if (c >= 0x80)
		{
			error->fault = (i >= 2 && i < 8) ? USCC_BAD_REGION : USCC_BAD_CHARACTER;
			error->position = i + 1;
			error->character = 0;
			return false;
		}
		if (c >= 'a' && c <= 'z')
			c = c - 'a' + 'A';
		code[i] = (char) c;
		if (i >= 2 && i < 8 ? !(c >= '0' && c <= '9') : alphabet_value((char) c) < 0)
		{
			error->fault = (i >= 2 && i < 8) ? USCC_BAD_REGION : USCC_BAD_CHARACTER;
			error->position = i + 1;
			error->character = (char) c;
			return false;
		}
	}
	code[USCC_LENGTH] = '\0';

	/* the region is a division code of GB/T 2260, or 100000 for the State */
	error->region = digits6(code + 2);
	if (error->region != 100000 && !gbt2260_province_exists(error->region / 10000))
	{
		error->fault = USCC_BAD_PROVINCE;
		error->position = 3;
		return false;
	}

	error->expected = organization_check(code + 8);
	if (code[16] != error->expected)
	{
		error->fault = USCC_BAD_ORGANIZATION_CHECK;
		error->position = 17;
		error->character = code[16];
		return false;
	}
	error->expected = final_check(code);
	if (code[17] != error->expected)
	{
		error->fault = USCC_BAD_CHECK;
		error->position = 18;
		error->character = code[17];
		return false;
	}
	error->expected = 0;

	head = (uint32_t) (alphabet_value(code[0]) * USCC_RADIX + alphabet_value(code[1])) * 1000000u;
	head += (uint32_t) digits6(code + 2);
	for (i = 8; i < 16; i++)
		body = body * USCC_RADIX + (uint64_t) alphabet_value(code[i]);
	for (i = 0; i < 4; i++)
		result->bytes[i] = (unsigned char) (head >> (8 * (3 - i)));
	for (i = 0; i < 5; i++)
		result->bytes[4 + i] = (unsigned char) (body >> (8 * (4 - i)));
	return true;
}

/*
 * The canonical 18 characters of a stored code; out must hold 19 bytes.
 * Every field is reduced into range, so even a damaged datum cannot make
 * this read outside the alphabet.
 */
void
uscc_format(const Uscc *code, char *out)
{
	uint32_t	head = 0;
	uint64_t	body = 0;
	uint32_t	kinds,
				region;
	int			i;

	for (i = 0; i < 4; i++)
		head = (head << 8) | code->bytes[i];
	for (i = 0; i < 5; i++)
		body = (body << 8) | code->bytes[4 + i];
	kinds = head / 1000000u;
	region = head % 1000000u;
	out[0] = uscc_alphabet[(kinds / USCC_RADIX) % USCC_RADIX];
	out[1] = uscc_alphabet[kinds % USCC_RADIX];
	for (i = 7; i >= 2; i--)
	{
		out[i] = (char) ('0' + region % 10);
		region /= 10;
	}
	for (i = 15; i >= 8; i--)
	{
		out[i] = uscc_alphabet[body % USCC_RADIX];
		body /= USCC_RADIX;
	}
	out[16] = organization_check(out + 8);
	out[17] = final_check(out);
	out[18] = '\0';
}

/* Name of the part a character position belongs to, for error details */
static const char *
part_name(int position)
{
	if (position == 1)
		return "registration authority code";
	if (position == 2)
		return "organisation type code";
	if (position <= 8)
		return "region code";
	if (position <= 17)
		return "organisation code";
	return "check character";
}

#define USCC_SYNTAX_ERROR(str, ...) \
	ereport(ERROR, \
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION), \
			 errmsg("invalid input syntax for type %s: \"%s\"", "uscc", echo_value(str)), \
			 __VA_ARGS__))

/* Parse a code or raise 22P02 with a detail naming the bad part */
Uscc *
uscc_from_cstring(const char *str)
{
	Uscc	   *result = palloc(sizeof(Uscc));
	UsccError	e;

	if (uscc_parse(str, result, &e))
		return result;

	switch (e.fault)
	{
		case USCC_BAD_LENGTH:
			USCC_SYNTAX_ERROR(str,
							  errdetail("A unified social credit code has 18 characters; this one has %d.",
										e.count));
			break;
		case USCC_BAD_CHARACTER:
			if (e.character == 0)
				USCC_SYNTAX_ERROR(str,
								  errdetail("Character %d (%s) is not ASCII.",
											e.position, part_name(e.position)),
								  errhint("Codes use 0-9 and A-Y without I, O, Z, S and V."));
			USCC_SYNTAX_ERROR(str,
							  errdetail("Character %d (%s) is \"%c\", which is not in the code alphabet.",
										e.position, part_name(e.position), e.character),
							  errhint("Codes use 0-9 and A-Y without I, O, Z, S and V.%s",
									  (e.character == 'I' || e.character == 'O') ?
									  " Did you mean 1 or 0?" : ""));
			break;
		case USCC_BAD_REGION:
			if (e.character == 0)
				USCC_SYNTAX_ERROR(str,
								  errdetail("Character %d (region code, characters 3-8) is not a digit.",
											e.position));
			USCC_SYNTAX_ERROR(str,
							  errdetail("Character %d (region code, characters 3-8) is \"%c\", not a digit.",
										e.position, e.character));
			break;
		case USCC_BAD_PROVINCE:
			USCC_SYNTAX_ERROR(str,
							  errdetail("The region code \"%06d\" (characters 3-8) names no province: \"%02d\" is not a GB/T 2260 province code.",
										e.region, e.region / 10000),
							  errhint("Region codes begin with a province code from 11 (Beijing) to 82 (Macao); a national registration has 100000."));
			break;
		case USCC_BAD_ORGANIZATION_CHECK:
			USCC_SYNTAX_ERROR(str,
							  errdetail("The organisation code (characters 9-17) ends in check character \"%c\"; GB 11714 gives \"%c\" for its first 8 characters.",
										e.character, e.expected));
			break;
		case USCC_BAD_CHECK:
			USCC_SYNTAX_ERROR(str,
							  errdetail("The check character (character 18) is \"%c\"; GB 32100 gives \"%c\" for the first 17 characters.",
										e.character, e.expected),
							  errhint("Look for a mistyped or swapped character."));
			break;
		case USCC_OK:
			break;
	}
	/* not reached */
	return result;
}

PG_FUNCTION_INFO_V1(uscc_in);
PG_FUNCTION_INFO_V1(uscc_out);
PG_FUNCTION_INFO_V1(uscc_recv);
PG_FUNCTION_INFO_V1(uscc_send);
PG_FUNCTION_INFO_V1(uscc_is_valid);
PG_FUNCTION_INFO_V1(uscc_part);

#define PG_GETARG_USCC(n) ((Uscc *) PG_GETARG_POINTER(n))

/* Text input */
Datum
uscc_in(PG_FUNCTION_ARGS)
{
	PG_RETURN_POINTER(uscc_from_cstring(PG_GETARG_CSTRING(0)));
}

/* Text output: the canonical upper-case 18 characters */
Datum
uscc_out(PG_FUNCTION_ARGS)
{
	char	   *out = palloc(USCC_LENGTH + 1);

	uscc_format(PG_GETARG_USCC(0), out);
	PG_RETURN_CSTRING(out);
}

/* Binary input: the 18 characters, validated as text input is */
Datum
uscc_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	int			nbytes;
	char	   *str = pq_getmsgtext(buf, buf->len - buf->cursor, &nbytes);

	PG_RETURN_POINTER(uscc_from_cstring(str));
}

/* Binary output: the 18 characters, so clients need no knowledge of the packing */
Datum
uscc_send(PG_FUNCTION_ARGS)
{
	StringInfoData buf;
	char		out[USCC_LENGTH + 1];

	uscc_format(PG_GETARG_USCC(0), out);
	pq_begintypsend(&buf);
	pq_sendtext(&buf, out, USCC_LENGTH);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* Is a text a valid code?  For cleaning data without catching errors */
Datum
uscc_is_valid(PG_FUNCTION_ARGS)
{
	Uscc		code;
	UsccError	e;
	char	   *str = text_to_cstring(PG_GETARG_TEXT_PP(0));

	PG_RETURN_BOOL(uscc_parse(str, &code, &e));
}

/*
 * One part of a code, by name, so SQL need not know positions:
 * registration_authority, organization_type, region, organization_code.
 */
Datum
uscc_part(PG_FUNCTION_ARGS)
{
	char		out[USCC_LENGTH + 1];
	char	   *part = text_to_cstring(PG_GETARG_TEXT_PP(1));

	uscc_format(PG_GETARG_USCC(0), out);
	if (strcmp(part, "registration_authority") == 0)
		PG_RETURN_TEXT_P(cstring_to_text_with_len(out, 1));
	if (strcmp(part, "organization_type") == 0)
		PG_RETURN_TEXT_P(cstring_to_text_with_len(out + 1, 1));
	if (strcmp(part, "region") == 0)
		PG_RETURN_TEXT_P(cstring_to_text_with_len(out + 2, 6));
	if (strcmp(part, "organization_code") == 0)
		PG_RETURN_TEXT_P(cstring_to_text_with_len(out + 8, 9));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("unknown part \"%s\" of a unified social credit code", echo_value(part)),
			 errhint("The parts are registration_authority, organization_type, region and organization_code.")));
	PG_RETURN_NULL();
}

/*
 * Build a valid code from its parts, computing both check characters: for
 * generating test and demo data, and for registries that store the parts.
 */
PG_FUNCTION_INFO_V1(make_uscc);
Datum
make_uscc(PG_FUNCTION_ARGS)
{
	char	   *authority = text_to_cstring(PG_GETARG_TEXT_PP(0));
	char	   *type = text_to_cstring(PG_GETARG_TEXT_PP(1));
	char	   *region = text_to_cstring(PG_GETARG_TEXT_PP(2));
	char	   *body = text_to_cstring(PG_GETARG_TEXT_PP(3));
	char		code[USCC_LENGTH + 1];
	int			i;

	const char *parts[4] = {authority, type, region, body};
	static const int lengths[4] = {1, 1, 6, 8};
	int			counts[4];
	int			first = 1;

	/* count characters, not bytes: "é" is one character, and not one of the code's */
	for (i = 0; i < 4; i++)
		counts[i] = pg_mbstrlen(parts[i]);
	if (counts[0] != 1 || counts[1] != 1 || counts[2] != 6 || counts[3] != 8)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("parts of a unified social credit code have 1, 1, 6 and 8 characters"),
				 errdetail("Got %d, %d, %d and %d characters.",
						   counts[0], counts[1], counts[2], counts[3])));
	for (i = 0; i < 4; first += lengths[i], i++)
	{
		const char *p;

		for (p = parts[i]; *p; p += pg_mblen(p))
			if (IS_HIGHBIT_SET(*p))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("character \"%.*s\" cannot stand in the %s of a unified social credit code",
								pg_mblen(p), p, part_name(first + pg_mbstrlen_with_len(parts[i], p - parts[i]))),
						 errhint("The region is 6 digits; the other parts use 0-9 and A-Y without I, O, Z, S and V.")));
	}
	memcpy(code, authority, 1);
	memcpy(code + 1, type, 1);
	memcpy(code + 2, region, 6);
	memcpy(code + 8, body, 8);
	for (i = 0; i < 16; i++)
	{
		char		c = code[i];

		if (c >= 'a' && c <= 'z')
			code[i] = c = c - 'a' + 'A';
		if ((i >= 2 && i < 8) ? !(c >= '0' && c <= '9') : alphabet_value(c) < 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("character \"%c\" cannot stand in the %s of a unified social credit code",
							c, part_name(i + 1)),
					 errhint("The region is 6 digits; the other parts use 0-9 and A-Y without I, O, Z, S and V.")));
	}
	code[16] = organization_check(code + 8);
	code[17] = final_check(code);
	code[18] = '\0';
	PG_RETURN_POINTER(uscc_from_cstring(code));
}

/* Three-way comparison: memcmp of the packing is the order of the text */
static int
uscc_cmp_internal(const Uscc *a, const Uscc *b)
{
	return memcmp(a->bytes, b->bytes, USCC_BYTES);
}

#define USCC_COMPARISON(name, test) \
PG_FUNCTION_INFO_V1(name); \
Datum \
name(PG_FUNCTION_ARGS) \
{ \
	int			c = uscc_cmp_internal(PG_GETARG_USCC(0), PG_GETARG_USCC(1)); \
\
	PG_RETURN_BOOL(test); \
}

/* the six comparison operators */
USCC_COMPARISON(uscc_eq, c == 0)
USCC_COMPARISON(uscc_ne, c != 0)
USCC_COMPARISON(uscc_lt, c < 0)
USCC_COMPARISON(uscc_le, c <= 0)
USCC_COMPARISON(uscc_gt, c > 0)
USCC_COMPARISON(uscc_ge, c >= 0)

/* B-tree support */
PG_FUNCTION_INFO_V1(uscc_cmp);
Datum
uscc_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(uscc_cmp_internal(PG_GETARG_USCC(0), PG_GETARG_USCC(1)));
}

/* Hash support: the 9 stored bytes; must never change (Citus shards by it) */
PG_FUNCTION_INFO_V1(uscc_hash);
Datum
uscc_hash(PG_FUNCTION_ARGS)
{
	return hash_any(PG_GETARG_USCC(0)->bytes, USCC_BYTES);
}

/* Extended hash support, for hash partitioning */
PG_FUNCTION_INFO_V1(uscc_hash_extended);
Datum
uscc_hash_extended(PG_FUNCTION_ARGS)
{
	return hash_any_extended(PG_GETARG_USCC(0)->bytes, USCC_BYTES, PG_GETARG_INT64(1));
}
