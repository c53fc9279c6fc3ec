#!/usr/bin/env python3
"""grade_class.py - grade every student's submission of one lab.

    make labs-grade LAB=lab01 SUBMISSIONS=DIR [JOBS=N] [DEADLINE=S] [OUT=DIR]
    python3 labs/grader/instructor/grade_class.py --lab lab01 --submissions DIR
            [--out DIR] [--jobs N] [--deadline SECONDS] [--as-user USER] [--keep]

DIR holds one folder per student, named by the student's id, holding that
student's files of the lab (pinger.cpp for lab 01; anywhere in the folder).
Each student is graded in a clean copy of the project (the project's own
files, built once), so that nothing one submission does (not compiling,
looping, deleting files) reaches the others. A student's grading that takes
longer than the deadline is stopped, with everything it started.

Writes OUT/grades.csv, one line per student: id, score, max, and the
requirements that failed (or why there is no score); and OUT/logs/ID.log,
everything make printed for that student. OUT is build/grades/LAB unless
given.
"""

import concurrent.futures
import csv
import os
import pwd
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import grading  # noqa: E402

PROGRAM = "grade_class"


def arguments():
    p = grading.Arguments(prog=PROGRAM, description="Grade a folder of submissions, one folder per student.")
    p.add_argument("--lab", required=True, help="the lab's make target, e.g. lab01")
    p.add_argument("--submissions", required=True, help="a folder with one folder per student")
    p.add_argument("--out", help="where grades.csv and the logs go (default: build/grades/LAB)")
    p.add_argument("--jobs", default="1", help="students graded at the same time (default 1)")
    p.add_argument("--deadline", default="300", help="seconds one student's grading may take (default 300)")
    p.add_argument("--as-user", help="run each grading as this user; needs root (default, as root: nobody)")
    p.add_argument("--keep", action="store_true", help="keep each student's copy of the project")
    return p.parse_args()


def whole(text, name, lowest, highest):
    if not text.isdigit() or not lowest <= int(text) <= highest:
        raise grading.UsageError(f"{name} must be a whole number from {lowest} to {highest}, not '{text}'")
    return int(text)


def run_logged(command, cwd, log, deadline, env=None, user=None):
    """Runs `command` in a session of its own and appends what it printed to
    `log` (written when it ends: a submission that deletes files cannot take
    the log with it). Returns its exit status, or None if it was stopped at
    the deadline. Every process it started is killed when it ends (a server
    left running, a child that made itself a session of its own)."""
    if user is not None:
        command = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups", *command]
    child = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, env=env, start_new_session=True)
    status = None
    try:
        output, _ = child.communicate(timeout=deadline)
        status = child.returncode
    except subprocess.TimeoutExpired:
        output = b""
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    kill_leftovers(cwd)
    if status is None:
        try:  # what it printed before it was stopped
            output, _ = child.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
        output = (output or b"") + f"\n{PROGRAM}: stopped after {deadline} s\n".encode()
    Path(log).parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        out.write(output)
    return status


def kill_leftovers(folder):
    """Kills what still runs from inside `folder` (Linux: /proc), e.g. a
    program that made itself a session of its own."""
    folder = str(Path(folder).resolve())
    proc = Path("/proc")
    if not proc.is_dir():
        return
    for entry in proc.iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            where = os.readlink(entry / "cwd")
        except OSError:
            continue
        if where == folder or where.startswith(folder + "/"):
            try:
                os.kill(int(entry.name), signal.SIGKILL)
            except OSError:
                pass


def remove_tree(path):
    def writable_then_retry(function, name, _):
        try:
            os.chmod(os.path.dirname(name), 0o700)
            os.chmod(name, 0o700)
            function(name)
        except OSError:
            pass

    shutil.rmtree(path, onerror=writable_then_retry)


class Grader:
    def __init__(self, root, lab, files, out, deadline, user, keep):
        self.root, self.lab, self.files, self.out = root, lab, files, out
        self.deadline, self.user, self.keep = deadline, user, keep
        self.template = out / "work" / "template"
        self.template_files = 0  # how many files the template had when it was made
        self.requirements, self.max = [], 0
        self.print_lock = threading.Lock()
        self.template_lock = threading.Lock()

    def say(self, text):
        with self.print_lock:
            print(text, flush=True)

    def prepare(self):
        """The clean copy every student starts from, built, and the
        requirements of the lab, from the reference solution graded in it."""
        if self.template.exists():
            remove_tree(self.template)
        grading.clean_copy(self.root, self.template)
        log = self.out / "logs" / "_reference_solution.log"
        self.say(f"{PROGRAM}: building a clean copy of the project in {self.template} (log: {log})")
        run_logged(["make", "--no-print-directory", "-j2", "all"], self.template, log, 1800)
        status = run_logged(["make", "--no-print-directory", self.lab, "SOLUTION=1"], self.template, log, 1800)
        report = grading.parse_report(log.read_text(errors="replace"))
        if status != 0 or report["score"] is None or report["score"] != report["max"]:
            print(f"{PROGRAM}: the reference solution does not pass {self.lab} in the clean copy: see {log}",
                  file=sys.stderr)
            sys.exit(1)
        self.requirements = [t["name"] for t in report["tests"]]
        self.max = report["max"]
        # Everything the student's variant needs but the student's file itself.
        run_logged(["make", "--no-print-directory", self.lab], self.template, self.out / "logs" / "_starter.log", 1800)
        # Read-only: a submission that deletes what it can reach does not
        # take the copy the others start from with it (unless it runs as root).
        subprocess.run(["chmod", "-R", "a-w", str(self.template)], check=True)
        self.template_files = self.count_template()
        if self.user is not None:  # can that user reach the copies at all?
            probe = subprocess.run(["setpriv", f"--reuid={self.user.pw_uid}", f"--regid={self.user.pw_gid}",
                                    "--clear-groups", "test", "-r", str(self.template / "Makefile")])
            if probe.returncode != 0:
                print(f"{PROGRAM}: the user {self.user.pw_name} cannot reach {self.template}: give --out a folder "
                      "every user can enter (e.g. /tmp/grades), or choose --as-user", file=sys.stderr)
                sys.exit(1)

    def count_template(self):
        return sum(len(files) for _, _, files in os.walk(self.template)) if self.template.is_dir() else 0

    def intact_template(self):
        """The template, made again if a submission damaged it after all."""
        with self.template_lock:
            if self.count_template() != self.template_files:
                self.say(f"{PROGRAM}: the clean copy was damaged (by the last submissions?): making it again")
                self.prepare()
    def grade(self, student):
        """One student's row, whatever happens while grading it."""
        try:
            return self.grade_one(student)
        except Exception as e:  # the grading broke, not the student's code alone: say so in the row
            return self.row(student.name, 0, f"could not be graded: {e}")

    def grade_one(self, student):
        sid = student.name
        log = self.out / "logs" / f"{sid}.log"
        if log.exists():
            log.unlink()
        copy = self.out / "work" / sid
        if copy.exists():
            remove_tree(copy)
        self.intact_template()
        shutil.copytree(self.template, copy, symlinks=True)
        subprocess.run(["chmod", "-R", "u+w", str(copy)], check=True)
        try:
            found = grading.place_submission(student, copy, self.files)
            if not found:
                names = " or ".join(Path(f).name for f in self.files)
                log.parent.mkdir(parents=True, exist_ok=True)
                log.write_text(f"no {names} in {student}\n")
                return self.row(sid, 0, f"no {names} in the submission")
            if self.user is not None:
                subprocess.run(["chown", "-R", f"{self.user.pw_uid}:{self.user.pw_gid}", str(copy)], check=True)
            # LAB_GRADED_ELSEWHERE: lab 00's answers were seen on the student's machine.
            env = dict(os.environ, HOME=str(copy), LAB_GRADED_ELSEWHERE="1")
            started = time.monotonic()
            status = run_logged(["make", "--no-print-directory", self.lab], copy, log, self.deadline, env, self.user)
            took = time.monotonic() - started
            text = log.read_text(errors="replace")
            report = grading.parse_report(text)
            if status is None:
                return self.row(sid, 0, f"stopped after {self.deadline} s (the deadline): see logs/{sid}.log",
                                took)
            if report["score"] is not None:
                failed = [t["name"] for t in report["tests"] if not t["passed"]]
                return self.row(sid, report["score"], "; ".join(failed), took, report["max"])
            if not grading.reached_the_grader(text):
                _, first = grading.build_errors(text)
                return self.row(sid, 0, "does not compile" + (f": {first.strip()}" if first else ""), took)
            return self.row(sid, 0, f"the grader did not finish: see logs/{sid}.log", took)
        finally:
            if not self.keep:
                remove_tree(copy)

    def row(self, sid, score, failed, took=0.0, maximum=None):
        maximum = self.max if maximum is None else maximum
        self.say(f"{sid}: {score}/{maximum}" + (f"  ({took:.0f} s)" if took else "") +
                 (f"  {failed}" if failed else ""))
        return [sid, score, maximum, failed]


def main():
    args = arguments()
    root = grading.project_root()
    try:
        if not args.lab:
            raise grading.UsageError("say which lab: --lab lab01 (make labs-grade LAB=lab01 SUBMISSIONS=DIR)")
        files = grading.lab_files(root, args.lab)
        if not args.submissions:
            raise grading.UsageError("say where the submissions are: --submissions DIR (make labs-grade ... SUBMISSIONS=DIR)")
        submissions = Path(args.submissions)
        if not submissions.is_dir():
            raise grading.UsageError(f"--submissions '{args.submissions}' is not a folder")
        students = sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith("."))
        if not students:
            raise grading.UsageError(f"'{submissions}' holds no folder: one folder per student is expected")
        jobs = whole(args.jobs, "--jobs", 1, 16)
        deadline = whole(args.deadline, "--deadline", 10, 86400)
        user = None
        if args.as_user is None and os.geteuid() == 0 and shutil.which("setpriv"):
            try:  # as root, a submission could reach anything: run it as nobody
                user = pwd.getpwnam("nobody")
            except KeyError:
                pass
        if args.as_user:
            if os.geteuid() != 0:
                raise grading.UsageError("--as-user needs root (to hand each copy to that user)")
            try:
                user = pwd.getpwnam(args.as_user)
            except KeyError:
                raise grading.UsageError(f"--as-user: no user '{args.as_user}'")
            if shutil.which("setpriv") is None:
                raise grading.UsageError("--as-user needs setpriv (util-linux)")
    except grading.UsageError as e:
        grading.fail_usage(PROGRAM, str(e))

    out = Path(args.out) if args.out else root / "build" / "grades" / args.lab
    out = out.resolve()
    (out / "logs").mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0 and (user is None or user.pw_uid == 0):
        print(f"{PROGRAM}: note: grading runs as root, so a submission could touch files outside its copy",
              file=sys.stderr)
    elif user is not None:
        print(f"{PROGRAM}: each submission is graded as the user {user.pw_name}")

    grader = Grader(root, args.lab, files, out, deadline, user, args.keep)
    if (out / "work").exists():
        remove_tree(out / "work")  # what an earlier run kept (--keep) or left behind
    grader.prepare()
    grader.say(f"{PROGRAM}: {len(students)} submissions of {args.lab} ({grader.max} requirements), "
               f"{jobs} at a time, at most {deadline} s each")
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        rows = list(pool.map(grader.grade, students))
    if not args.keep:
        remove_tree(out / "work")

    out.mkdir(parents=True, exist_ok=True)
    table = out / "grades.csv"
    with open(table, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "score", "max", "failed"])
        writer.writerows(rows)
    print(f"{PROGRAM}: {table} ({len(rows)} students), logs in {out / 'logs'}")


if __name__ == "__main__":
    main()
