retail_add_test(element_meta LABEL element SOURCES elements/meta_test.cpp)
