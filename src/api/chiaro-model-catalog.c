/* chiaro-model-catalog.c — (being written) */

#include "config.h"

#include "chiaro-model-catalog.h"
