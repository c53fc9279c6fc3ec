// measure_failures.cpp - lab 06: a fraction p of the peers fails at once, as
// in the Chord paper's experiment on simultaneous failures (Stoica et al.,
// SIGCOMM 2001). With the lecture's two successors, and with Chord's
// r = log2 N: how many lookups fail before any repair, and how long they
// are; then, once the ring has stabilised, how many are right, and how many
// stored values are still found, without a copy and with the lab's copy at
// the holder's successor.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "measure.hpp"

namespace measuring {

using namespace dht;

namespace {

// A ring settled with its upkeep off: nobody pings, so nobody learns of a
// failure until the upkeep starts (host::start_upkeep).
// How long the ring is given to stabilise, in ping periods.
constexpr int stabilise_periods = 40;

settings failure_settings(int successors) {
    settings s;
    s.m = 32;
    // A thousand peers in one thread, on a machine that others use too: a
    // reply may wait its turn for a while. With 50 ms and 3 tries, a busy
    // moment made peers take live ones for gone, and whole rings fell apart.
    s.period = ms(500);
    s.timeout = ms(150);
    s.tries = 2;
    s.lookup_wait = ms(1500);  // longer than most queries that meet silent peers take (2 tries of 150 ms each)
    s.upkeep = false;
    s.successors = successors;
    return s;
}


// What one ring (one p, one r, one seed) gave.
struct failure_run {
    lookups before, after;          // before any repair; once stabilised
    double stabilised_s = -1;       // -1: not within the limit
    std::size_t wrong_at_limit = 0;  // then: the live peers with a link still wrong
    int copied = 0, copied_found = 0;      // values stored with a copy at the successor
    int uncopied = 0, uncopied_found = 0;  // values stored without
};

// Values put from random peers; `copy` false: the holder keeps the only one.
std::vector<std::pair<std::string, id>> put_values(host& ring, std::mt19937_64& random, int count, bool copy,
                                                   const std::string& prefix) {
    ring.use_replicas(copy);
    std::vector<std::pair<std::string, id>> stored;
    const std::vector<id> ids = ring.identifiers();
    for (int i = 0; i < count; ++i) {
        const std::string name = prefix + std::to_string(i);
        const id key = static_cast<id>(random());
        if (ring.put(ids[random() % ids.size()], name, key, name, ms(20000)).ok) stored.push_back({name, key});
    }
    ring.use_replicas(true);
    return stored;
}

// How many of the values a get from a random live peer finds, 32 at a time.
int found(host& ring, std::mt19937_64& random, const std::vector<std::pair<std::string, id>>& values) {
    const std::vector<id> live = ring.identifiers();
    auto count = std::make_shared<int>(0);
    in_flight(ring, static_cast<int>(values.size()), 32, [&, count](int i, std::function<void()> done) {
        const auto& [name, key] = values[static_cast<std::size_t>(i)];
        ring.find(live[random() % live.size()])->get(name, key, [count, name = name, done](const store_result& got) {
            *count += got.found && got.value == name ? 1 : 0;
            done();
        });
    });
    return *count;
}

failure_run one_ring(std::size_t n, double p, int successors, unsigned seed, int lookups_count, int values,
                     const std::string& label) {
    failure_run run;
    std::mt19937_64 random(seed * 7919 + n);
    progress(label + ": starting the peers");
    auto ring = make_ring(failure_settings(successors), random_ids(random, 32, n));
    progress(label + ": storing values");
    const auto copied = put_values(*ring, random, values, true, "copied ");
    const auto uncopied = put_values(*ring, random, values, false, "alone ");
    run.copied = static_cast<int>(copied.size());
    run.uncopied = static_cast<int>(uncopied.size());

    // A fraction p of the peers, at random, fails at once.
    std::vector<id> ids = ring->identifiers();
    std::shuffle(ids.begin(), ids.end(), random);
    const auto failing = static_cast<std::size_t>(std::lround(p * static_cast<double>(n)));
    for (std::size_t i = 0; i < failing; ++i) ring->kill(ids[i]);

    run.before = run_lookups(*ring, random, lookups_count, 128, label + ", before any repair");
    // Then the peers ping, stabilise and look their fingers up again.
    ring->start_upkeep();
    const auto start = ring->now();
    const auto limit = stabilise_periods * ring->config().period;
    while (ring->now() - start < limit) {
        progress(label + ": stabilising");
        ring->run_for(ms(100));
        if (links_right(*ring, false)) {
            run.stabilised_s = std::chrono::duration<double>(ring->now() - start).count();
            break;
        }
    }
    if (run.stabilised_s < 0) run.wrong_at_limit = wrong_links(*ring, false);
    run.after = run_lookups(*ring, random, lookups_count, 64, label + ", stabilised");
    progress(label + ": getting the values");
    run.copied_found = found(*ring, random, copied);
    run.uncopied_found = found(*ring, random, uncopied);
    return run;
}

double fraction(int part, int all) { return all == 0 ? 0 : static_cast<double>(part) / static_cast<double>(all); }

// The runs of one p and one r, over the seeds, added up.
struct failure_sum {
    std::vector<double> before_messages, after_messages;
    int before_failed = 0, before_unanswered = 0, before_all = 0;
    int after_failed = 0, after_all = 0;
    std::vector<double> stabilised_s;
    int not_stabilised = 0;
    std::vector<std::size_t> wrong_at_limit;  // of each ring that did not stabilise
    int copied = 0, copied_found = 0, uncopied = 0, uncopied_found = 0;

    void add(const failure_run& r) {
        before_messages.insert(before_messages.end(), r.before.messages.begin(), r.before.messages.end());
        after_messages.insert(after_messages.end(), r.after.messages.begin(), r.after.messages.end());
        before_failed += r.before.wrong + r.before.unanswered;
        before_unanswered += r.before.unanswered;
        before_all += static_cast<int>(r.before.messages.size()) + r.before.wrong + r.before.unanswered;
        after_failed += r.after.wrong + r.after.unanswered;
        after_all += static_cast<int>(r.after.messages.size()) + r.after.wrong + r.after.unanswered;
        if (r.stabilised_s >= 0)
            stabilised_s.push_back(r.stabilised_s);
        else {
            ++not_stabilised;
            wrong_at_limit.push_back(r.wrong_at_limit);
        }
        copied += r.copied;
        copied_found += r.copied_found;
        uncopied += r.uncopied;
        uncopied_found += r.uncopied_found;
    }
    double after_right() const { return 1 - fraction(after_failed, after_all); }
};

std::string percent(double x) { return fixed(100 * x, 1) + "%"; }

}  // namespace

void measure_failures(const options& o) {
    const std::size_t n = o.quick ? 256 : 1024;
    const int log_n = static_cast<int>(std::lround(std::log2(static_cast<double>(n))));
    std::vector<int> successor_counts{2, log_n};
    if (o.successors != 2 && o.successors != log_n) successor_counts.push_back(o.successors);
    const std::vector<double> fractions{0.1, 0.2, 0.3, 0.4, 0.5};
    const int lookups_count = o.quick ? 100 : 200, values = o.quick ? 50 : 100;
    const unsigned seeds = o.quick ? 1 : o.seeds;

    say("\n## Simultaneous failures: %zu peers, a fraction p fails at once\n\n", n);
    say(
        "m = 32, random identifiers, %u rings (seeds) for each p and each number of successors r. Before the "
        "failures, %d values are stored with a copy at the holder's successor (the lab's peers) and %d without (the "
        "holder keeps the only one, as in the paper's experiment). A fraction p of the peers, chosen at random, "
        "then fails at once. **Before any repair** (nobody pings yet): %d lookups from random live peers for random "
        "keys; a peer only routes a query around a hop that does not acknowledge it. Then every peer's upkeep "
        "starts (a ping every %lld ms, %lld ms for each reply, %d tries); **once stabilised** (every live peer has "
        "its true successor and predecessor, or after %d ping periods): %d lookups again, and a get of every value. A lookup fails when it is not answered, or is answered by another peer than the key's "
        "successor among the live peers.\n\n",
        seeds, values, values, lookups_count, static_cast<long long>(failure_settings(2).period.count()),
        static_cast<long long>(failure_settings(2).timeout.count()), failure_settings(2).tries, stabilise_periods,
        lookups_count);
    say(
        "| p | r | before repair: failed | no answer | messages: mean | p1 | p99 | stabilised after (s) | once "
        "stabilised: lookups right | messages: mean | values found, no copy | with a copy | 1 - p |\n"
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");

    const std::vector<std::string> colours{"#c03030", "#1f5fbf", "#2a9d4a"};
    std::vector<plot::series> failed_before, right_after, messages_before, copied_found, uncopied_found;
    plot::series p_line = line("p (the keys whose holder failed)", "#888888", true);
    plot::series one_less = line("1 - p (the paper)", "#888888", true);
    std::string target_figures;
    double right_at_half_log = -1, right_at_half_two = -1;
    for (std::size_t k = 0; k < successor_counts.size(); ++k) {
        const int r = successor_counts[k];
        const std::string who = "r = " + std::to_string(r);
        failed_before.push_back(line(who, colours[k % colours.size()]));
        right_after.push_back(line(who, colours[k % colours.size()]));
        messages_before.push_back(line(who, colours[k % colours.size()]));
        copied_found.push_back(line(who + ", a copy at the successor", colours[k % colours.size()]));
        uncopied_found.push_back(line(who + ", no copy", colours[k % colours.size()], true));
    }
    for (double p : fractions) {
        p_line.data.push_back({p, 100 * p});
        one_less.data.push_back({p, 100 * (1 - p)});
        for (std::size_t k = 0; k < successor_counts.size(); ++k) {
            const int r = successor_counts[k];
            failure_sum sum;
            for (unsigned seed = 1; seed <= seeds; ++seed)
                sum.add(one_ring(n, p, r, seed, lookups_count, values,
                                 "failures: p = " + fixed(p, 1) + ", r = " + std::to_string(r) + ", seed " +
                                     std::to_string(seed)));
            progress_done();
            const double failed = fraction(sum.before_failed, sum.before_all);
            // A ring that did not stabilise in time: how many of its live
            // peers still had a wrong successor or predecessor then.
            std::string wrong_text;
            for (std::size_t w : sum.wrong_at_limit)
                wrong_text += (wrong_text.empty() ? "" : ", ") + std::to_string(w);
            const std::string not_text = std::to_string(sum.not_stabilised) + " not, " + wrong_text +
                                         (sum.wrong_at_limit.size() == 1 && sum.wrong_at_limit[0] == 1
                                              ? " peer with a wrong link"
                                              : " peers with a wrong link");
            const std::string stabilised_text =
                sum.stabilised_s.empty()
                    ? "not within " + std::to_string(stabilise_periods) + " periods (" + not_text + ")"
                    : fixed(percentile(sum.stabilised_s, 0.5), 1) +
                          (sum.not_stabilised > 0 ? " (" + not_text + ")" : std::string(""));
            say("| %.1f | %d | %s | %s | %s | %.0f | %.0f | %s | %s | %s | %s | %s | %s |\n", p, r,
                percent(failed).c_str(), percent(fraction(sum.before_unanswered, sum.before_all)).c_str(),
                fixed(mean(sum.before_messages), 2).c_str(), percentile(sum.before_messages, 0.01),
                percentile(sum.before_messages, 0.99), stabilised_text.c_str(), percent(sum.after_right()).c_str(),
                fixed(mean(sum.after_messages), 2).c_str(),
                percent(fraction(sum.uncopied_found, sum.uncopied)).c_str(),
                percent(fraction(sum.copied_found, sum.copied)).c_str(), percent(1 - p).c_str());
            failed_before[k].data.push_back({p, 100 * failed});
            right_after[k].data.push_back({p, 100 * sum.after_right()});
            messages_before[k].data.push_back({p, mean(sum.before_messages)});
            copied_found[k].data.push_back({p, 100 * fraction(sum.copied_found, sum.copied)});
            uncopied_found[k].data.push_back({p, 100 * fraction(sum.uncopied_found, sum.uncopied)});
            if (p == 0.5 && r == log_n) right_at_half_log = sum.after_right();
            if (p == 0.5 && r == 2) right_at_half_two = sum.after_right();
            if (p == 0.5)
                target_figures += (target_figures.empty() ? "" : "; ") + std::string("r = ") + std::to_string(r) +
                                  ": lookups failed before any repair " + percent(failed) + ", right once "
                                  "stabilised " + std::to_string(sum.after_all - sum.after_failed) + " of " +
                                  std::to_string(sum.after_all) + " (" + percent(sum.after_right()) +
                                  "), values found without a copy " +
                                  percent(fraction(sum.uncopied_found, sum.uncopied)) + " and with one " +
                                  percent(fraction(sum.copied_found, sum.copied));
        }
    }

    plot::chart c;
    c.title = "Simultaneous failures: " + std::to_string(n) + " peers, a fraction p fails at once";
    c.x_label = "p, the fraction of the peers that fail";
    std::vector<plot::series> first = failed_before;
    first.insert(first.begin(), p_line);
    c.panels.push_back({"Lookups that fail before any repair", "%", first});
    c.panels.push_back({"Messages per lookup answered right, before any repair", "messages", messages_before});
    c.panels.push_back({"Lookups right once the ring has stabilised", "%", right_after});
    std::vector<plot::series> kept = uncopied_found;
    kept.insert(kept.end(), copied_found.begin(), copied_found.end());
    kept.insert(kept.begin(), one_less);
    c.panels.push_back({"Values still found once the ring has stabilised", "%", kept});
    write_chart(c, o.charts + "/failures.svg");

    target(right_at_half_log >= 0.99 ? "MET" : "MISSED",
           "half the peers (p = 0.5) fail at once, N = " + std::to_string(n) + ", r = log2 N = " +
               std::to_string(log_n) + " successors: at least 99% of the lookups reach the key's successor among "
               "the live peers once the ring has stabilised: " + percent(right_at_half_log));
    target("REPORTED", "p = 0.5, N = " + std::to_string(n) + ": " + target_figures);
    finding("Simultaneous failures (N = " + std::to_string(n) + ", p = 0.5): once stabilised, " +
            percent(right_at_half_log) + " of the lookups were right with r = " + std::to_string(log_n) +
            " successors and " + percent(right_at_half_two) +
            " with the lecture's 2 (and the stand-in). Before any repair a lookup fails when it meets a peer that "
            "names a failed successor as the key's holder: nobody has pinged yet, so it does not know; a query "
            "that finds its next hop silent goes another way, through the next successor it knows, which the "
            "lecture's two run out of more often. Values stored without a copy are lost with their holder, about "
            "a fraction p, as in the paper; with the lab's copy at the successor, a value is lost only when its "
            "holder and the successor both failed, about p squared.");
}

}  // namespace measuring
