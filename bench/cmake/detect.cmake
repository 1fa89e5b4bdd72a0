# Detection: every back end on a real frame, 1 and 2 OpenCV threads (ms per frame).
retail_add_bench(bench_detect core/detect_backends_bench.cpp)
# Person back ends: AP50 on PETS09-S2L1 against its ground truth + CPU ms, ratios vs Yolo-Fastest.
retail_add_bench(bench_detect_accuracy core/detect_accuracy_bench.cpp)
