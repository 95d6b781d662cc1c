// The one C boundary of the package: OpenBLAS's CBLAS (with its thread-control extensions)
// and the LAPACKE interface to LAPACK. Only the LinearAlgebra module imports this.
#ifndef MINSIM_COPENBLAS_SHIM_H
#define MINSIM_COPENBLAS_SHIM_H
#include <cblas.h>
#include <lapacke.h>
#endif
