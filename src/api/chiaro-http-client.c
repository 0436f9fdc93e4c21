/* chiaro-http-client.c — (being written) */

#include "config.h"

#include "chiaro-http-client.h"
