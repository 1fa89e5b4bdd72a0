# Liveness (core/liveness, retailliveness): owned by the face-analytics module.
retail_add_test(unit_liveness_voting LABEL unit SOURCES unit/liveness_voting_test.cpp)
retail_add_test(unit_liveness_models LABEL unit SOURCES unit/liveness_models_test.cpp)
retail_add_test(element_retailliveness LABEL element SOURCES elements/retailliveness_test.cpp)
