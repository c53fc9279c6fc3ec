// report.hpp - lab 06: what dht_measure says, on stdout and into RESULTS.md.
//
// The parts of the measurement (measure.cpp, measure_churn.cpp) print their
// tables with say(); each target met or missed is one target() line; each
// chart one chart() line. With --results FILE, the program then writes FILE:
// the machine, what else it was running, the method, the targets, and
// everything said, in that order.
#pragma once

#include <string>

namespace measuring {

// printf() to stdout, and into the results.
void say(const char* format, ...) __attribute__((format(printf, 1, 2)));

// A target checked: verdict PASS, MISS or REPORTED, and the figures.
void target(const std::string& verdict, const std::string& text);
// A sentence for "What the figures say".
void finding(const std::string& text);
// A chart written: its path on stdout, an image in the results.
void chart(const std::string& path, const std::string& title);

// Starts the count of the machine's CPU time (call once, at the start).
void watch_machine();
// Writes the results file: `how` is the method (Markdown bullets).
void write_results(const std::string& path, const std::string& command, const std::string& how);

}  // namespace measuring
