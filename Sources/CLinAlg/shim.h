#ifndef SOAPLENS_CLINALG_SHIM_H
#define SOAPLENS_CLINALG_SHIM_H
/* Debian: cblas.h is the alternatives link to OpenBLAS's header; LAPACKE comes from netlib
   liblapacke, which calls liblapack.so.3 -> OpenBLAS. Only one OpenBLAS is loaded. */
#include <cblas.h>
#include <lapacke.h>
/* OpenBLAS defaults to one thread per core; the daemon parallelises over frames and atoms
   itself, so callers set this to 1 (see docs/native-libraries.md). */
void openblas_set_num_threads(int num_threads);
#endif
