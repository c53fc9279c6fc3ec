"""grading.py - what batch grading and Gradescope share: the project's clean
copy, the student's files of a lab, and the grader's report read back.

A grader's report (make labNN) is one line per requirement, then a score:

    PASS  with no loss, every ping gets its reply
    FAIL  ignores a late reply to an earlier ping
          hint: task 3: ...
          found: line 6 is ...
    score: 11/12  - see the FAIL lines above
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# Files never taken from a submission folder: what archivers and editors leave.
IGNORED_DIRS = {"__MACOSX", ".git", ".svn", ".vscode", ".idea", "build", "bin"}


class UsageError(Exception):
    """A wrong command line or input: one line, exit status 2."""


class Arguments(argparse.ArgumentParser):
    """argparse, with its errors in one line (and exit status 2, as argparse's)."""

    def error(self, message):
        fail_usage(self.prog, f"{message} (--help lists the options)")


def fail_usage(program, message):
    print(f"{program}: {message}", file=sys.stderr)
    sys.exit(2)


def project_root():
    # labs/grader/instructor/grading.py -> the project's root
    return Path(__file__).resolve().parents[3]


def make(root, *args, **kwargs):
    return subprocess.run(["make", "--no-print-directory", *args], cwd=root, text=True, **kwargs)


def labs_with_files(root):
    """The labs whose lab.mk names the student's files (LAB_FILES_labNN)."""
    out = make(root, "-s", "lab-files", "LAB=", capture_output=True).stderr
    found = re.search(r"one of: ([^)]*)\)", out)
    return found.group(1).split() if found else []


def lab_files(root, lab):
    """The student's files of `lab`, as paths from the project's root."""
    done = make(root, "-s", "lab-files", f"LAB={lab}", capture_output=True)
    if done.returncode != 0 or not done.stdout.split():
        known = labs_with_files(root)
        raise UsageError(f"'{lab}' is not a lab with student files (one of: {' '.join(known)})")
    return done.stdout.split()


def project_files(root):
    """The project's own files, without build output: what git knows of (also
    files not committed yet, not the ignored ones), or everything outside
    build/, bin/ and .git/ when this is no git checkout."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=root,
                            capture_output=True)
    if listed.returncode == 0:
        names = [n for n in listed.stdout.decode().split("\0") if n]
        return [n for n in names if (root / n).is_file()]  # not the deleted ones
    names = []
    for folder, dirs, files in os.walk(root):
        rel = Path(folder).relative_to(root)
        dirs[:] = [d for d in dirs if not (rel == Path(".") and d in {"build", "bin", ".git"})]
        names += [str(rel / f) for f in files]
    return names


def clean_copy(root, dest, leave_out=(), leave_out_files=()):
    """Copies the project's files to `dest` (a new folder), keeping their times.
    `leave_out`: folder names to skip wherever they are (e.g. solution);
    `leave_out_files`: file names likewise (e.g. EQUIVALENT)."""
    dest.mkdir(parents=True)
    for name in project_files(root):
        if any(part in leave_out for part in Path(name).parts) or Path(name).name in leave_out_files:
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(root / name, target, follow_symlinks=False)


def find_in_submission(folder, basename):
    """The file called `basename` in a student's folder, wherever it is in
    it (the shallowest if there are several), or None."""
    best = None
    for here, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d not in IGNORED_DIRS and not d.startswith("."))
        if basename in files:
            candidate = Path(here) / basename
            if best is None or len(candidate.parts) < len(best.parts):
                best = candidate
    return best


def place_submission(submission, project, files):
    """Copies the student's files from `submission` over the project's.
    Returns the list of those found (a file not submitted stays as it was)."""
    found = []
    for name in files:
        source = find_in_submission(submission, Path(name).name)
        if source is None:
            continue
        target = Path(project) / name
        if target.exists() or target.is_symlink():
            target.unlink()
        shutil.copyfile(source, target)  # a new time, so that make builds it again
        found.append(name)
    return found


def parse_report(text):
    """The grader's report: {"score": int, "max": int, "tests": [...]} with
    each test {"name", "passed", "details"}; score is None when the report
    has no score line (the code did not build, or the grader did not end)."""
    tests, score, maximum = [], None, None
    for line in text.splitlines():
        if line.startswith("PASS  ") or line.startswith("FAIL  "):
            tests.append({"name": line[6:], "passed": line.startswith("PASS"), "details": []})
        elif line.startswith("      ") and tests and not tests[-1]["passed"]:
            tests[-1]["details"].append(line[6:])
        else:
            m = re.match(r"^score: (\d+)/(\d+)", line)
            if m:
                score, maximum = int(m.group(1)), int(m.group(2))
    for t in tests:
        t["details"] = "\n".join(t["details"])
    return {"score": score, "max": maximum, "tests": tests}


def build_errors(text, limit=40):
    """The compiler's messages in make's output, for a submission that does not build."""
    lines = text.splitlines()
    errors = [l for l in lines if re.search(r"\berror\b|\*\*\*", l)]
    first = next((i for i, l in enumerate(lines) if re.search(r"\berror\b", l)), None)
    shown = lines[first:first + limit] if first is not None else errors[-limit:]
    return "\n".join(shown), (errors[0] if errors else "")


def reached_the_grader(text):
    return re.search(r"^grading the ", text, re.M) is not None
