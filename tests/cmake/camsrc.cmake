# retailcamsrc element tests (real clips from the shared media folder).
retail_add_test(element_retailcamsrc LABEL element SOURCES elements/retailcamsrc_test.cpp TIMEOUT 300)
