/*
 * pg_stubs.c
 *	  Just enough of the backend for the C parsers to run under libFuzzer outside
 *	  the server: ereport unwinds with siglongjmp to the harness, palloc draws on
 *	  an arena the harness frees after every input (so LeakSanitizer stays
 *	  quiet), and the messages are really formatted, so a bad errdetail
 *	  argument is caught by AddressSanitizer.
 */
#include "postgres.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "mb/pg_wchar.h"

#include "fuzz_stubs.h"

/* libc's own, which the sanitizers intercept, not port.h's pg_ versions */
#undef vsnprintf
#undef snprintf

sigjmp_buf *fuzz_error_jump = NULL;
int			fuzz_error_count = 0;
int			fuzz_last_sqlstate = 0;

static int	current_elevel = 0;
static char message_buffer[4096];

/* Every allocation, chained, so fuzz_free_all can release them */
typedef struct ArenaChunk
{
	struct ArenaChunk *next;
	size_t		size;
	/* followed by the caller's memory, maximally aligned */
} ArenaChunk;

#define CHUNK_HEADER MAXALIGN(sizeof(ArenaChunk))

static ArenaChunk *arena = NULL;

void *
palloc(Size size)
{
	ArenaChunk *chunk = malloc(CHUNK_HEADER + size);

	if (chunk == NULL)
		abort();
	chunk->next = arena;
	chunk->size = size;
	arena = chunk;
	return (char *) chunk + CHUNK_HEADER;
}

void *
palloc0(Size size)
{
	void	   *p = palloc(size);

	memset(p, 0, size);
	return p;
}

void *
palloc_extended(Size size, int flags)
{
	return (flags & MCXT_ALLOC_ZERO) ? palloc0(size) : palloc(size);
}

/* Arena memory is released in bulk; a pfree is a no-op like in a short context */
void
pfree(void *pointer)
{
}

void *
repalloc(void *pointer, Size size)
{
	void	   *p = palloc(size);
	ArenaChunk *old = (ArenaChunk *) ((char *) pointer - CHUNK_HEADER);

	memcpy(p, pointer, Min(size, old->size));
	return p;
}

char *
pstrdup(const char *in)
{
	size_t		len = strlen(in);
	char	   *p = palloc(len + 1);

	memcpy(p, in, len + 1);
	return p;
}

char *
pnstrdup(const char *in, Size len)
{
	char	   *p;

	len = strnlen(in, len);
	p = palloc(len + 1);
	memcpy(p, in, len);
	p[len] = '\0';
	return p;
}

void
fuzz_free_all(void)
{
	while (arena)
	{
		ArenaChunk *next = arena->next;

		free(arena);
		arena = next;
	}
}

char *
psprintf(const char *fmt,...)
{
	va_list		args;
	int			len;
	char	   *p;

	va_start(args, fmt);
	len = vsnprintf(NULL, 0, fmt, args);
	va_end(args);
	if (len < 0)
		abort();
	p = palloc(len + 1);
	va_start(args, fmt);
	vsnprintf(p, len + 1, fmt, args);
	va_end(args);
	return p;
}

/* The server's multibyte length for UTF-8, from the lead byte only, as pg_utf_mblen */
int
pg_mblen(const char *mbstr)
{
	unsigned char c = (unsigned char) *mbstr;

	if ((c & 0x80) == 0)
		return 1;
	if ((c & 0xe0) == 0xc0)
		return 2;
	if ((c & 0xf0) == 0xe0)
		return 3;
	if ((c & 0xf8) == 0xf0)
		return 4;
	return 1;
}

int
pg_database_encoding_max_length(void)
{
	return 4;
}

int
GetDatabaseEncoding(void)
{
	return PG_UTF8;
}

bool
errstart(int elevel, const char *domain)
{
	current_elevel = elevel;
	return elevel >= ERROR;
}

bool
errstart_cold(int elevel, const char *domain)
{
	return errstart(elevel, domain);
}

/* An ERROR ends the parse: back to the harness, as the server's longjmp would */
void
errfinish(const char *filename, int lineno, const char *funcname)
{
	if (current_elevel >= ERROR)
	{
		fuzz_error_count++;
		if (fuzz_error_jump == NULL)
			abort();
		siglongjmp(*fuzz_error_jump, 1);
	}
}

int
errcode(int sqlerrcode)
{
	fuzz_last_sqlstate = sqlerrcode;
	return 0;
}

/* Format for real, so a bad argument is read under the sanitizers */
static int
format_message(const char *fmt, va_list args)
{
	vsnprintf(message_buffer, sizeof(message_buffer), fmt, args);
	return 0;
}

#define FORMATTER(name) \
int \
name(const char *fmt,...) \
{ \
	va_list		args; \
	va_start(args, fmt); \
	format_message(fmt, args); \
	va_end(args); \
	return 0; \
}

FORMATTER(errmsg)
FORMATTER(errmsg_internal)
FORMATTER(errdetail)
FORMATTER(errdetail_internal)
FORMATTER(errhint)
FORMATTER(errcontext_msg)

int
errmsg_plural(const char *fmt_singular, const char *fmt_plural, unsigned long n,...)
{
	va_list		args;

	va_start(args, n);
	format_message(n == 1 ? fmt_singular : fmt_plural, args);
	va_end(args);
	return 0;
}

int
errdetail_plural(const char *fmt_singular, const char *fmt_plural, unsigned long n,...)
{
	va_list		args;

	va_start(args, n);
	format_message(n == 1 ? fmt_singular : fmt_plural, args);
	va_end(args);
	return 0;
}

/* A failed Assert (the harnesses build with USE_ASSERT_CHECKING): a crash for libFuzzer */
void
ExceptionalCondition(const char *conditionName, const char *errorType,
					 const char *fileName, int lineNumber)
{
	fprintf(stderr, "fuzz: %s(\"%s\", File: \"%s\", Line: %d)\n",
			errorType, conditionName, fileName, lineNumber);
	abort();
}

void
pg_re_throw(void)
{
	abort();
}

/* port.h routes the parsers' snprintf to PostgreSQL's own; libc's does the same formats */
int
pg_vsnprintf(char *str, size_t count, const char *fmt, va_list args)
{
	return vsnprintf(str, count, fmt, args);
}

int
pg_snprintf(char *str, size_t count, const char *fmt,...)
{
	va_list		args;
	int			len;

	va_start(args, fmt);
	len = vsnprintf(str, count, fmt, args);
	va_end(args);
	return len;
}

int
pg_sprintf(char *str, const char *fmt,...)
{
	va_list		args;
	int			len;

	va_start(args, fmt);
	len = vsprintf(str, fmt, args);
	va_end(args);
	return len;
}

/* Characters up to a byte limit, walked as the server walks them (lead bytes only) */
int
pg_mbstrlen_with_len(const char *mbstr, int limit)
{
	int			len = 0;

	while (limit > 0 && *mbstr)
	{
		int			l = pg_mblen(mbstr);

		limit -= l;
		mbstr += l;
		len++;
	}
	return len;
}

/*
 * Is the input well-formed UTF-8 without NUL, as every string the server hands an
 * input function is (pg_verifymbstr runs first)?  Used by harnesses whose parsers
 * rely on that, as PostgreSQL's own multibyte walkers do.
 */
bool
fuzz_valid_utf8(const unsigned char *s, size_t len)
{
	size_t		i = 0;

	while (i < len)
	{
		unsigned char c = s[i];
		size_t		n;
		uint32		cp;

		if (c == 0)
			return false;
		if (c < 0x80)
		{
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0)
			n = 2, cp = c & 0x1f;
		else if ((c & 0xf0) == 0xe0)
			n = 3, cp = c & 0x0f;
		else if ((c & 0xf8) == 0xf0)
			n = 4, cp = c & 0x07;
		else
			return false;
		if (i + n > len)
			return false;
		for (size_t k = 1; k < n; k++)
		{
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
			cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n;
	}
	return true;
}
