# diagnose.py - where a server's time goes, without a profiler: the system
# calls it makes per request, counted by `strace -c -f` attached to it while
# a short load runs. Compared with the floor server, every extra call per
# request (a poll() before each recv(), say) shows up as a difference here.
import os
import signal
import subprocess
import tempfile
import time

import procs

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# (mode, server name, load): small loads, strace slows every call down a lot.
CASES = [
    ('udp', 'udp_server', ['--requests', '3000']),
    ('udp', 'floor', ['--requests', '3000']),
    ('tcp-session', 'tcp_server', ['--requests', '3000']),
    ('tcp-session', 'tcp_server_threaded', ['--requests', '3000']),
    ('tcp-session', 'floor', ['--requests', '3000']),
    ('tcp-conn', 'tcp_server_threaded', ['--requests', '1000']),
    ('tcp-conn', 'floor', ['--requests', '1000']),
]


def _parse(path):
    """strace -c's table -> {syscall: calls}."""
    calls = {}
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) in (5, 6) and parts[0][0].isdigit() and parts[3].isdigit() and parts[-1] != 'total':
                calls[parts[-1]] = int(parts[3])
    return calls


def _traced(bench, name, argv, mode, load):
    try:
        server = procs.Server(name, argv, False, ROOT)
    except RuntimeError as e:
        return None, str(e)
    out = tempfile.NamedTemporaryFile(suffix='.strace', delete=False)
    out.close()
    tracer = None
    try:
        procs.run_loadgen(bench.loadgen_argv(mode, server.port, load), 60)  # warm-up, untraced
        tracer = subprocess.Popen(['strace', '-f', '-c', '-o', out.name, '-p', str(server.pid)],
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if procs.read_line(tracer.stderr, time.monotonic() + 10) is None:
            return None, 'strace did not attach'
        figures, problem = procs.run_loadgen(bench.loadgen_argv(mode, server.port, load), 120)
        tracer.send_signal(signal.SIGINT)  # detach and write the summary
        tracer.wait(20)
        if problem or not figures:
            return None, problem or 'no figures'
        calls = _parse(out.name)
        return {k: v / figures['requests'] for k, v in calls.items()}, None
    finally:
        if tracer is not None and tracer.poll() is None:
            tracer.kill()
            tracer.wait()
        if tracer is not None:
            tracer.stderr.close()
        server.stop()
        os.unlink(out.name)


def syscalls_per_request(bench, table):
    """{(mode, server): {syscall: calls per request}}; failures are noted in bench.notes."""
    found = {}
    for mode, name, load in CASES:
        argv = next(s[1] for s in table if s[0] == name and mode in s[3])
        print(f'strace  {mode:<12} {name:<20} counting system calls per request', flush=True)
        per_request, problem = _traced(bench, name, argv, mode, load)
        if problem:
            bench.notes.append(f'strace {mode} / {name}: {problem}')
        else:
            found[(mode, name)] = per_request
    return found
