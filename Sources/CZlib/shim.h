#ifndef SOAPLENS_CZLIB_SHIM_H
#define SOAPLENS_CZLIB_SHIM_H
#include <zlib.h>
#endif
