# lab 01 - the UDP pinger. Included by labs/labs.mk (see its header comment).
#
#   make lab01          build labs/01-udp-pinger/pinger.cpp and grade it
#   make lab01-build    only build it (build/labs/student/01/pinger), to run it by hand
LABS += lab01
LAB01 := labs/01-udp-pinger
LAB_FILES_lab01 := $(LAB01)/pinger.cpp

# -I. lets pinger.cpp say #include "common/net.hpp" wherever the file is
# (your folder, solution/, or the committed starter copied under build/).
$(LAB_OUT)/01/pinger: $(call lab_src,$(LAB01),pinger.cpp) $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) $(LAB_STUDENT_FLAGS) $(LDFLAGS) -I. -o $@ $< $(COMMON_OBJ) $(LDLIBS)

# The grader is the same for every variant.
$(BUILD)/labs/01/grader: $(BUILD)/$(LAB01)/grader/test_pinger.o $(LAB_GRADER_OBJ) $(LAB_PROCESS_OBJ) $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/$(LAB01)/grader/test_pinger.o: | doctest

lab01: all $(LAB_OUT)/01/pinger $(BUILD)/labs/01/grader
	@echo "grading the $(LAB_VARIANT) code in $(LAB01)"
	@LAB_BIN=$(LAB_OUT)/01 BIN=$(BIN) $(BUILD)/labs/01/grader

.PHONY: lab01-build
lab01-build: all $(LAB_OUT)/01/pinger
	@echo "your pinger: $(LAB_OUT)/01/pinger (try: $(LAB_OUT)/01/pinger 127.0.0.1 12000)"
