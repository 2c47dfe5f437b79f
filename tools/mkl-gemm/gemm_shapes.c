/*
 * Times libtorch's own MKL sgemm on the matrix shapes of the tiny 4M model (rows x outputs x inputs, row-major
 * activations times a transposed weight, as a linear layer computes them) and prints the best of 47 repeats of each.
 * Run it with and without bin/fourm's MKL library to see which kernels MKL picks on this CPU:
 *
 *   cc -O2 -o /tmp/gemm_shapes tools/mkl-gemm/gemm_shapes.c -ldl
 *   cc -O2 -shared -fPIC -o /tmp/libfourm-mkl-cpu.so fourm-cli/src/main/native/fourm-mkl-cpu.c
 *   D=~/.djl.ai/pytorch/2.7.1-20250812-cpu-linux-x86_64
 *   LD_LIBRARY_PATH=$D OMP_NUM_THREADS=2 /tmp/gemm_shapes $D/libtorch_cpu.so                      # MKL's own choice
 *   LD_LIBRARY_PATH=$D OMP_NUM_THREADS=2 LD_PRELOAD=/tmp/libfourm-mkl-cpu.so /tmp/gemm_shapes $D/libtorch_cpu.so
 *
 * On a shared machine two threads wait for each other behind other processes: single figures then vary several-fold.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef void (*sgemm_t)(const char *, const char *, const int *, const int *, const int *, const float *,
                        const float *, const int *, const float *, const int *, const float *, float *, const int *);

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s PATH/libtorch_cpu.so\n", argv[0]);
        return 2;
    }
    void *lib = dlopen(argv[1], RTLD_NOW | RTLD_GLOBAL);
    if (!lib) {
        fprintf(stderr, "%s\n", dlerror());
        return 2;
    }
    sgemm_t sgemm = (sgemm_t) dlsym(lib, "sgemm_");
    if (!sgemm) {
        fprintf(stderr, "no sgemm_ in %s\n", argv[1]);
        return 2;
    }
    /* rows, outputs, inputs: batch-1 and batch-8 passes, cached steps, the caption head, a training block */
    int shapes[][3] = {{1, 30000, 384}, {8, 30000, 384}, {1, 2048, 384}, {8, 2048, 384}, {196, 1024, 384},
                       {196, 384, 1024}, {196, 1152, 384}, {1568, 1024, 384}, {1024, 2048, 384}, {2048, 2048, 2048}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
        float *a = malloc(sizeof(float) * m * k), *w = malloc(sizeof(float) * n * k), *c = malloc(sizeof(float) * m * n);
        for (long i = 0; i < (long) m * k; i++) a[i] = (i % 7) * 0.1f;
        for (long i = 0; i < (long) n * k; i++) w[i] = (i % 5) * 0.1f;
        float one = 1, zero = 0;
        double best = 1e9;
        for (int r = 0; r < 50; r++) {
            double t = now();
            /* column-major C^T [n x m] = W [n x k] times A^T [k x m]: row-major C = A W^T */
            sgemm("T", "N", &n, &m, &k, &one, w, &k, a, &k, &zero, c, &n);
            t = now() - t;
            if (r > 2 && t < best) best = t;
        }
        printf("%5d x %5d x %4d  %8.3f ms  %6.1f GFLOP/s  %5.1f GB/s of weights\n", m, n, k, best * 1e3,
               2.0 * m * n * k / best / 1e9, 4.0 * n * k / best / 1e9);
        free(a);
        free(w);
        free(c);
    }
    return 0;
}
