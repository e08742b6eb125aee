/*
 * fuzz_idcard.c
 *	  libFuzzer harness for idcard_from_cstring: any well-formed UTF-8 without NUL (what
 *	  the server hands an input function after verifying the encoding; other
 *	  bytes are skipped) either raises 22P02 or gives a valid citizen ID whose 18-character text
 *	  parses back to the same value, as idcard_parse agrees.
 */
#include "postgres.h"

#include "fuzz_stubs.h"
#include "idcard.h"

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
		IdCard		value = idcard_from_cstring(input);
		IdCard		again;
		IdCardParseResult info;
		char		text[IDCARD_LENGTH + 1];

		if (!idcard_is_valid_value(value))
			__builtin_trap();
		memset(text, 0, sizeof(text));
		idcard_to_chars(value, text);
		if (strlen(text) != IDCARD_LENGTH)
			__builtin_trap();
		if (!idcard_parse(text, &again, &info) || again != value)
			__builtin_trap();
	}
	else if (fuzz_last_sqlstate != ERRCODE_INVALID_TEXT_REPRESENTATION)
		__builtin_trap();		/* malformed text must raise 22P02 */
	fuzz_error_jump = NULL;
	fuzz_free_all();
	free(input);
	return 0;
}
