# Attributes: per-face face-api cost (age/gender, expression) and the per-track amortized cost (ms).
retail_add_bench(bench_attributes core/attributes_bench.cpp)
