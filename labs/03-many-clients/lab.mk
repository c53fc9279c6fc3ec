# lab.mk - lab 03, many clients (included by labs/labs.mk).
#
#   make lab03         grade your server.cpp (the thread-per-connection server);
#                      it is built twice: as it is, and with ThreadSanitizer
#   make lab03-poll    grade your poll_server.cpp (the stretch task), with the
#                      same requirements; it does not count for lab03
#   make lab03-build   build your server without grading it
#   make lab03-measure part 3: the three designs under the same loads
LABS  += lab03 lab03-poll
LAB03 := labs/03-many-clients
LAB_FILES_lab03 := $(LAB03)/server.cpp
LAB_FILES_lab03-poll := $(LAB03)/poll_server.cpp

$(LAB_OUT)/03/server: $(call lab_src,$(LAB03),server.cpp) $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) $(LAB_STUDENT_FLAGS) $(LDFLAGS) -I. -o $@ $< $(COMMON_OBJ) $(LDLIBS)

$(LAB_OUT)/03/poll_server: $(call lab_src,$(LAB03),poll_server.cpp) $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) $(LAB_STUDENT_FLAGS) $(LDFLAGS) -I. -o $@ $< $(COMMON_OBJ) $(LDLIBS)

# The same server built with ThreadSanitizer (-fsanitize=thread), for the
# requirement that no two threads touch the same memory without care. The
# wrapper is built that way once, in a folder of its own.
LAB03_TSAN_FLAGS  := $(STD) $(WARNINGS) -O1 -g -fsanitize=thread
LAB03_TSAN_COMMON := $(COMMON_SRC:%.cpp=$(BUILD)/labs/tsan/%.o)

$(BUILD)/labs/tsan/common/%.o: common/%.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(LAB03_TSAN_FLAGS) -MMD -MP -c -o $@ $<

$(LAB_OUT)/03/server-tsan: $(call lab_src,$(LAB03),server.cpp) $(LAB03_TSAN_COMMON)
	@mkdir -p $(dir $@)
	$(CXX) $(LAB03_TSAN_FLAGS) $(LAB_STUDENT_FLAGS) -I. -o $@ $< $(LAB03_TSAN_COMMON) $(LDLIBS)

$(LAB_OUT)/03/poll_server-tsan: $(call lab_src,$(LAB03),poll_server.cpp) $(LAB03_TSAN_COMMON)
	@mkdir -p $(dir $@)
	$(CXX) $(LAB03_TSAN_FLAGS) $(LAB_STUDENT_FLAGS) -I. -o $@ $< $(LAB03_TSAN_COMMON) $(LDLIBS)

$(BUILD)/$(LAB03)/grader/test_server.o: $(LAB03)/grader/test_server.cpp | doctest
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -I. -c -o $@ $<

$(LAB_OUT)/03/grader: $(BUILD)/$(LAB03)/grader/test_server.o $(LAB_GRADER_OBJ) $(LAB_PROCESS_OBJ) $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

lab03: all $(LAB_OUT)/03/server $(LAB_OUT)/03/server-tsan $(LAB_OUT)/03/grader
	@echo "grading the $(LAB_VARIANT) code in $(LAB03)/server.cpp"
	@LAB_BIN=$(LAB_OUT)/03 LAB_SERVER=server BIN=$(BIN) $(LAB_OUT)/03/grader

lab03-poll: all $(LAB_OUT)/03/poll_server $(LAB_OUT)/03/poll_server-tsan $(LAB_OUT)/03/grader
	@echo "grading the $(LAB_VARIANT) code in $(LAB03)/poll_server.cpp (stretch task)"
	@LAB_BIN=$(LAB_OUT)/03 LAB_SERVER=poll_server BIN=$(BIN) $(LAB_OUT)/03/grader

# Part 3: the same loads on the lecture's iterative server, your server and
# your poll_server (if it builds), with the project's load generator.
.PHONY: lab03-measure
lab03-measure: all $(BIN)/bench_loadgen $(LAB_OUT)/03/server
	-@$(MAKE) --no-print-directory $(LAB_OUT)/03/poll_server
	@bash $(LAB03)/measure.sh $(BIN) $(LAB_OUT)/03

# Build your server without grading it, to try it by hand.
.PHONY: lab03-build
lab03-build: all $(LAB_OUT)/03/server
	@echo "your server: $(LAB_OUT)/03/server (try: $(LAB_OUT)/03/server --port 12000)"
