// The one C boundary of the package: OpenBLAS's CBLAS (with its thread-control extensions)
// and the LAPACKE interface to LAPACK. Only the LinearAlgebra module imports this.
#ifndef MINSIM_COPENBLAS_SHIM_H
#define MINSIM_COPENBLAS_SHIM_H
#include <cblas.h>
#include <lapacke.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__)
#include <cpuid.h>
#endif

// Kernel-table switch of a DYNAMIC_ARCH OpenBLAS (exported by Debian's builds). Declared weak so
// that a build of OpenBLAS for one fixed CPU, which lacks them, still links: the pointers are
// then null and the kernel choice below does nothing.
extern void gotoblas_dynamic_init(void) __attribute__((weak));
extern void gotoblas_dynamic_quit(void) __attribute__((weak));

// The OpenBLAS core type whose kernels this CPU can run, from CPUID and XGETBV, following
// OpenBLAS's own rules for the cores it knows (driver/others/dynamic.c): AVX-512 with BF16 →
// Cooperlake, AVX-512 F/CD/BW/DQ/VL → SkylakeX, AVX2 with FMA → Haswell, AVX → SandyBridge.
// The register state must be enabled by the OS (XCR0), not just the instructions present.
// NULL where none applies (or not x86-64).
static inline const char *minsim_cpu_kernel_family(void) {
#if defined(__x86_64__)
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return NULL;
    const int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1;
    if (!osxsave || !avx) return NULL;
    unsigned int xlo, xhi;
    __asm__ volatile("xgetbv" : "=a"(xlo), "=d"(xhi) : "c"(0));
    if ((xlo & 0x6) != 0x6) return NULL;  // XMM and YMM state
    if (__get_cpuid_max(0, NULL) < 7) return "SandyBridge";
    unsigned int b7, c7, d7, a7;
    __cpuid_count(7, 0, a7, b7, c7, d7);
    const int avx2 = (b7 >> 5) & 1;
    const unsigned int avx512 = (1u << 16) | (1u << 17) | (1u << 28) | (1u << 30) | (1u << 31);
    if ((b7 & avx512) == avx512 && (xlo & 0xE6) == 0xE6) {
        unsigned int a71, b71, c71, d71;
        __cpuid_count(7, 1, a71, b71, c71, d71);
        return ((a71 >> 5) & 1) ? "Cooperlake" : "SkylakeX";
    }
    if (avx2 && fma) return "Haswell";
    return "SandyBridge";
#else
    return NULL;
#endif
}

// Where a DYNAMIC_ARCH OpenBLAS did not recognise the CPU model and fell back to its generic
// "Prescott" (SSE3) kernels, switches it to the kernels of the CPU's instruction set (on an
// Emerald Rapids guest, OpenBLAS 0.3.21's dgetrf at n = 2,000 runs at ≈ 7 GFlop/s on Prescott's
// kernels and ≈ 35 on Cooperlake's). A user's OPENBLAS_CORETYPE always stands. Must run before
// any other thread calls BLAS (the variable is set only for the re-initialisation and removed
// again). Only on OpenBLAS 0.3.13 or later, which know every name above and, should one be
// missing, fall back by CPU features instead of stopping. Returns 1 if the kernels were
// switched, 0 otherwise.
static inline int minsim_openblas_select_kernels(void) {
    if (getenv("OPENBLAS_CORETYPE") != NULL) return 0;
    if (!gotoblas_dynamic_init || !gotoblas_dynamic_quit) return 0;
    int major = 0, minor = 0, patch = 0;
    const char *config = openblas_get_config();
    if (config == NULL || sscanf(config, "OpenBLAS %d.%d.%d", &major, &minor, &patch) != 3) return 0;
    if (major == 0 && (minor < 3 || (minor == 3 && patch < 13))) return 0;
    const char *core = openblas_get_corename();
    if (core == NULL || strcmp(core, "Prescott") != 0) return 0;
    const char *family = minsim_cpu_kernel_family();
    if (family == NULL) return 0;
    gotoblas_dynamic_quit();
    setenv("OPENBLAS_CORETYPE", family, 1);
    gotoblas_dynamic_init();
    unsetenv("OPENBLAS_CORETYPE");
    return 1;
}
#endif
