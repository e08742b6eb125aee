/*
 * fuzz_imei.c
 *	  libFuzzer harness for imei_from_cstring: any well-formed UTF-8 without NUL
 *	  either raises 22P02 or gives a value whose 15-digit text parses back to the
 *	  same value and equals the input.
 */
#include "postgres.h"

#include "fuzz_stubs.h"
#include "imei.h"

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	sigjmp_buf	jump;
	char	   *input;

	if (!fuzz_valid_utf8(data, size))
		return 0;
	input = malloc(size + 1);
	memcpy(input, data, size);
	input[size] = '\0';
	fuzz_error_jump = &jump;
	if (sigsetjmp(jump, 0) == 0)
	{
		Imei		value = imei_from_cstring(input);
		Imei		again;
		ImeiParseResult info;
		char		text[IMEI_LENGTH + 1];

		if (value < 0 || value >= IMEI_VALUE_LIMIT)
			__builtin_trap();
		imei_to_chars(value, text);
		if (strcmp(text, input) != 0)
			__builtin_trap();	/* the canonical form is the only accepted form */
		if (!imei_parse(text, &again, &info) || again != value)
			__builtin_trap();
	}
	else if (fuzz_last_sqlstate != ERRCODE_INVALID_TEXT_REPRESENTATION)
		__builtin_trap();
	fuzz_error_jump = NULL;
	fuzz_free_all();
	free(input);
	return 0;
}
