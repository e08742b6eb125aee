/*
 * fuzz_stubs.h
 *	  What the libFuzzer harnesses share with pg_stubs.c.
 */
#ifndef FUZZ_STUBS_H
#define FUZZ_STUBS_H

#include <setjmp.h>

extern sigjmp_buf *fuzz_error_jump;
extern int	fuzz_error_count;
extern int	fuzz_last_sqlstate;
extern void fuzz_free_all(void);
extern bool fuzz_valid_utf8(const unsigned char *s, size_t len);

#endif							/* FUZZ_STUBS_H */
