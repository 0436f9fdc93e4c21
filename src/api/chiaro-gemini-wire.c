/* chiaro-gemini-wire.c — (being written) */

#include "config.h"

#include "chiaro-gemini-wire.h"
