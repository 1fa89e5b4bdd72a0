# Tracking: ByteTracker::update cost per frame at 10, 30, 100 objects.
retail_add_bench(bench_track core/track_bytetrack_bench.cpp)
