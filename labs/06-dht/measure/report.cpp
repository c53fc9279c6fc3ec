// report.cpp - lab 06: dht_measure's output, and RESULTS.md with the machine
// it ran on and what else that machine was doing (Linux: /proc).
#include "report.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "../../../common/cli.hpp"

namespace measuring {

namespace {

std::string said, targets, findings;

// ---------------------------------------------------------------- the machine

std::string first_value(const std::string& file, const std::string& field) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line))
        if (line.rfind(field, 0) == 0) {
            const std::size_t colon = line.find(':');
            return colon == std::string::npos ? "" : line.substr(line.find_first_not_of(" \t", colon + 1));
        }
    return "";
}

double ticks_per_second() { return static_cast<double>(sysconf(_SC_CLK_TCK)); }

// CPU seconds the whole machine spent busy, and those the hypervisor took (steal).
std::pair<double, double> machine_busy() {
    std::ifstream in("/proc/stat");
    std::string cpu;
    double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
    in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
    return {(user + nice + system + irq + softirq) / ticks_per_second(), steal / ticks_per_second()};
}

double own_cpu() {
    rusage self{};
    getrusage(RUSAGE_SELF, &self);
    auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    return seconds(self.ru_utime) + seconds(self.ru_stime);
}

// Every process's CPU seconds so far, by pid: (its name, seconds).
std::map<int, std::pair<std::string, double>> processes() {
    std::map<int, std::pair<std::string, double>> all;
    DIR* proc = opendir("/proc");
    if (proc == nullptr) return all;
    while (dirent* entry = readdir(proc)) {
        const int pid = std::atoi(entry->d_name);
        if (pid <= 0 || pid == getpid()) continue;
        std::ifstream in("/proc/" + std::string(entry->d_name) + "/stat");
        std::string line;
        if (!std::getline(in, line)) continue;
        const std::size_t open = line.find('('), close = line.rfind(')');
        if (open == std::string::npos || close == std::string::npos) continue;
        std::istringstream rest(line.substr(close + 2));
        std::vector<std::string> fields{std::istream_iterator<std::string>(rest), {}};
        if (fields.size() < 13) continue;  // state is field 3; utime and stime are 14 and 15
        all[pid] = {line.substr(open + 1, close - open - 1),
                    (std::stod(fields[11]) + std::stod(fields[12])) / ticks_per_second()};
    }
    closedir(proc);
    return all;
}

struct machine_at_start {
    std::chrono::steady_clock::time_point when;
    std::pair<double, double> busy;
    double ours = 0;
} start;

// What else ran, by program name: a thread looks at every process once a
// second and adds up the CPU time each used since it last looked (a process
// that starts and ends between two looks is only in the machine's total).
class process_watch {
public:
    ~process_watch() { end(); }
    void begin() {
        last_ = processes();
        looking_ = std::thread([this] {
            std::unique_lock<std::mutex> lock(mutex_);
            while (!stop_) {
                wake_.wait_for(lock, std::chrono::seconds(1));
                look();
            }
        });
    }
    // CPU seconds by program name, the busiest first.
    std::vector<std::pair<double, std::string>> end() {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
        }
        wake_.notify_one();
        if (looking_.joinable()) looking_.join();
        std::vector<std::pair<double, std::string>> busiest;
        for (const auto& [name, used] : used_) busiest.push_back({used, name});
        std::sort(busiest.rbegin(), busiest.rend());
        return busiest;
    }

private:
    void look() {
        auto now = processes();
        for (const auto& [pid, seen] : now) {
            auto before = last_.find(pid);
            const double since = seen.second - (before == last_.end() ? 0 : before->second.second);
            if (since > 0) used_[seen.first] += since;
        }
        last_ = std::move(now);
    }
    std::map<int, std::pair<std::string, double>> last_;
    std::map<std::string, double> used_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread looking_;
} others_watch;

std::string machine_lines() {
    const long cores = sysconf(_SC_NPROCESSORS_ONLN);
    std::string memory = first_value("/proc/meminfo", "MemTotal");
    const double kib = memory.empty() ? 0 : std::stod(memory);
    utsname system{};
    uname(&system);
    const std::time_t now = std::time(nullptr);
    char date[64];
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
#ifdef __clang__
    const std::string compiler = "clang++ " __clang_version__;
#else
    const std::string compiler = "g++ " __VERSION__;
#endif
    char text[1024];
    std::snprintf(text, sizeof text,
                  "- CPU: %s, %ld logical cores\n- Memory: %.1f GiB\n- Kernel: %s %s\n- Compiler: %s\n"
                  "- Date: %s\n",
                  first_value("/proc/cpuinfo", "model name").c_str(), cores, kib / (1 << 20), system.sysname,
                  system.release, compiler.c_str(), date);
    return text;
}

// What else ran: the CPU time of the machine less ours, and the busiest
// programs that were there at the end.
std::string others_line(double wall) {
    const auto busy = machine_busy();
    const double all = busy.first - start.busy.first, steal = busy.second - start.busy.second;
    const double others = std::max(0.0, all - (own_cpu() - start.ours));
    const double available = wall * static_cast<double>(sysconf(_SC_NPROCESSORS_ONLN));
    const std::vector<std::pair<double, std::string>> busiest = others_watch.end();
    std::string names;
    for (std::size_t i = 0; i < busiest.size() && i < 5 && busiest[i].first >= 1; ++i)
        names += (names.empty() ? "" : ", ") + busiest[i].second + " " +
                 std::to_string(static_cast<long>(busiest[i].first + 0.5)) + " s";
    char text[1024];
    std::snprintf(text, sizeof text,
                  "- Other programs used %.1f of the %.0f CPU-seconds available during the run (%.0f%%)%s. The "
                  "hypervisor took %.1f s (steal). This program itself used %.0f CPU-seconds.\n",
                  others, available, 100 * others / std::max(1.0, available),
                  names.empty() ? "" : ("; the busiest: " + names).c_str(), steal,
                  own_cpu() - start.ours);
    return text;
}

}  // namespace

void say(const char* format, ...) {
    va_list args;
    va_start(args, format);
    char small[2048];
    va_list again;
    va_copy(again, args);
    const int length = std::vsnprintf(small, sizeof small, format, args);
    std::string text;
    if (length >= 0 && static_cast<std::size_t>(length) < sizeof small) {
        text = small;
    } else if (length >= 0) {
        text.resize(static_cast<std::size_t>(length) + 1);
        std::vsnprintf(text.data(), text.size(), format, again);
        text.pop_back();
    }
    va_end(again);
    va_end(args);
    std::fputs(text.c_str(), stdout);
    std::fflush(stdout);
    said += text;
}

void target(const std::string& verdict, const std::string& text) {
    std::printf("%-8s  %s\n", verdict.c_str(), text.c_str());
    std::fflush(stdout);
    targets += "- " + verdict + "  " + text + "\n";
}

void finding(const std::string& text) { findings += "- " + text + "\n"; }

void chart(const std::string& path, const std::string& title) {
    std::printf("\n(chart: %s)\n", path.c_str());
    const std::size_t slash = path.rfind('/');
    said += "\n![" + title + "](" + (slash == std::string::npos ? path : path.substr(slash + 1)) + ")\n";
}

void watch_machine() {
    start.when = std::chrono::steady_clock::now();
    start.busy = machine_busy();
    start.ours = own_cpu();
    others_watch.begin();
}

void write_results(const std::string& path, const std::string& command, const std::string& how) {
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start.when).count();
    std::ofstream file(path, std::ios::binary);
    file << "# Lab 06: a circular DHT over UDP, measured against the lecture and the Chord paper\n\n"
         << "Written by `" << command << "` (`labs/06-dht/measure/measure.cpp`; `make lab06-measure SOLUTION=1 RESULTS=1` "
         << "runs it so), wall time " << static_cast<long>(wall + 0.5) << " s.\n\n## Machine\n\n"
         << machine_lines() << others_line(wall) << "\n## How it was measured\n\n"
         << how << "\n## Targets\n\n"
         << targets << "\nWhat the figures say:\n\n"
         << findings << said;
    if (!file) cli::fail("cannot write " + path);
    std::printf("\n(results: %s)\n", path.c_str());
}

}  // namespace measuring
