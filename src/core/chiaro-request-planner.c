/* chiaro-request-planner.c — (being written) */

#include "config.h"

#include "chiaro-request-planner.h"
