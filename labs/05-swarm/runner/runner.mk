# runner.mk - lab 05's swarm runner and its benchmark (included at the end of lab.mk).
#
#   make lab05-swarm ARGS=... the swarm runner, labs/05-swarm/runner/swarm.py:
#                             a tracker, a seed and N peers on this machine,
#                             measured against lab 04's bounds
#                             (ARGS="--help" lists its options)
#   make lab05-bench          the lab's targets, measured with the runner
#                             (about 10 minutes): labs/05-swarm/runner/RESULTS.md
#                             and labs/05-swarm/runner/swarm_chart.svg (ARGS=--quick:
#                             a short run that checks the plumbing, written to
#                             build/labs/05/bench-quick/)

# The runner measures against lab 04's bounds, from lab 04's reference
# solution where there is one (a handout without solutions: the student's).
LAB05_BOUNDS_VARIANT := $(if $(wildcard labs/04-distribution-time/solution/distribution.cpp),solution,student)
LAB05_BOUNDS := $(BUILD)/labs/$(LAB05_BOUNDS_VARIANT)/04/distribution

.PHONY: lab05-swarm lab05-bench lab05-swarm-tools
lab05-swarm-tools: $(BIN)/tracker$(EXE) $(BIN)/peer$(EXE) $(BIN)/make_torrent$(EXE) $(BIN)/svgplot
	@$(MAKE) --no-print-directory $(LAB05_BOUNDS) $(if $(filter solution,$(LAB05_BOUNDS_VARIANT)),SOLUTION=1)

lab05-swarm: lab05-swarm-tools
	python3 $(LAB05)/runner/swarm.py --bin $(BIN) --bounds-program $(LAB05_BOUNDS) $(ARGS)

lab05-bench: lab05-swarm-tools
	python3 $(LAB05)/runner/swarm_bench.py --bin $(BIN) --bounds-program $(LAB05_BOUNDS) \
	  $(if $(filter --quick,$(ARGS)),--out $(BUILD)/labs/05/bench-quick) $(ARGS)
