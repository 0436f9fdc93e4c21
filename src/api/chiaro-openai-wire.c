/* chiaro-openai-wire.c — (being written) */

#include "config.h"

#include "chiaro-openai-wire.h"
