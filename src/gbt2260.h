/*
 * gbt2260.h
 *	  The province codes of GB/T 2260 (the first two digits of an
 *	  administrative division code), shared by the citizen ID and the unified
 *	  social credit code.  Header-only, for the fuzzing harnesses.
 */
#ifndef GBT2260_H
#define GBT2260_H

/* True for a province code listed in GB/T 2260 */
static inline bool
gbt2260_province_exists(int province)
{
	static const int provinces[] =
	{11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
		41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65,
	71, 81, 82};
	int			i;

	for (i = 0; i < (int) lengthof(provinces); i++)
		if (provinces[i] == province)
			return true;
	return false;
}

#endif							/* GBT2260_H */
