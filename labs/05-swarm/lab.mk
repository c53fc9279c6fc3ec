# lab.mk - the building blocks of lab 05, a BitTorrent swarm (included by
# labs/labs.mk). None of them opens a socket: SHA-1, bencoding, .torrent
# files, the tracker's protocol and a little HTTP, each with its unit tests.
#
#   make lab05-lib       the objects, $(BIN)/make_torrent and the unit tests (build/labs/05/bt_tests)
#   make lab05-check     run make_torrent's checks, and see whether aria2c agrees
#                        on our info hash (skipped when aria2c is not installed)
#
# `make test` runs bt_tests with the other library tests (LIB_TESTS).
LAB05     := labs/05-swarm
LAB05_OUT := $(BUILD)/labs/05

LAB05_LIB_SRC  := sha1.cpp bencode.cpp metainfo.cpp ip_address.cpp tracker_protocol.cpp http.cpp
LAB05_LIB_OBJ  := $(LAB05_LIB_SRC:%.cpp=$(LAB05_OUT)/%.o)
LAB05_TEST_OBJ := $(patsubst $(LAB05)/tests/%.cpp,$(LAB05_OUT)/tests/%.o,$(wildcard $(LAB05)/tests/*.cpp))

$(LAB05_OUT)/%.o: $(LAB05)/%.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -c -o $@ $<

# The tests say #include "bencode.hpp": -I finds the library's headers.
$(LAB05_OUT)/tests/%.o: $(LAB05)/tests/%.cpp | doctest
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -I$(LAB05) -c -o $@ $<

$(BIN)/make_torrent$(EXE): $(LAB05_OUT)/make_torrent.o $(LAB05_LIB_OBJ) | $(BIN)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(LAB05_OUT)/bt_tests$(EXE): $(LAB05_TEST_OBJ) $(LAB05_LIB_OBJ)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

LIB_TESTS += $(LAB05_OUT)/bt_tests$(EXE)

.PHONY: lab05-lib lab05-check
lab05-lib: $(LAB05_LIB_OBJ) $(BIN)/make_torrent$(EXE) $(LAB05_OUT)/bt_tests$(EXE)

lab05-check: $(BIN)/make_torrent$(EXE)
	sh $(LAB05)/tools/check_make_torrent.sh $(BIN)/make_torrent$(EXE)
	sh $(LAB05)/tools/check_infohash.sh $(BIN)/make_torrent$(EXE)
