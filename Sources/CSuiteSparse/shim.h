// The SuiteSparse boundary of the package: KLU, the sparse LU for circuit-like (sparse,
// nearly block-triangular) systems, with its orderings BTF, AMD and COLAMD. Only the
// LinearAlgebra module imports this.
//
// Debian 12 ships SuiteSparse 5.12 (libsuitesparse-dev) without pkg-config files and with
// the headers under /usr/include/suitesparse, so this header names that directory and the
// module map links the five libraries KLU needs.
#ifndef MINSIM_CSUITESPARSE_SHIM_H
#define MINSIM_CSUITESPARSE_SHIM_H
#include <suitesparse/klu.h>
#endif
