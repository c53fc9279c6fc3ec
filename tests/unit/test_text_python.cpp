// text::upper checked against Python's own str.upper(), for every code point
// and for random bytes. It runs python3 as a child process (popen), so the
// Windows build of the unit tests leaves this file out.

#include "../../common/text.hpp"

#include <doctest/doctest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "utf8_helpers.hpp"

// ---------------------------------------------------------------------------------------
// Against Python itself
// ---------------------------------------------------------------------------------------

namespace {

// Runs a shell command and returns its standard output; false if it could not run or
// did not exit with status 0.
bool run_command(const std::string& command, std::string& output) {
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) {
        return false;
    }
    output.clear();
    char buf[1 << 16];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) {
        output.append(buf, n);
    }
    int status = pclose(pipe);
    return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

// A temporary file that is deleted when this object goes away.
class TempFile {
public:
    explicit TempFile(const std::string& contents) {
        char name[] = "/tmp/test_text_XXXXXX";
        int fd = mkstemp(name);
        if (fd < 0) {
            return;
        }
        path_ = name;
        FILE* f = fdopen(fd, "wb");
        if (f == nullptr) {
            close(fd);
            return;
        }
        bool written = std::fwrite(contents.data(), 1, contents.size(), f) == contents.size();
        ok_ = (std::fclose(f) == 0) && written;
    }
    ~TempFile() {
        if (!path_.empty()) {
            std::remove(path_.c_str());
        }
    }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    bool ok() const { return ok_; }
    const std::string& path() const { return path_; }

private:
    std::string path_;
    bool ok_ = false;
};

// Python is run with -I -S (ignore PYTHON* variables, skip site packages): only the
// standard library is needed, and it starts several times faster that way.
const char* const kPython = "python3 -I -S";

// Python's answer for `input`, computed exactly as the lecture's server would.
bool python_upper(const std::string& input, std::string& output) {
    TempFile file(input);
    if (!file.ok()) {
        return false;
    }
    std::string command =
        std::string(kPython) +
        " -c 'import sys; b = open(sys.argv[1], \"rb\").read(); "
        "sys.stdout.buffer.write(b.decode(\"utf-8\", \"surrogateescape\").upper()"
        ".encode(\"utf-8\", \"surrogateescape\"))' " +
        file.path();
    return run_command(command, output);
}

// Why the comparison with Python cannot run here, or "" if it can.
std::string find_reason_to_skip_python() {
    std::string version;
    std::string command = std::string(kPython) +
                          " -c 'import unicodedata; print(unicodedata.unidata_version)'"
                          " 2>/dev/null";
    if (!run_command(command, version)) {
        return "python3 is not available";
    }
    while (!version.empty() && (version.back() == '\n' || version.back() == '\r')) {
        version.pop_back();
    }
    if (version != text::unicode_version()) {
        return "python3 has Unicode " + version + " but the table is Unicode " +
               text::unicode_version();
    }
    return "";
}

// Asked once: doctest runs the test case's body again for each SUBCASE.
const std::string& reason_to_skip_python() {
    static const std::string reason = find_reason_to_skip_python();
    return reason;
}

// Random bytes with a good share of valid, invalid and cut-short UTF-8 (pure random bytes
// would almost never form a valid multi-byte character).
std::string random_bytes(std::size_t count, std::mt19937& rng) {
    std::string s;
    while (s.size() < count) {
        std::uint32_t kind = rng() % 4;
        if (kind == 0) {
            s += char(rng() % 256);
        } else if (kind == 1) {
            s += char('a' + rng() % 26);
        } else {
            static const char32_t limits[] = {0x800, 0x10000, 0x110000};
            char32_t cp = 0x80 + rng() % (limits[rng() % 3] - 0x80);
            std::string c = utf8(cp);
            if (kind == 3) {
                c.resize(1 + rng() % c.size());  // sometimes cut short
            }
            s += c;
        }
    }
    return s;
}

}  // namespace

TEST_CASE("text::upper gives the same bytes as Python's str.upper()") {
    const std::string& why_not = reason_to_skip_python();
    if (!why_not.empty()) {
        MESSAGE("skipped: " << why_not);
        return;
    }

    SUBCASE("every code point, one per line") {
        // Surrogates are included: their UTF-8 form is invalid and must come back as is.
        std::string all;
        for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
            all += utf8(cp);
            all += '\n';
        }
        std::string python;
        REQUIRE(python_upper(all, python));
        std::string ours = text::upper(all);
        if (ours != python) {
            // Find the first code point whose line differs, for a useful message.
            std::size_t at = 0;
            for (char32_t cp = 0; cp <= 0x10FFFF; ++cp) {
                std::string line = text::upper(utf8(cp)) + '\n';
                if (python.compare(at, line.size(), line) != 0) {
                    std::string theirs = python.substr(at, line.size());
                    FAIL("first difference at code point " << std::uint32_t(cp) << ": ours "
                                                           << hex_bytes(line) << ", Python's "
                                                           << hex_bytes(theirs));
                }
                at += line.size();
            }
        }
        CHECK(ours == python);
    }
    SUBCASE("random bytes") {
        std::mt19937 rng(12345);
        std::string input = random_bytes(200000, rng);
        std::string python;
        REQUIRE(python_upper(input, python));
        CHECK(text::upper(input) == python);
    }
}

