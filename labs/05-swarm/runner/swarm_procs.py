# swarm_procs.py - the runner's processes: started with port 0, read line by
# line, stopped with Ctrl-C, and reaped with what the kernel counted for
# them: CPU time from wait4(), peak memory from /proc/PID/status (VmHWM),
# looked at while they run. (wait4's ru_maxrss cannot be used: Linux counts
# in it the memory of the runner itself, which the child was a copy of
# until it called exec.)
#
# Every wait here has a deadline, and every process is in a process group of
# its own: whatever happens to the runner, stop_all() leaves nothing behind.
import os
import selectors
import signal
import subprocess
import time


def let_children_see_ctrl_c():
    """A program started in the background from a shell inherits "ignore
    SIGINT", and so would every child: Python then leaves it ignored. Catch it
    here instead; a caught signal is reset to the default in a child's exec,
    so each child stops on Ctrl-C. (Doing it once here, rather than in each
    child before its exec, lets Python start the children with vfork: 32
    peers start in milliseconds, not half a second.)"""
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


class Child:
    """One program, its stdout read line by line, its stderr in a file."""

    def __init__(self, name, argv, log_path, cwd=None):
        self.name, self.argv = name, argv
        self.port = None          # from the ready line
        self.lines = []           # every stdout line so far
        self.status = None        # exit status once reaped (-N: killed by signal N)
        self.cpu_s = None         # user + system CPU seconds, once reaped
        self.max_rss_kib = None   # peak resident memory (VmHWM) seen so far
        self._pending = b''
        self.output_ended = False
        self._log = open(log_path, 'wb')
        try:
            self.process = subprocess.Popen(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                            stderr=self._log, start_new_session=True)
        except OSError as e:
            self._log.close()
            raise RuntimeError(f'{name}: cannot start {argv[0]}: {e.strerror}') from e
        self.started = time.monotonic()
        os.set_blocking(self.process.stdout.fileno(), False)
        self.log_path = log_path

    def read_available(self):
        """The complete lines that have arrived (without their newline); [] at the end of output."""
        try:
            data = os.read(self.process.stdout.fileno(), 65536)
        except BlockingIOError:
            return []
        if not data:
            self.output_ended = True
            self._pending, rest = b'', self._pending
            got = [rest.decode(errors='replace')] if rest else []
        else:
            self._pending += data
            *complete, self._pending = self._pending.split(b'\n')
            got = [line.decode(errors='replace').rstrip('\r') for line in complete]
        self.lines += got
        return got

    def running(self):
        # Not Popen.poll(): that would reap the child, and its figures with it.
        return self.reap(0) is None

    def signal(self, number):
        if self.status is None:
            try:
                os.killpg(self.process.pid, number)
            except ProcessLookupError:
                pass

    def reap(self, timeout):
        """Waits up to timeout for the end; then the status and the kernel's figures."""
        if self.status is not None:
            return self.status
        deadline = time.monotonic() + timeout
        while True:  # (a poll: Python has no wait4 with a timeout)
            # wait4 gives this child's own resource usage, which Popen.wait does not.
            pid, status, usage = os.wait4(self.process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() >= deadline:
                return None
            time.sleep(0.02)
        self.status = os.waitstatus_to_exitcode(status)
        self.process.returncode = self.status  # reaped here: Popen must not wait for it again
        self.cpu_s = usage.ru_utime + usage.ru_stime
        return self.status

    def sample_memory(self):
        """Looks at the process's peak resident memory so far (it only grows)."""
        try:
            with open(f'/proc/{self.process.pid}/status') as f:
                for line in f:
                    if line.startswith('VmHWM:'):
                        self.max_rss_kib = max(self.max_rss_kib or 0, int(line.split()[1]))
        except (OSError, ValueError):
            pass  # it has just ended: the last look stands

    def stop(self, timeout=10):
        """Ctrl-C (SIGINT), as a user would; SIGKILL if it is still there after timeout.
        Returns None when it ended by itself with status 0, else what went wrong."""
        self.sample_memory()
        self.signal(signal.SIGINT)
        if self.reap(timeout) is None:
            self.signal(signal.SIGKILL)
            self.reap(timeout)
            return f'{self.name} did not stop within {timeout} s of SIGINT (killed)'
        return None if self.status == 0 else f'{self.name} ended with status {self.status}: {self.last_log_line()}'

    def close(self):
        self.signal(signal.SIGKILL)
        self.reap(5)
        self.process.stdout.close()
        self._log.close()

    def last_log_line(self):
        try:
            with open(self.log_path, 'rb') as f:
                lines = f.read().decode(errors='replace').strip().splitlines()
            return lines[-1] if lines else '(nothing on stderr)'
        except OSError:
            return '(no log)'


def read_lines(children, timeout):
    """Waits up to timeout for output from any of the children; returns [(child, line)]."""
    live = [c for c in children if not c.output_ended]
    with selectors.DefaultSelector() as sel:
        for c in live:
            sel.register(c.process.stdout, selectors.EVENT_READ, c)
        ready = sel.select(max(0.0, timeout)) if live else []
    got = []
    for key, _ in ready:
        got += [(key.data, line) for line in key.data.read_available()]
    return got


def wait_ready(child, prefix, timeout):
    """The port from the child's first line 'PREFIX N', or an error naming what came instead."""
    deadline = time.monotonic() + timeout
    while not child.lines and time.monotonic() < deadline:
        read_lines([child], deadline - time.monotonic())
        if not child.lines and not child.running():
            break
    first = child.lines[0] if child.lines else None
    if first is None or not first.startswith(prefix):
        raise RuntimeError(f'{child.name}: no ready line within {timeout} s (got {first!r}); '
                           f'stderr: {child.last_log_line()}')
    child.port = int(first.split()[-1])
    return child.port
