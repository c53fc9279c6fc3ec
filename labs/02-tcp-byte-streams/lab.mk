# lab.mk - lab 02, TCP byte streams (included by labs/labs.mk).
#
#   make lab02          grade your stream.cpp
#   make lab02-demo     build the `pieces` client for the first part of the handout
#
# stream.cpp is a library, not a program: the grader is linked with it and
# calls its functions directly. The grader is compiled with the stream.hpp
# of the variant graded (the committed one for STARTER=1), so that both
# sides agree on what a line_reader is.
LABS  += lab02
LAB02 := labs/02-tcp-byte-streams
# The student's files; stream.hpp too, which may gain private members of line_reader.
LAB_FILES_lab02 := $(LAB02)/stream.cpp $(LAB02)/stream.hpp
LAB02_HEADER := $(if $(STARTER),$(BUILD)/labs/pristine/$(LAB02)/stream.hpp,$(LAB02)/stream.hpp)
LAB02_FLAGS  := -I. -I$(patsubst %/,%,$(dir $(LAB02_HEADER)))

$(LAB_OUT)/02/stream.o: $(call lab_src,$(LAB02),stream.cpp) $(LAB02_HEADER)
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) $(LAB_STUDENT_FLAGS) $(LAB02_FLAGS) -c -o $@ $<

# The grader's own object depends only on the header: one for the committed
# header (STARTER=1), one for the header in the folder (every other variant).
LAB02_TEST_OBJ := $(BUILD)/labs/02/$(if $(STARTER),starter-header,header)/test_stream.o
$(LAB02_TEST_OBJ): $(LAB02)/grader/test_stream.cpp $(LAB02_HEADER) | doctest
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) $(LAB02_FLAGS) -c -o $@ $<

$(LAB_OUT)/02/grader: $(LAB02_TEST_OBJ) $(LAB_OUT)/02/stream.o $(LAB_GRADER_OBJ) $(COMMON_OBJ)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

lab02: all $(LAB_OUT)/02/grader
	@echo "grading the $(LAB_VARIANT) code in $(LAB02)"
	@$(LAB_OUT)/02/grader

$(BUILD)/labs/pieces: $(LAB02)/pieces.cpp $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -I. -o $@ $< $(COMMON_OBJ) $(LDLIBS)

.PHONY: lab02-demo
lab02-demo: all $(BUILD)/labs/pieces
	@echo "built $(BUILD)/labs/pieces: see part 1 of $(LAB02)/README.md"
