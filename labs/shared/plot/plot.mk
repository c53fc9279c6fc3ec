# plot.mk - the project's one plotter (labs/shared/plot/), included by
# labs/shared/shared.mk and bench/bench.mk; the guard makes a second include a no-op.
#
#   $(PLOT_OBJ)        the library (svg.hpp: the SVG writer; chart.hpp: line
#                      charts; chart_text.hpp: the text description), for C++ programs
#   $(BIN)/svgplot     the command: a chart description on stdin, SVG on stdout
#   $(BIN)/plot_tests  its doctest tests, run by `make test` (LIB_TESTS)
ifndef PLOT_MK
PLOT_MK := 1

PLOT_SRC := $(addprefix labs/shared/plot/,svg.cpp chart.cpp chart_text.cpp)
PLOT_OBJ := $(PLOT_SRC:%.cpp=$(BUILD)/%.o)

$(BIN)/svgplot: $(BUILD)/labs/shared/plot/svgplot_main.o $(PLOT_OBJ) | $(BIN)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^

$(BUILD)/labs/shared/plot/test_plot.o: | doctest

$(BIN)/plot_tests: $(BUILD)/labs/shared/plot/test_plot.o $(PLOT_OBJ) | $(BIN)
	$(CXX) $(STD) $(CXXFLAGS) $(LDFLAGS) -o $@ $^

LIB_TESTS += $(BIN)/plot_tests

.PHONY: svgplot
svgplot: $(BIN)/svgplot

endif
