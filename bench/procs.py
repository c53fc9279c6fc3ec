# procs.py - starting, watching and stopping the servers and the load generator.
#
# Everything here is bounded in time: a server that does not print its ready
# line, a load that overruns, a server that ignores Ctrl-C are all reported
# as failures instead of hanging the benchmark.
import os
import selectors
import signal
import subprocess
import tempfile
import time

READY = 'The server is ready to receive on port'


def _default_sigint():
    # A program started from a shell in the background inherits "ignore
    # SIGINT"; Python programs then never see Ctrl-C. Give each server the
    # default disposition so SIGINT stops it as it would in a terminal.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Server:
    """One server process started with port 0; .port is read from its ready line."""

    def __init__(self, name, argv, ours, cwd):
        self.name, self.argv, self.ours = name, argv, ours
        self.warm_problem = None
        self.errors = tempfile.TemporaryFile()
        # A process group of its own, so that a server that will not stop is
        # killed together with anything it started.
        try:
            self.process = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                            stderr=self.errors, preexec_fn=_default_sigint, start_new_session=True)
        except OSError as e:  # missing, or being rebuilt right now
            raise RuntimeError(f'{name}: cannot start {argv[0]}: {e.strerror}') from e
        self.pid = self.process.pid
        line = read_line(self.process.stdout, time.monotonic() + 10)
        if line is None or not line.startswith(READY):
            self.kill()
            raise RuntimeError(f'{name}: no ready line within 10 s (got {line!r}); stderr: {self.stderr_text()}')
        self.port = int(line.split()[-1])

    def cpu_seconds(self):
        """CPU time (user + system) of the whole process, all threads, including finished ones."""
        try:
            # The kernel's per-process CPU clock, in nanoseconds: the same sum
            # as utime + stime in /proc/PID/stat, without its 10 ms ticks.
            return time.clock_gettime(((~self.pid) << 3) | 2)
        except OSError:
            return sum(self.user_system_seconds())

    def user_system_seconds(self):
        """(user, system) CPU seconds from /proc/PID/stat: in 10 ms ticks, so only
        a rough split of cpu_seconds(), good over loads that take a second or more."""
        with open(f'/proc/{self.pid}/stat') as f:
            fields = f.read().rsplit(')', 1)[1].split()
        tick = os.sysconf('SC_CLK_TCK')
        return int(fields[11]) / tick, int(fields[12]) / tick

    def memory_kib(self, field):
        """VmRSS (resident now) or VmHWM (peak resident) from /proc/PID/status, in KiB."""
        with open(f'/proc/{self.pid}/status') as f:
            for line in f:
                if line.startswith(field + ':'):
                    return int(line.split()[1])
        return 0

    def stop(self, timeout=10):
        """SIGINT, as Ctrl-C would; returns (exit status, problem or None)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        try:
            status = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return None, f'{self.name} did not stop within {timeout} s of SIGINT (killed)'
        finally:
            self.process.stdout.close()
        if self.ours and status != 0:
            return status, f'{self.name} exited with status {status} after SIGINT: {self.stderr_text()}'
        return status, None

    def kill(self):
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()

    def stderr_text(self):
        self.errors.seek(0)
        return self.errors.read().decode(errors='replace').strip()[-2000:]


def read_line(stream, deadline):
    """One line from a pipe, or None if none comes before deadline."""
    data = b''
    with selectors.DefaultSelector() as sel:
        sel.register(stream, selectors.EVENT_READ)
        while not data.endswith(b'\n'):
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                return None
            byte = os.read(stream.fileno(), 1)
            if not byte:
                break
            data += byte
    return data.decode(errors='replace').strip() if data else None


def parse_result(line):
    """'mode: requests=1 errors=0 rps=...' -> dict of numbers."""
    figures = {}
    for item in line.split(':', 1)[1].split():
        key, _, value = item.partition('=')
        figures[key] = float(value)
    return figures


def run_loadgen(argv, timeout, on_held=None):
    """Runs the load generator; returns (figures dict or None, problem or None).

    on_held is called when it reports that all its connections are open and
    answered (tcp-hold --pause); it then resumes and closes them."""
    try:
        process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as e:
        return None, f'cannot start the load generator: {e.strerror}'
    deadline = time.monotonic() + timeout
    figures, problem, lines = None, None, []
    try:
        while True:
            line = read_line(process.stdout, deadline)
            if line is None:
                break
            lines.append(line)
            if line.startswith('HELD') and on_held is not None:
                on_held(int(line.split()[1]))
                try:
                    process.stdin.write(b'go\n')
                    process.stdin.flush()
                except BrokenPipeError:
                    pass  # it has ended already: its exit status says why
            elif line.startswith('TIMEOUT'):
                problem = 'load generator ' + line
            elif ': requests=' in line:
                figures = parse_result(line)
        status = process.wait(max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        status, problem = None, f'load generator killed after {timeout} s'
    errors = process.stderr.read().decode(errors='replace').strip()
    for stream in (process.stdin, process.stdout, process.stderr):
        stream.close()
    if problem is None and (status != 0 or figures is None):
        problem = f'load generator exit status {status}'
    if problem and errors:
        problem += ': ' + ' | '.join(errors.splitlines()[:3])
    return figures, problem
