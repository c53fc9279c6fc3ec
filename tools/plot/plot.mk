# plot.mk - the project's one plotter (tools/plot/), included by bench/bench.mk
# and by the labs that draw charts; the guard makes a second include a no-op.
#
#   $(PLOT_OBJ)        the library (svg.hpp: the SVG writer; chart.hpp: line
#                      charts; chart_text.hpp: the text description), for C++ programs
#   $(BIN)/svgplot     the command: a chart description on stdin, SVG on stdout
#   $(BIN)/plot_tests  its doctest tests, run by `make test` (LIB_TESTS)
ifndef PLOT_MK
PLOT_MK := 1

PLOT_SRC := tools/plot/svg.cpp tools/plot/chart.cpp tools/plot/chart_text.cpp
PLOT_OBJ := $(PLOT_SRC:%.cpp=$(BUILD)/%.o)

$(BIN)/svgplot: $(BUILD)/tools/plot/svgplot_main.o $(PLOT_OBJ) | $(BIN)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD)/tools/plot/test_plot.o: | doctest

$(BIN)/plot_tests: $(BUILD)/tools/plot/test_plot.o $(PLOT_OBJ) | $(BIN)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^

LIB_TESTS += $(BIN)/plot_tests

.PHONY: svgplot
svgplot: $(BIN)/svgplot

endif
