retail_add_test(pipeline_demo LABEL pipeline SOURCES pipelines/demo_test.cpp TIMEOUT 900)
