/*
 * fuzz_uscc.c
 *	  libFuzzer harness for uscc_from_cstring: any well-formed UTF-8 without NUL (what
 *	  the server hands an input function after verifying the encoding; other
 *	  bytes are skipped) either raises 22P02 or gives a code whose 18-character text parses back to
 *	  the same bytes.
 */
#include "postgres.h"

#include "fuzz_stubs.h"
#include "uscc.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sigjmp_buf	jump;
	char	   *input;

	/* the server verifies the encoding before any input function sees the text */
	if (!fuzz_valid_utf8(data, size))
		return 0;
	input = malloc(size + 1);

	memcpy(input, data, size);
	input[size] = '\0';
	fuzz_error_jump = &jump;
	if (sigsetjmp(jump, 0) == 0)
	{
		Uscc	   *code = uscc_from_cstring(input);
		Uscc		again;
		UsccError	error;
		char		text[USCC_LENGTH + 1];

		uscc_format(code, text);
		if (strlen(text) != USCC_LENGTH)
			__builtin_trap();
		if (!uscc_parse(text, &again, &error) ||
			memcmp(again.bytes, code->bytes, USCC_BYTES) != 0)
			__builtin_trap();
	}
	else if (fuzz_last_sqlstate != ERRCODE_INVALID_TEXT_REPRESENTATION)
		__builtin_trap();		/* malformed text must raise 22P02 */
	fuzz_error_jump = NULL;
	fuzz_free_all();
	free(input);
	return 0;
}
