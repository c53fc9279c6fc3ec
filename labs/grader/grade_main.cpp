// grade_main.cpp - the entry point of every lab grader.
//
// A grader is a set of doctest TEST_CASEs, one per requirement of the lab,
// each with a hint for the student:
//
//     TEST_CASE("prints one line per ping" * doctest::description("see task 3: ...")) { ... }
//
// This file supplies main() and a reporter that prints one line per
// requirement, PASS or FAIL (with the hint and what went wrong), and a final
// score. The exit status is 0 only when every requirement passes.
//
// Each requirement runs in a process of its own (fork), so that whatever the
// student's code does there (crash, throw, loop for ever, call exit()) costs
// that requirement only: the grader says what happened and goes on to the
// next one, and always ends with its score. A requirement that has not
// finished after its deadline (GRADE_DEADLINE seconds, 60 unless set; more
// for one that says doctest::timeout(S)) is stopped, with everything it
// started (its process group).
//
// Environment:
//   GRADE_ONLY        one requirement name per line: grade only those
//   GRADE_FIRST_FAIL  set: stop after the first requirement that fails
//   GRADE_DEADLINE    seconds a requirement may take (default 60)
#define DOCTEST_CONFIG_IMPLEMENT
// A crash is reported by the parent process, from how the child ended.
#define DOCTEST_CONFIG_NO_POSIX_SIGNALS
#include <doctest/doctest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <mutex>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include "shared_work.hpp"

namespace grading {

std::vector<void (*)()>& shared_work() {
    static std::vector<void (*)()> work;
    return work;
}

bool before_requirements(void (*work)()) {
    shared_work().push_back(work);
    return true;
}

}  // namespace grading

namespace {

// What one requirement's process tells the grader: a line "pass" or "fail",
// written when the requirement ends (nothing at all if it never ends).
int verdict_fd = -1;
// The requirements to grade, in order (filled by listing them).
std::vector<const doctest::TestCaseData*> requirements;

void write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
    }
}

class grade_reporter : public doctest::IReporter {
public:
    explicit grade_reporter(const doctest::ContextOptions& options) : out_(*options.cout) {}

    // Listing (--list-test-cases): what main() will run, one process each.
    void report_query(const doctest::QueryData& query) override {
        requirements.assign(query.data, query.data + query.num_data);
    }
    void test_run_start() override {}
    void test_run_end(const doctest::TestRunStats&) override {}

    void test_case_start(const doctest::TestCaseData& data) override {
        current_ = &data;
        first_problem_.clear();
    }
    void test_case_reenter(const doctest::TestCaseData&) override {}

    void test_case_end(const doctest::CurrentTestCaseStats& stats) override {
        if (stats.testCaseSuccess) {
            out_ << "PASS  " << current_->m_name << "\n";
        } else {
            out_ << "FAIL  " << current_->m_name << "\n";
            if (current_->m_description != nullptr && *current_->m_description != '\0')
                out_ << "      hint: " << current_->m_description << "\n";
            if (!first_problem_.empty()) out_ << "      found: " << first_problem_ << "\n";
        }
        out_.flush();
        if (verdict_fd >= 0) write_all(verdict_fd, stats.testCaseSuccess ? "pass\n" : "fail\n");
    }

    void test_case_exception(const doctest::TestCaseException& e) override {
        remember(std::string(e.is_crash ? "crashed: " : "stopped: ") + e.error_string.c_str());
    }

    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}

    void log_assert(const doctest::AssertData& a) override {
        if (!a.m_failed) return;
        // What the grader noted with INFO() says what the student's program
        // did: that comes first; the check itself, in C++, last. Its values
        // only when doctest could print every one of them: a type it cannot
        // print shows as {?}, which tells a student nothing.
        std::string check = "(check: " + std::string(a.m_expr);
        const std::string values = a.m_decomp.c_str();
        if (!values.empty() && values.find("{?}") == std::string::npos) check += ", values: " + values;
        if (a.m_exception.size() > 0) check += ", threw " + std::string(a.m_exception.c_str());
        remember(with_context("", check + ")"));
    }

    void log_message(const doctest::MessageData& m) override {
        if (m.m_severity & doctest::assertType::is_warn) return;  // MESSAGE(): not a failure
        remember(with_context(m.m_string.c_str(), ""));
    }

    void test_case_skipped(const doctest::TestCaseData&) override {}

private:
    // `first`, then the active INFO() notes, then `last`, one per line.
    static std::string with_context(const std::string& first, const std::string& last) {
        std::string text = first;
        auto add = [&text](const std::string& part) {
            if (part.empty()) return;
            if (!text.empty()) text += "\n      ";
            text += part;
        };
        for (int i = 0; i < get_num_active_contexts(); ++i) {
            std::ostringstream context;
            get_active_contexts()[i]->stringify(&context);
            add(context.str());
        }
        add(last);
        return text;
    }

    void remember(const std::string& problem) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (first_problem_.empty()) first_problem_ = problem;
    }

    std::ostream& out_;
    std::mutex mutex_;
    const doctest::TestCaseData* current_ = nullptr;
    std::string first_problem_;
};

// A doctest filter that matches exactly `names` (doctest splits a filter at
// commas: a comma or backslash of a name is escaped).
std::string filter_of(const std::vector<std::string>& names) {
    std::string filter;
    for (const std::string& name : names) {
        if (name.empty()) continue;
        if (!filter.empty()) filter += ',';
        for (char c : name) {
            if (c == ',' || c == '\\') filter += '\\';
            filter += c;
        }
    }
    return filter;
}

// The requirements this run grades: all of them, or GRADE_ONLY's, narrowed
// by the command line (-tc=...).
void list_requirements(int argc, char** argv) {
    doctest::Context context;
    context.setOption("reporters", "grade");
    context.setOption("no-version", true);
    std::string only_filter;
    if (const char* only = std::getenv("GRADE_ONLY"); only != nullptr && *only != '\0') {
        std::vector<std::string> names;
        std::istringstream lines(only);
        for (std::string name; std::getline(lines, name);) names.push_back(name);
        only_filter = filter_of(names);
        context.setOption("test-case", only_filter.c_str());
    }
    // Listing is a flag of doctest's command line, not an option to set.
    std::vector<char*> args(argv, argv + argc);
    char list_flag[] = "-ltc";
    args.insert(args.begin() + std::min(argc, 1), list_flag);
    context.applyCommandLine(static_cast<int>(args.size()), args.data());
    context.run();
}

// The one process that runs `requirement`, with its verdict written to `fd`.
[[noreturn]] void run_one(const doctest::TestCaseData& requirement, int fd) {
    verdict_fd = fd;
    // Its own process group: whatever it starts (a server, a swarm of peers)
    // is stopped with it.
    ::setpgid(0, 0);
    const std::string name = filter_of({requirement.m_name});
    doctest::Context context;
    context.setOption("reporters", "grade");
    context.setOption("no-version", true);
    context.setOption("test-case", name.c_str());
    context.setOption("source-file", requirement.m_file.c_str());
    const int failed = context.run();
    std::cout.flush();
    std::fflush(nullptr);
    ::_exit(failed == 0 ? 0 : 1);
}

// The requirement's process running now, for a Ctrl-C of the grader.
volatile pid_t running_group = 0;
void stop_running_group(int signal_number) {
    if (running_group > 0) ::kill(-running_group, SIGKILL);
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
}

double deadline_seconds(const doctest::TestCaseData& requirement) {
    double seconds = 60;
    if (const char* text = std::getenv("GRADE_DEADLINE"); text != nullptr && std::atof(text) > 0)
        seconds = std::atof(text);
    return std::max(seconds, requirement.m_timeout);
}

std::string signal_text(int signal_number) {
    const char* name = sigabbrev_np(signal_number);
    const char* what = strsignal(signal_number);
    return std::string(name != nullptr ? std::string("SIG") + name : "signal " + std::to_string(signal_number)) +
           " (" + (what != nullptr ? what : "unknown") + ")";
}

// Runs one requirement in a child process; true when it passed. When the
// child gives no verdict (it crashed, hung, or exited in the middle), the
// FAIL line is written here.
bool grade(const doctest::TestCaseData& requirement) {
    std::cout.flush();
    std::fflush(nullptr);
    int verdict_pipe[2];
    if (::pipe(verdict_pipe) != 0) {
        std::cout << "FAIL  " << requirement.m_name << "\n      found: the grader could not make a pipe: "
                  << std::strerror(errno) << "\n";
        return false;
    }
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(verdict_pipe[0]);
        run_one(requirement, verdict_pipe[1]);
    }
    ::close(verdict_pipe[1]);
    if (pid < 0) {
        ::close(verdict_pipe[0]);
        std::cout << "FAIL  " << requirement.m_name << "\n      found: the grader could not fork: "
                  << std::strerror(errno) << "\n";
        return false;
    }
    ::setpgid(pid, pid);  // also here, so that a kill right after fork() finds the group
    running_group = pid;

    const double limit = deadline_seconds(requirement);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(limit);
    std::string verdict;
    bool timed_out = false;
    while (true) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        pollfd p{verdict_pipe[0], POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
        if (ready < 0 && errno == EINTR) continue;
        if (ready == 0) continue;
        char buffer[64];
        const ssize_t n = ::read(verdict_pipe[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // the child has ended (or closed the pipe)
        verdict.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(verdict_pipe[0]);
    // Whatever the requirement left running (its own threads are gone with
    // it; programs it started are in its group) is stopped.
    ::kill(-pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    running_group = 0;

    if (verdict.rfind("pass\n", 0) == 0) return true;
    if (verdict.rfind("fail\n", 0) == 0) return false;
    std::cout << "FAIL  " << requirement.m_name << "\n";
    if (requirement.m_description != nullptr && *requirement.m_description != '\0')
        std::cout << "      hint: " << requirement.m_description << "\n";
    std::cout << "      found: ";
    if (timed_out)
        std::cout << "did not return within " << limit
                  << " s: the grader stopped it and went on (an endless loop, or a wait for something that never "
                     "comes?)\n";
    else if (WIFSIGNALED(status))
        std::cout << "crashed: " << signal_text(WTERMSIG(status))
                  << " (run the grader under gdb, or build with -fsanitize=address, to see where)\n";
    else
        std::cout << "the requirement's process ended in the middle (exit status " << WEXITSTATUS(status)
                  << "): does the code call exit()?\n";
    std::cout.flush();
    return false;
}

}  // namespace

REGISTER_REPORTER("grade", 1, grade_reporter);

// The work that requirements share (shared_work.hpp), done once here. A
// check that fails in it, outside any requirement, throws: the work stops,
// and each requirement that needs it tries again in its own process.
void do_shared_work() {
    if (grading::shared_work().empty() || requirements.empty()) return;
    doctest::Context context;
    context.setOption("no-version", true);
    context.setAsDefaultForAssertsOutOfTestCases();
    context.setAssertHandler([](const doctest::AssertData&) {});
    for (void (*work)() : grading::shared_work()) {
        try {
            work();
        } catch (...) {
        }
    }
}

int main(int argc, char** argv) {
    list_requirements(argc, argv);
    do_shared_work();
    for (int s : {SIGINT, SIGTERM, SIGHUP}) std::signal(s, stop_running_group);
    const bool stop_at_first_fail = std::getenv("GRADE_FIRST_FAIL") != nullptr;
    int passed = 0;
    int total = 0;
    std::cout << "\n";
    for (const doctest::TestCaseData* requirement : requirements) {
        ++total;
        if (grade(*requirement))
            ++passed;
        else if (stop_at_first_fail)
            break;
    }
    std::cout << "\nscore: " << passed << "/" << total
              << (passed == total ? "  - every requirement met\n" : "  - see the FAIL lines above\n");
    return passed == total ? 0 : 1;
}
