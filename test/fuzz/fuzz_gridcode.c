/*
 * fuzz_gridcode.c
 *	  libFuzzer harness for gridcode_from_cstring: any bytes (cut at the first
 *	  NUL, as a cstring is) either raise an ereport or give a valid code whose
 *	  canonical text parses back to the same value.
 */
#include "postgres.h"

#include "fuzz_stubs.h"
#include "gridcode.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sigjmp_buf	jump;
	char	   *input = malloc(size + 1);

	memcpy(input, data, size);
	input[size] = '\0';
	fuzz_error_jump = &jump;
	if (sigsetjmp(jump, 0) == 0)
	{
		GridCode	code = gridcode_from_cstring(input);
		char	   *text;

		if (!gridcode_is_valid(code))
			__builtin_trap();
		text = gridcode_to_cstring(code);
		if (gridcode_from_cstring(text) != code)
			__builtin_trap();
	}
	else if (fuzz_last_sqlstate != ERRCODE_INVALID_TEXT_REPRESENTATION)
		__builtin_trap();		/* malformed text must raise 22P02 */
	fuzz_error_jump = NULL;
	fuzz_free_all();
	free(input);
	return 0;
}
