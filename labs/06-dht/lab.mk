# lab.mk - lab 06, a circular DHT over UDP (included by labs/labs.mk).
#
#   make lab06           grade your routing.cpp
#   make lab06-build     only build the dht tool: build/labs/student/06/dht
#   make lab06-measure   the measurements of RESULTS.md with your routing.cpp:
#                        tables on stdout, charts in build/labs/student/06/
#                        (SOLUTION=1 RESULTS=1: the reference's, into labs/06-dht/measure/)
#
# routing.cpp holds the student's rules; everything else is given: the
# messages, the peers and the host that runs many of them in one thread
# (peer/), the tool (tool/), the measurements (measure/). The grader calls the rules directly and also runs
# rings of real UDP peers built on them. Linux/macOS only: the host calls
# poll() on many sockets, which the wrapper does not offer.
LABS  += lab06
LAB06 := labs/06-dht
LAB_FILES_lab06 := $(LAB06)/routing.cpp
LAB06_OBJ := $(BUILD)/$(LAB06)


# The given code, the same for every variant; SHA-1 is the labs' shared one.
LAB06_LIB_SRC := $(addprefix peer/,message.cpp keys.cpp peer.cpp lookups.cpp pairs.cpp addresses.cpp upkeep.cpp host.cpp) \
                 tool/ring_svg.cpp
LAB06_LIB_OBJ := $(LAB06_LIB_SRC:%.cpp=$(LAB06_OBJ)/%.o) $(SHA1_OBJ)

# The student's file, from wherever this variant takes it; -I finds routing.hpp.
$(LAB_OUT)/06/routing.o: $(call lab_src,$(LAB06),routing.cpp) $(LAB06)/routing.hpp
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) $(LAB_STUDENT_FLAGS) -I$(LAB06) -c -o $@ $<

LAB06_LINK := $(LAB06_LIB_OBJ) $(COMMON_OBJ) $(PLOT_OBJ)

$(LAB_OUT)/06/dht: $(LAB06_OBJ)/tool/dht_main.o $(LAB06_OBJ)/tool/commands.o $(LAB_OUT)/06/routing.o $(LAB06_LINK)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(LAB_OUT)/06/dht_measure: $(LAB06_OBJ)/measure/measure.o $(LAB06_OBJ)/measure/measure_churn.o \
                           $(LAB06_OBJ)/measure/measure_failures.o $(LAB06_OBJ)/measure/report.o \
                           $(LAB_OUT)/06/routing.o $(LAB06_LINK)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

LAB06_GRADER_OBJ := $(LAB06_OBJ)/grader/test_rules.o $(LAB06_OBJ)/grader/test_udp.o

$(LAB_OUT)/06/grader: $(LAB06_GRADER_OBJ) $(LAB_OUT)/06/routing.o $(LAB06_LINK) $(LAB_GRADER_OBJ)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

lab06: $(LAB_OUT)/06/dht $(LAB_OUT)/06/grader
	@echo "grading the $(LAB_VARIANT) code in $(LAB06)/routing.cpp"
	@$(LAB_OUT)/06/grader

# The given code's own tests (messages, bad datagrams, the host, the tool's
# commands), with the
# reference rules: `make test` runs them (LIB_TESTS).
$(LAB06_OBJ)/reference/routing.o: $(LAB06)/solution/routing.cpp $(LAB06)/routing.hpp
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -I$(LAB06) -c -o $@ $<

$(LAB06_OBJ)/dht_tests: $(patsubst $(LAB06)/tests/%.cpp,$(LAB06_OBJ)/tests/%.o,$(wildcard $(LAB06)/tests/*.cpp)) \
                        $(LAB06_OBJ)/tool/commands.o $(LAB06_OBJ)/reference/routing.o $(LAB06_LINK)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# A student's copy (make labs-handout) has no reference rules, and these tests
# need right ones: there, make test leaves them out.
ifneq ($(wildcard $(LAB06)/solution/routing.cpp),)
LIB_TESTS += $(LAB06_OBJ)/dht_tests
endif

.PHONY: lab06-build lab06-measure
lab06-build: $(LAB_OUT)/06/dht
	@echo "the dht tool: $(LAB_OUT)/06/dht (try: $(LAB_OUT)/06/dht --help)"

# RESULTS=1 writes RESULTS.md and its charts into the lab's measure/ folder
# (the reference's: with SOLUTION=1); else the charts go into the build folder.
LAB06_CHARTS = $(if $(RESULTS),$(LAB06)/measure,$(LAB_OUT)/06)
lab06-measure: $(LAB_OUT)/06/dht_measure
	@$(LAB_OUT)/06/dht_measure --charts $(LAB06_CHARTS) $(if $(RESULTS),--results $(LAB06)/measure/RESULTS.md) $(MEASURE_ARGS)
