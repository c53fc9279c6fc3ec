# lab.mk - lab 05, a BitTorrent swarm (included by labs/labs.mk).
#
#   make lab05           grade your policy.cpp (task 1: rarest first, task 2:
#                        tit-for-tat): scenario tests, then small swarms of the
#                        peer built with your policies
#   make lab05-peer      build the peer with your policies: $(BUILD)/labs/student/05/peer
#   make lab05-lib       the building blocks, $(BIN)/make_torrent, $(BIN)/peer, and the unit tests
#   make lab05-check     run make_torrent's checks, and see whether aria2c agrees
#                        on our info hash (skipped when aria2c is not installed)
#   make lab05-interop   aria2c and our peer trade a file both ways (skipped
#                        when aria2c is not installed)
#
# $(BIN)/peer is built with the reference policies (solution/policy.cpp) where
# that folder exists, else with yours: the runner and the benchmarks use it.
# `make test` runs the unit tests with the other library tests (LIB_TESTS).
LABS      += lab05
LAB05     := labs/05-swarm
LAB05_OUT := $(BUILD)/labs/05
LAB_FILES_lab05 := $(LAB05)/policy.cpp

# The building blocks that open no socket (SHA-1, bencoding, .torrent files,
# the tracker's protocol, a little HTTP), each with its unit tests; their
# errors are the wrapper's (common/result.hpp), so they link with it.
LAB05_LIB_SRC  := $(addprefix bittorrent/,bencode.cpp metainfo.cpp ip_address.cpp tracker_protocol.cpp http.cpp)
LAB05_LIB_OBJ  := $(LAB05_LIB_SRC:%.cpp=$(LAB05_OUT)/%.o) $(SHA1_OBJ) $(COMMON_OBJ)
LAB05_TEST_OBJ := $(patsubst $(LAB05)/tests/%.cpp,$(LAB05_OUT)/tests/%.o,$(wildcard $(LAB05)/tests/*.cpp))

# The peer: everything but the student's policy.cpp, and the labs' units (sizes and rates).
LAB05_PEER_SRC := bittorrent/wire.cpp $(addprefix peer/,token_bucket.cpp storage.cpp pieces.cpp baseline.cpp swarm.cpp \
                  swarm_rounds.cpp swarm_loop.cpp connection.cpp tracker_client.cpp)
LAB05_PEER_OBJ := $(LAB05_PEER_SRC:%.cpp=$(LAB05_OUT)/%.o) $(LAB05_LIB_OBJ) $(UNITS_OBJ)
LAB05_PEER_TEST_OBJ := $(patsubst $(LAB05)/tests/peer/%.cpp,$(LAB05_OUT)/tests/peer/%.o,$(wildcard $(LAB05)/tests/peer/*.cpp))

# -I. for common/, -I$(LAB05) for the lab's headers from solution/ or a wrong implementation's folder.
$(LAB05_OUT)/%.o: $(LAB05)/%.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -I. -I$(LAB05) -c -o $@ $<

# The tests say #include "bencode.hpp": -I finds the library's headers.
$(LAB05_OUT)/tests/%.o: $(LAB05)/tests/%.cpp | doctest
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -I. -I$(LAB05) -c -o $@ $<

$(BIN)/make_torrent$(EXE): $(LAB05_OUT)/tools/make_torrent.o $(LAB05_LIB_OBJ) | $(BIN)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(LAB05_OUT)/bt_tests$(EXE): $(LAB05_TEST_OBJ) $(LAB05_LIB_OBJ)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The peer's unit tests (wire format, token bucket, piece table) use the
# reference policies, like $(BIN)/peer.
LAB05_REFERENCE_POLICY := $(firstword $(wildcard $(LAB05)/solution/policy.cpp) $(LAB05)/policy.cpp)
$(LAB05_OUT)/reference/policy.o: $(LAB05_REFERENCE_POLICY) $(LAB05)/policy.hpp
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -I$(LAB05) -c -o $@ $<

# They start $(BIN)/peer (BIN names the folder): built first, so that
# `make test` works from a fresh clone.
$(LAB05_OUT)/peer_tests$(EXE): $(LAB05_PEER_TEST_OBJ) $(LAB05_PEER_OBJ) $(LAB05_OUT)/reference/policy.o $(LAB_PROCESS_OBJ) \
                               $(COMMON_OBJ) | $(BIN)/peer$(EXE)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/peer$(EXE): $(LAB05_OUT)/peer/peer_main.o $(LAB05_PEER_OBJ) $(LAB05_OUT)/reference/policy.o $(COMMON_OBJ) | $(BIN)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

LIB_TESTS += $(LAB05_OUT)/bt_tests$(EXE) $(LAB05_OUT)/peer_tests$(EXE)

# ---------------------------------------------------------------- the graded lab
# The student's policy.cpp (or the solution's, the starter's, a wrong one's).
$(LAB_OUT)/05/policy.o: $(call lab_src,$(LAB05),policy.cpp) $(LAB05)/policy.hpp
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) $(LAB_STUDENT_FLAGS) -I$(LAB05) -c -o $@ $<

$(LAB_OUT)/05/peer: $(LAB05_OUT)/peer/peer_main.o $(LAB05_PEER_OBJ) $(LAB_OUT)/05/policy.o $(COMMON_OBJ)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

LAB05_GRADER_OBJ := $(patsubst $(LAB05)/grader/%.cpp,$(LAB05_OUT)/grader/%.o,$(wildcard $(LAB05)/grader/*.cpp))
$(LAB05_OUT)/grader/%.o: $(LAB05)/grader/%.cpp | doctest
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -I. -I$(LAB05) -c -o $@ $<

$(LAB_OUT)/05/grader: $(LAB05_GRADER_OBJ) $(LAB_OUT)/05/policy.o $(LAB05_LIB_OBJ) $(LAB_GRADER_OBJ) \
                      $(BUILD)/tests/process/child.o
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

lab05: $(LAB_OUT)/05/peer $(LAB_OUT)/05/grader
	@echo "grading the $(LAB_VARIANT) code in $(LAB05)/policy.cpp"
	@LAB_BIN=$(LAB_OUT)/05 BIN=$(BIN) $(LAB_OUT)/05/grader

.PHONY: lab05-lib lab05-check lab05-peer lab05-interop
lab05-lib: $(LAB05_LIB_OBJ) $(BIN)/make_torrent$(EXE) $(BIN)/peer$(EXE) $(LAB05_OUT)/bt_tests$(EXE) \
           $(LAB05_OUT)/peer_tests$(EXE)

lab05-peer: $(LAB_OUT)/05/peer
	@echo "the peer with your policies: $(LAB_OUT)/05/peer (try: $(LAB_OUT)/05/peer --help)"

lab05-check: $(BIN)/make_torrent$(EXE)
	sh $(LAB05)/tools/check_make_torrent.sh $(BIN)/make_torrent$(EXE)
	sh $(LAB05)/tools/check_infohash.sh $(BIN)/make_torrent$(EXE)

lab05-interop: $(BIN)/make_torrent$(EXE) $(BIN)/peer$(EXE)
	-@$(MAKE) --no-print-directory $(BIN)/tracker$(EXE) 2>/dev/null
	bash $(LAB05)/tools/interop.sh $(BIN)

# The tracker and the swarm runner have their own rules.
-include $(LAB05)/tracker/tracker.mk
-include $(LAB05)/runner/runner.mk

# The class swarm in a room of network namespaces.
-include $(LAB05)/room/room.mk
