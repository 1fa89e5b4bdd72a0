# kafkasink: JSON cost per event (Google Benchmark) and throughput against librdkafka's producer.
retail_add_bench(bench_kafka_schema core/kafka_schema_bench.cpp)

# Needs the element (static plugin) and librdkafka's mock cluster.
add_executable(bench_kafka_throughput pipelines/kafka_throughput.cpp)
target_link_libraries(bench_kafka_throughput PRIVATE gstretail_obj)
target_compile_definitions(bench_kafka_throughput PRIVATE RETAIL_SOURCE_DIR="${CMAKE_SOURCE_DIR}")
