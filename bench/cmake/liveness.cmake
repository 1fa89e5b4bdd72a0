# Liveness: per-face MiniFASNet cost and the per-track amortized cost (ms).
retail_add_bench(bench_liveness core/liveness_bench.cpp)
