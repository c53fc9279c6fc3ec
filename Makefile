# The socket toolkit: `make` builds bin/, `make test` runs every test.
#
#   make               build the programs into bin/
#   make test          build and run the unit and process tests
#   make demo          start both servers, run each client against them
#   make sanitize      the tests again under AddressSanitizer and UBSan
#   make CXX=clang++   the same with clang
#   make windows       cross-build every program and test as .exe (MinGW-w64)
#   make test-windows  ... and run the tests of the .exe programs under Wine
#   make fuzz          fuzz every parser of network bytes (clang's libFuzzer)
#   make clean

CXX      ?= g++
CXXFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Werror
STD      := -std=c++20
LDLIBS   += -pthread

BUILD    ?= build
BIN      ?= bin
EXE      ?=

ALL_CXXFLAGS = $(STD) $(WARNINGS) $(CXXFLAGS) -MMD -MP

COMMON_SRC := common/platform.cpp common/net.cpp common/poller.cpp common/text.cpp common/cli.cpp
COMMON_OBJ := $(COMMON_SRC:%.cpp=$(BUILD)/%.o)

PROGRAMS := udp_server udp_client tcp_server tcp_client tcp_server_threaded
udp_server_SRC := udp_server/main.cpp
udp_client_SRC := udp_client/main.cpp udp_client/exchange.cpp
tcp_server_SRC := tcp_server/main.cpp tcp_server/session.cpp
tcp_client_SRC := tcp_client/main.cpp tcp_client/conversation.cpp
tcp_server_threaded_SRC := tcp_server/threaded_main.cpp tcp_server/session.cpp tcp_server/registry.cpp

UNIT_SRC    := $(wildcard tests/unit/*.cpp)
# The Windows unit tests leave out the check against python3 (it needs popen and a shell).
ifeq ($(EXE),.exe)
UNIT_SRC    := $(filter-out tests/unit/test_text_python.cpp,$(UNIT_SRC))
endif
PROCESS_SRC := $(wildcard tests/process/*.cpp)
TEST_BINS   := $(BIN)/unit_tests$(EXE) $(BIN)/process_tests

.PHONY: all test demo demo-multi sanitize tsan windows test-windows clean doctest format
all: $(PROGRAMS:%=$(BIN)/%$(EXE))

# One link rule per program, from its own sources plus common/.
define program_rule
$(BIN)/$(1)$(EXE): $$($(1)_SRC:%.cpp=$(BUILD)/%.o) $(COMMON_OBJ) | $(BIN)
	$$(CXX) $$(STD) $$(CXXFLAGS) $$(LDFLAGS) -o $$@ $$^ $$(LDLIBS)
endef
$(foreach p,$(PROGRAMS),$(eval $(call program_rule,$(p))))

$(BUILD)/%.o: %.cpp
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -c -o $@ $<

$(BIN):
	@mkdir -p $@

# ---------------------------------------------------------------- tests
# doctest is the one thing to install: apt does it for root on Debian/Ubuntu.
DOCTEST_HEADER := $(firstword $(wildcard /usr/include/doctest/doctest.h /usr/local/include/doctest/doctest.h))
doctest:
	@sh tests/need-doctest.sh

$(BUILD)/tests/%.o: tests/%.cpp | doctest
	@mkdir -p $(dir $@)
	$(CXX) $(ALL_CXXFLAGS) -c -o $@ $<

$(BIN)/unit_tests$(EXE): $(UNIT_SRC:%.cpp=$(BUILD)/%.o) $(COMMON_OBJ) $(BUILD)/udp_client/exchange.o $(BUILD)/tcp_server/session.o | $(BIN)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BIN)/process_tests: $(PROCESS_SRC:%.cpp=$(BUILD)/%.o) $(COMMON_OBJ) | $(BIN)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)


# ASan + UBSan: a separate build tree so the normal one stays as it is.
# SANITIZE_CXX=clang++ builds it with clang (CI does: one build then checks
# clang's warnings as well as the sanitizers).
SANITIZE_CXX ?= $(CXX)
sanitize:
	$(MAKE) test CXX=$(SANITIZE_CXX) BUILD=build/sanitize BIN=build/sanitize/bin \
	  CXXFLAGS="-O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  LDFLAGS="-fsanitize=address,undefined"

# ThreadSanitizer: the programs built with -fsanitize=thread, driven by the
# ordinary process tests of the many-clients server. A data race makes the
# server exit 66, which fails the test that stops it.
TSAN_BIN := build/tsan/bin
tsan: $(BIN)/process_tests
	$(MAKE) all BUILD=build/tsan BIN=$(TSAN_BIN) CXXFLAGS="-O1 -g -fsanitize=thread" LDFLAGS="-fsanitize=thread"
	TSAN_OPTIONS="halt_on_error=1 exitcode=66" BIN=$(TSAN_BIN) $(BIN)/process_tests -tc='threaded*,limits*,streams*'

# ---------------------------------------------------------------- Windows
# The same sources, cross-compiled with MinGW-w64 (POSIX threads for
# std::thread), linked statically with Winsock, into bin/windows/. Only
# common/platform.* knows the difference.
WIN_CXX   ?= x86_64-w64-mingw32-g++-posix
WIN_BUILD := build/windows
WIN_BIN   := bin/windows
# MinGW does not search the host's /usr/include; doctest is header-only, so
# a folder holding just a link to it is enough.
WIN_INCLUDE := $(WIN_BUILD)/include
WINE      ?= wine
WINE_ENV  := WINEPREFIX=$(CURDIR)/build/wineprefix WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="

windows:
	@sh tools/need-windows-tools.sh compiler
	@mkdir -p $(WIN_INCLUDE) && ln -sfn $$(dirname $$(sh tests/need-doctest.sh --path)) $(WIN_INCLUDE)/doctest
	$(MAKE) all $(WIN_BIN)/unit_tests.exe $(WIN_BUILD)/labs/05/bt_tests.exe CXX=$(WIN_CXX) BUILD=$(WIN_BUILD) BIN=$(WIN_BIN) EXE=.exe \
	  CXXFLAGS="$(CXXFLAGS) -isystem $(WIN_INCLUDE)" LDFLAGS="-static" LDLIBS="-lws2_32 -lshell32"

# The unit tests run under Wine (lab 05's too: bencode, the tracker's
# protocol, SHA-1 with each way of hashing blocks); the process tests (a
# Linux program) start each .exe through Wine and talk to it over loopback,
# exactly as they talk to the native programs.
test-windows: windows all $(BIN)/process_tests
	@sh tools/check_portability.sh
	@sh tools/need-windows-tools.sh wine
	$(WINE_ENV) $(WINE) $(WIN_BIN)/unit_tests.exe
	$(WINE_ENV) $(WINE) $(WIN_BUILD)/labs/05/bt_tests.exe
	$(WINE_ENV) RUNNER=$(WINE) EXE=.exe BIN=$(WIN_BIN) NATIVE_BIN=$(BIN) $(BIN)/process_tests

demo: all
	@bash tools/demo.sh $(BIN)

demo-multi: all
	@bash tools/demo_multi.sh $(BIN)

# make lab00 ... lab03, labs-verify, labs-handout
LIB_TESTS :=
include labs/labs.mk

# make bench: the load generator, the C floor server and the comparison run.
include bench/bench.mk

# make fuzz: libFuzzer over every parser of bytes from the network or a file.
include fuzz/fuzz.mk

# The doctest programs of the labs' own libraries (bencode, SHA-1, ...) add
# themselves to LIB_TESTS in their lab.mk; make test runs them after ours.
test: all $(TEST_BINS) $(LIB_TESTS)
	$(BIN)/unit_tests$(EXE)
	BIN=$(BIN) $(BIN)/process_tests
	@for t in $(LIB_TESTS); do echo "$$t"; BIN=$(BIN) $$t || exit 1; done

format:
	clang-format -i $(COMMON_SRC) common/*.hpp */*.cpp */*.hpp

clean:
	rm -rf build bin

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# make stress: longer runs at the limits (CI runs it): 500 clients streaming
# when Ctrl-C comes, none of which may take a cut answer for a whole one.
.PHONY: stress
stress: all
	python3 tools/stress_sigint.py --bin $(BIN)
