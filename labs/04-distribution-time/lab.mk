# lab.mk - lab 04, distribution time (included by labs/labs.mk).
#
#   make lab04          grade your distribution.cpp
#   make lab04-chart    build the program and draw the lecture's chart:
#                       build/labs/student/04/distribution_time.svg
#   make lab04-build    only build the program: build/labs/student/04/distribution
#
# distribution.cpp holds the student's functions; the grader is linked with
# them and calls them directly, and also runs the program built from them.
# Nothing here uses the socket wrapper: this lab is arithmetic and a chart.
LABS  += lab04
LAB04 := labs/04-distribution-time
LAB_FILES_lab04 := $(LAB04)/distribution.cpp

# -I$(LAB04): distribution.cpp finds distribution.hpp from solution/, a wrong
# implementation's folder, or the committed starter copied under build/;
# -I$(LAB_SHARED): and units.hpp, which lab 05 uses too.
$(LAB_OUT)/04/distribution.o: $(call lab_src,$(LAB04),distribution.cpp) $(LAB04)/distribution.hpp $(LAB_SHARED)/units.hpp
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) $(LAB_STUDENT_FLAGS) -I$(LAB04) -I$(LAB_SHARED) -c -o $@ $<

LAB04_GIVEN := $(BUILD)/$(LAB04)/main.o $(UNITS_OBJ)

$(LAB_OUT)/04/distribution: $(LAB_OUT)/04/distribution.o $(LAB04_GIVEN) $(PLOT_OBJ)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^

$(LAB_OUT)/04/grader: $(BUILD)/$(LAB04)/grader/test_distribution.o $(LAB_OUT)/04/distribution.o \
                      $(UNITS_OBJ) $(LAB_GRADER_OBJ) $(BUILD)/tests/process/child.o
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

lab04: $(LAB_OUT)/04/distribution $(LAB_OUT)/04/grader
	@echo "grading the $(LAB_VARIANT) code in $(LAB04)/distribution.cpp"
	@LAB_BIN=$(LAB_OUT)/04 $(LAB_OUT)/04/grader

.PHONY: lab04-build lab04-chart
lab04-build: $(LAB_OUT)/04/distribution
	@echo "your program: $(LAB_OUT)/04/distribution (try: $(LAB_OUT)/04/distribution --help)"

lab04-chart: $(LAB_OUT)/04/distribution
	@$(LAB_OUT)/04/distribution --svg $(LAB_OUT)/04/distribution_time.svg
