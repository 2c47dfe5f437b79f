/*
 * fourm-mkl-cpu: lets MKL choose its kernels by the processor's instruction sets on every x86-64 CPU.
 *
 * libtorch's CPU build links Intel MKL, whose matrix products ask mkl_serv_intel_cpu_true() before they use their
 * AVX-512 kernels; on an AMD processor the answer is no and MKL runs its AVX2 kernels even where the CPU has
 * AVX-512. bin/fourm preloads this library (LD_PRELOAD) into the JVM on AMD processors, so the answer is yes and MKL
 * picks its kernels from the CPU's feature flags, as it does on Intel processors. MKL's AVX-512 code then runs only
 * where the CPU reports AVX-512; without it MKL keeps its AVX2 code.
 *
 * Built by bin/fourm with the system C compiler (cc -O2 -shared -fPIC); FOURM_MKL_CPU=vendor turns it off.
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}
