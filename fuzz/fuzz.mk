# fuzz.mk - fuzz targets over every parser that reads bytes from the network
# or a file (included by the Makefile).
#
#   make fuzz                 build each target with clang's libFuzzer,
#                             AddressSanitizer and UBSan, and run it for
#                             FUZZ_SECONDS (default 20) from its committed
#                             corpus, fuzz/corpus/NAME/
#   make fuzz FUZZ_SECONDS=600 FUZZ_TARGETS=wire   a longer run of one
#   make fuzz-merge           add what the last run found that reaches new
#                             code to the committed corpus (smallest inputs)
#
# A finding (a crash, a sanitizer report, a broken property) stops the run
# and names the file that reproduces it: build/fuzz/NAME that-file.
FUZZ_CXX     ?= clang++
FUZZ_SECONDS ?= 20
FUZZ_OUT     := $(BUILD)/fuzz
FUZZ_TARGETS ?= bencode torrent tracker_query tracker_reply http_head wire dht_message
FUZZ_FLAGS   := $(STD) $(WARNINGS) -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_LIB_SRC := labs/shared/sha1.cpp labs/shared/sha1_x86.cpp \
                $(addprefix labs/05-swarm/bittorrent/,bencode.cpp metainfo.cpp ip_address.cpp tracker_protocol.cpp http.cpp wire.cpp) \
                labs/06-dht/peer/message.cpp $(COMMON_SRC)
FUZZ_LIB_OBJ := $(FUZZ_LIB_SRC:%.cpp=$(FUZZ_OUT)/obj/%.o)

.PHONY: fuzz fuzz-build fuzz-merge fuzz-with-libfuzzer fuzz-build-with-libfuzzer fuzz-merge-with-libfuzzer
$(FUZZ_OUT)/obj/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(FUZZ_CXX) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -MMD -MP -I. -c -o $@ $<

# The objects are kept (make would delete them as intermediate files).
.SECONDARY: $(FUZZ_LIB_OBJ) $(FUZZ_TARGETS:%=$(FUZZ_OUT)/obj/fuzz/%.o)
$(FUZZ_OUT)/%: $(FUZZ_OUT)/obj/fuzz/%.o $(FUZZ_LIB_OBJ)
	$(FUZZ_CXX) $(FUZZ_FLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

# Without clang's libFuzzer (g++ has none) there is nothing to build: say so.
# Asked only when a fuzz target is, so that other makes do not pay for it.
FUZZ_CHECK = printf 'extern "C" int LLVMFuzzerTestOneInput(const char*, unsigned long) { return 0; }' | \
               $(FUZZ_CXX) -x c++ -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1
fuzz fuzz-build fuzz-merge:
	@if $(FUZZ_CHECK); then $(MAKE) --no-print-directory $@-with-libfuzzer; \
	 else echo "make $@: skipped, $(FUZZ_CXX) with libFuzzer (-fsanitize=fuzzer) is not installed (Debian: apt-get install clang)"; fi
fuzz-build-with-libfuzzer: $(FUZZ_TARGETS:%=$(FUZZ_OUT)/%)
fuzz-with-libfuzzer: fuzz-build-with-libfuzzer
	@FUZZ_OUT=$(FUZZ_OUT) bash fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)
fuzz-merge-with-libfuzzer: fuzz-build-with-libfuzzer
	@for t in $(FUZZ_TARGETS); do \
	  $(FUZZ_OUT)/$$t -merge=1 fuzz/corpus/$$t $(FUZZ_OUT)/corpus/$$t 2>&1 | grep -E '^MERGE-OUTER: [0-9]+ new files' || exit 1; \
	done
