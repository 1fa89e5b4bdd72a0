# Detection: every back end on a real frame, 1 and 2 OpenCV threads (ms per frame).
retail_add_bench(bench_detect core/detect_backends_bench.cpp)
