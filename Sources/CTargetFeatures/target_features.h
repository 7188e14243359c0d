#ifndef SOAPLENS_TARGET_FEATURES_H
#define SOAPLENS_TARGET_FEATURES_H
/*
 * What the code is being compiled for, as seen by Clang inside the Swift compiler: Swift's
 * `-target-cpu` (e.g. `-Xswiftc -target-cpu -Xswiftc haswell`) reaches the Clang importer,
 * which then defines __FMA__ / __AVX2__ as for `clang -march=...`. Swift has no
 * `#if targetFeature(...)`, so Swift code calls these constant functions instead; after
 * inlining, the branch they feed is folded away.
 */

/// 1 when fused multiply-add is an instruction of the target (x86-64 FMA3, or any AArch64).
static inline int soaplens_target_has_fma(void) {
#if defined(__FMA__) || defined(__aarch64__)
    return 1;
#else
    return 0;
#endif
}

/// 1 when 256-bit AVX2 integer and floating-point vectors are available.
static inline int soaplens_target_has_avx2(void) {
#if defined(__AVX2__)
    return 1;
#else
    return 0;
#endif
}
#endif
