# zones module benchmarks (owned by the zones engineer)
retail_add_bench(bench_zones core/zones_bench.cpp)
