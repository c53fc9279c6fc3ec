# lab 00 - first contact. Included by labs/labs.mk (see its header comment).
#
#   make lab00    check the answers in labs/00-first-contact/answers.txt
LABS += lab00
LAB00 := labs/00-first-contact
LAB_FILES_lab00 := $(LAB00)/answers.txt

# The grader is the same for every variant; only the answers file differs.
$(BUILD)/labs/00/grader: $(BUILD)/$(LAB00)/grader/test_answers.o $(LAB_GRADER_OBJ) $(LAB_PROCESS_OBJ) $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/$(LAB00)/grader/test_answers.o: | doctest

lab00: all $(BUILD)/labs/00/grader $(call lab_src,$(LAB00),answers.txt)
	@echo "grading the $(LAB_VARIANT) answers: $(call lab_src,$(LAB00),answers.txt)"
	@LAB_ANSWERS=$(call lab_src,$(LAB00),answers.txt) BIN=$(BIN) $(BUILD)/labs/00/grader
