# overlay module benchmarks (owned by the overlay engineer)
retail_add_bench(bench_overlay core/overlay_bench.cpp)
# adoverlay in process (GstHarness): per-frame CPU against `identity`, blended and as meta.
if(GSTCHECK_FOUND)
  retail_add_bench(bench_overlay_element core/overlay_element_bench.cpp)
  target_link_libraries(bench_overlay_element PRIVATE gstretail_obj PkgConfig::GSTCHECK)
endif()
