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
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdlib>
#include <mutex>
#include <ostream>
#include <sstream>
#include <string>

namespace {

class grade_reporter : public doctest::IReporter {
public:
    explicit grade_reporter(const doctest::ContextOptions& options) : out_(*options.cout) {}

    void report_query(const doctest::QueryData&) override {}
    void test_run_start() override { out_ << "\n"; }

    void test_run_end(const doctest::TestRunStats&) override {
        out_ << "\nscore: " << passed_ << "/" << total_;
        out_ << (passed_ == total_ ? "  - every requirement met\n" : "  - see the FAIL lines above\n");
    }

    void test_case_start(const doctest::TestCaseData& data) override {
        current_ = &data;
        first_problem_.clear();
    }
    void test_case_reenter(const doctest::TestCaseData&) override {}

    void test_case_end(const doctest::CurrentTestCaseStats& stats) override {
        ++total_;
        if (stats.testCaseSuccess) {
            ++passed_;
            out_ << "PASS  " << current_->m_name << "\n";
            return;
        }
        out_ << "FAIL  " << current_->m_name << "\n";
        if (current_->m_description != nullptr && *current_->m_description != '\0')
            out_ << "      hint: " << current_->m_description << "\n";
        if (!first_problem_.empty()) out_ << "      found: " << first_problem_ << "\n";
    }

    void test_case_exception(const doctest::TestCaseException& e) override {
        remember(std::string(e.is_crash ? "crashed: " : "stopped: ") + e.error_string.c_str());
    }

    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}

    void log_assert(const doctest::AssertData& a) override {
        if (!a.m_failed) return;
        // What the grader noted with INFO() says what the student's program
        // did: that comes first; the check itself, in C++, last.
        std::string check = "(check: " + std::string(a.m_expr);
        if (a.m_decomp.size() > 0) check += ", values: " + std::string(a.m_decomp.c_str());
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
    int passed_ = 0;
    int total_ = 0;
};

}  // namespace

REGISTER_REPORTER("grade", 1, grade_reporter);

int main(int argc, char** argv) {
    doctest::Context context;
    context.setOption("reporters", "grade");
    context.setOption("no-version", true);
    // GRADE_ONLY (one requirement per line): grade only those. `make
    // labs-verify` runs a wrong implementation against the requirements it
    // must fail, not against every one. (doctest splits its filter at
    // commas: a comma of a requirement's name is escaped.)
    if (const char* only = std::getenv("GRADE_ONLY"); only != nullptr && *only != '\0') {
        std::string filter;
        std::istringstream names(only);
        for (std::string name; std::getline(names, name);) {
            if (name.empty()) continue;
            if (!filter.empty()) filter += ',';
            for (char c : name) {
                if (c == ',' || c == '\\') filter += '\\';
                filter += c;
            }
        }
        context.setOption("test-case", filter.c_str());
    }
    context.applyCommandLine(argc, argv);
    return context.run();
}
