/*
 * echo.h
 *	  Cutting an input that an error message quotes.  A message echoes at most
 *	  ECHO_MAX_CHARACTERS characters of a value and marks the cut with "...",
 *	  so a 100 kB input cannot fill the client's screen and the server log.
 *	  Every C error that quotes user input passes it through echo_value (SQL
 *	  errors through commgrid.echo_value(text), which calls the same code).
 *
 *	  Header-only (static inline), so the fuzzing harnesses need no other
 *	  object: it calls only palloc and pg_mblen, which pg_stubs.c provides.
 */
#ifndef ECHO_H
#define ECHO_H

#include "postgres.h"

#include "mb/pg_wchar.h"

#define ECHO_MAX_CHARACTERS 64

/*
 * The first ECHO_MAX_CHARACTERS characters of str[0..len) followed by "...",
 * or the whole of it (NUL-terminated) when it is no longer.  The cut falls
 * between characters, never inside a multibyte one, in any server encoding.
 */
static inline const char *
echo_value_len(const char *str, size_t len)
{
	size_t		at = 0;
	int			characters = 0;
	char	   *out;

	while (at < len && characters < ECHO_MAX_CHARACTERS)
	{
		size_t		step = IS_HIGHBIT_SET(str[at]) ? (size_t) pg_mblen(str + at) : 1;

		if (step < 1 || at + step > len)
			step = len - at;	/* a truncated sequence: keep what is there */
		at += step;
		characters++;
	}
	out = palloc(at + 4);
	memcpy(out, str, at);
	if (at < len)
		memcpy(out + at, "...", 4);
	else
		out[at] = '\0';
	return out;
}

/* echo_value_len for a NUL-terminated string */
static inline const char *
echo_value(const char *str)
{
	return echo_value_len(str, strlen(str));
}

#endif							/* ECHO_H */
