// measure.hpp - lab 06: what the parts of dht_measure share (measure.cpp:
// the command, messages per lookup, speed; measure_churn.cpp: churn;
// measure_failures.cpp: simultaneous failures).
#pragma once

#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "../../shared/plot/chart.hpp"
#include "../peer/host.hpp"
#include "report.hpp"

namespace measuring {

using dht::id;

struct options {
    std::string part = "all";
    std::string charts = ".";
    bool quick = false;
    unsigned seeds = 3;
    std::string results;  // where to write RESULTS.md (empty: nowhere)
    int successors = 2;   // successors each peer keeps in the churn part (the failures part: 2, log2 N and this)
};

void measure_lookups(const options& o);
void measure_churn(const options& o);
void measure_speed(const options& o);
void measure_failures(const options& o);

// On a terminal (stderr), one line that is written over.
extern bool show_progress;
void progress(const std::string& text);
void progress_done();

// n distinct random identifiers of 0 .. 2^m - 1, sorted.
std::vector<id> random_ids(std::mt19937_64& random, int m, std::size_t n);
// The successor of key among sorted peers: the right answer.
id truth(const std::vector<id>& sorted, id key);
double percentile(std::vector<double> v, double p);  // nearest rank, p from 0 to 1
double mean(const std::vector<double>& v);
std::string fixed(double x, int decimals);

// A settled ring of these peers, whose log goes nowhere.
std::unique_ptr<dht::host> make_ring(const dht::settings& s, const std::vector<id>& ids);

// Every live peer knows its true successor and predecessor (and, if
// `second`, its true second successor).
bool links_right(const dht::host& ring, bool second);
// How many live peers have a link that is not right (stops at the first one with first_only).
std::size_t wrong_links(const dht::host& ring, bool second, bool first_only = false);

// Lookups from random live peers for random keys, checked against truth().
struct lookups {
    std::vector<double> messages;  // of the lookups answered right
    int wrong = 0;                 // answered with another holder
    int unanswered = 0;
    double right() const;  // the fraction answered right
};
lookups run_lookups(dht::host& ring, std::mt19937_64& random, int count, int parallel, const std::string& label);
// `count` operations of the ring's peers, `parallel` at a time: start(i, done)
// starts the i-th, which calls done() once it has ended, answered or not.
void in_flight(dht::host& ring, int count, int parallel, const std::function<void(int, std::function<void()>)>& start);

// A measured series (markers), or a reference curve (dashed).
plot::series line(const std::string& name, const std::string& colour, bool dashed = false);
void write_chart(const plot::chart& c, const std::string& path);

}  // namespace measuring
