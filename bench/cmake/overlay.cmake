# overlay module benchmarks (owned by the overlay engineer)
retail_add_bench(bench_overlay core/overlay_bench.cpp)
