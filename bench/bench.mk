# bench.mk - included by the top-level Makefile.
#
#   make bench     build the servers, the load generator, the C floor server
#                  and the plotter, run every server under the same loads side
#                  by side, print the table and write bench/RESULTS.md and
#                  bench/scaling.svg (drawn by bin/svgplot, labs/shared/plot/)
#
# BENCH_ARGS passes options to the orchestrator, e.g.
#   make bench BENCH_ARGS="--reps 5"       more repetitions (medians of 5)
#   make bench BENCH_ARGS="--quick"        a short smoke run (figures not meaningful)

include labs/shared/plot/plot.mk

BENCH_CC     ?= cc
BENCH_CFLAGS ?= -O2 -g
BENCH_ARGS   ?=

LOADGEN_SRC := bench/loadgen_main.cpp bench/loadgen_common.cpp bench/loadgen_pingpong.cpp bench/loadgen_stream.cpp
LOADGEN_OBJ := $(LOADGEN_SRC:%.cpp=$(BUILD)/%.o)

.PHONY: bench bench-tools

bench-tools: $(BIN)/bench_loadgen $(BIN)/bench_floor

$(BIN)/bench_loadgen: $(LOADGEN_OBJ) $(COMMON_OBJ) | $(BIN)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# The floor is plain C on purpose: nothing between the program and the socket calls.
$(BIN)/bench_floor: bench/floor.c | $(BIN)
	$(BENCH_CC) -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror $(BENCH_CFLAGS) -o $@ $< -pthread

bench: $(BIN)/udp_server $(BIN)/tcp_server $(BIN)/tcp_server_threaded bench-tools $(BIN)/svgplot
	python3 bench/run_bench.py --bin $(BIN) $(BENCH_ARGS)
