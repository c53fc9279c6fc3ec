# tracker.mk - lab 05's tracker (included at the end of lab.mk).
#
#   make lab05-tracker        $(BIN)/tracker
#   make lab05-tracker-test   its unit tests and its process tests (real
#                             requests on port 0; aria2c seeding and leeching
#                             through it, skipped without aria2c)
#   make lab05-tsan           the tracker and the peer built with ThreadSanitizer
#                             (into build/tsan05/), driven by their process tests
#
# The tracker prints rates and sizes with labs/shared/units.cpp. Both test
# programs are in LIB_TESTS, so `make test` runs them.
ifndef LAB05_TRACKER_MK
LAB05_TRACKER_MK := 1

TRACKER_SRC := $(addprefix tracker/,tracker_peers.cpp tracker_status.cpp tracker_http.cpp)
TRACKER_OBJ := $(TRACKER_SRC:%.cpp=$(LAB05_OUT)/%.o)

$(BIN)/tracker$(EXE): $(LAB05_OUT)/tracker/tracker.o $(TRACKER_OBJ) $(PLOT_OBJ) $(LAB05_LIB_OBJ) $(UNITS_OBJ) $(COMMON_OBJ) | $(BIN)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The tests live in tests/tracker/ (lab.mk's rule for tests/ compiles them).
TRACKER_UNIT_OBJ    := $(LAB05_OUT)/tests/tracker/test_tracker_peers.o $(LAB05_OUT)/tests/tracker/test_tracker_pages.o
TRACKER_PROCESS_OBJ := $(LAB05_OUT)/tests/tracker/test_tracker_process.o $(LAB05_OUT)/tests/tracker/test_tracker_aria2c.o

$(LAB05_OUT)/tracker_unit_tests$(EXE): $(LAB05_OUT)/tests/test_main.o $(TRACKER_UNIT_OBJ) $(TRACKER_OBJ) $(PLOT_OBJ) \
                                        $(LAB05_LIB_OBJ) $(UNITS_OBJ)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The process tests start $(BIN)/tracker (and make_torrent, aria2c) as the
# other process tests do: BIN names the folder, the port comes from the ready line.
$(LAB05_OUT)/tracker_process_tests: $(LAB05_OUT)/tests/test_main.o $(TRACKER_PROCESS_OBJ) $(LAB05_LIB_OBJ) \
                                    $(LAB_PROCESS_OBJ) $(COMMON_OBJ) | $(BIN)/tracker$(EXE) $(BIN)/make_torrent$(EXE)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

LIB_TESTS += $(LAB05_OUT)/tracker_unit_tests$(EXE) $(LAB05_OUT)/tracker_process_tests

# ThreadSanitizer: a data race stops the tracker or the peer at once (exit
# status 66), which fails the test that talks to it or stops it.
LAB05_TSAN := build/tsan05
LAB05_TSAN_RUN := TSAN_OPTIONS="halt_on_error=1 exitcode=66" BIN=$(LAB05_TSAN)/bin
lab05-tsan:
	$(MAKE) --no-print-directory BUILD=$(LAB05_TSAN) BIN=$(LAB05_TSAN)/bin CXXFLAGS="-O1 -g -fsanitize=thread" \
	  LDFLAGS="-fsanitize=thread" $(LAB05_TSAN)/labs/05/tracker_process_tests $(LAB05_TSAN)/labs/05/peer_tests
	$(LAB05_TSAN_RUN) $(LAB05_TSAN)/labs/05/tracker_process_tests
	$(LAB05_TSAN_RUN) $(LAB05_TSAN)/labs/05/peer_tests

.PHONY: lab05-tracker lab05-tracker-test lab05-tsan
lab05-tracker: $(BIN)/tracker$(EXE)

lab05-tracker-test: $(LAB05_OUT)/tracker_unit_tests$(EXE) $(LAB05_OUT)/tracker_process_tests
	$(LAB05_OUT)/tracker_unit_tests$(EXE)
	BIN=$(BIN) $(LAB05_OUT)/tracker_process_tests

endif
