#!/usr/bin/env python3
# run_bench.py - `make bench`: every server under the same loads, side by side.
#
#   python3 bench/run_bench.py [--bin DIR] [--reps N] [--quick]
#
# Each measurement starts a fresh server on port 0 (the port comes from its
# ready line), warms it up with a short load, then runs the measured load
# while reading the server's own CPU accounting before and after, and its
# memory from /proc. Repetitions are interleaved across servers (rep 1 of
# every server, then rep 2, ...) so a slow moment of the machine hits all of
# them alike; the table shows medians. Results go to bench/RESULTS.md and
# bench/scaling.svg. Exit status 1 if any reply was wrong or missing, a phase
# failed, or one of our servers did not stop cleanly on SIGINT.
import argparse
import os
import shutil
import statistics
import sys
import time

import diagnose
import procs
import report

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'tools'))
import machine  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# Loads, as bench_loadgen arguments: (one slice, slices per repetition, warm-up).
# A repetition of a mode starts every server, then gives each one slice of the
# load in turn, round after round: the servers take turns within a second or
# two, so a moment when the (shared, virtual) machine is slow hits them all.
MODES = {
    'udp': (['--requests', '10000'], 5, ['--requests', '2000']),
    'tcp-conn': (['--requests', '1000'], 5, ['--requests', '300']),
    'tcp-session': (['--requests', '8000'], 5, ['--requests', '2000']),
    'tcp-hold': (['--connections', '100', '--rounds', '20', '--clients', '2'], 5,
                 ['--connections', '100', '--rounds', '3', '--clients', '2']),
    'tcp-bulk': (['--bytes', str(256 << 20)], 5, ['--bytes', str(16 << 20)]),
}
SWEEP = [1, 10, 100, 500, 1000, 2000]   # concurrent clients for the scaling plot
SWEEP_REQUESTS = 20000                  # per point: rounds = this / clients

NA_ITERATIVE = ('the iterative tcp_server serves one connection until that client closes: the other '
                'N-1 held connections wait unanswered in the listen queue (the lecture\'s point, and '
                'why tcp_server_threaded exists), so "N held open, each answered" cannot be met')
NA_ONE_RECV = ('the lecture\'s TCPServer.py answers one recv(2048) per connection, then closes: it only '
               'fits the connection-per-request mode')


def servers(bin_dir):
    """Name, command line, ours?, {mode: None (runs) or n/a reason}."""
    b = lambda name: os.path.join(bin_dir, name)
    py = sys.executable or 'python3'
    tcp_all = {m: None for m in ('tcp-conn', 'tcp-session', 'tcp-hold', 'tcp-bulk')}
    return [
        ('udp_server', [b('udp_server'), '--port', '0', '-q'], True, {'udp': None}),
        ('floor', [b('bench_floor'), 'udp', '--port', '0'], False, {'udp': None}),
        ('UDPServer.py', [py, 'tests/lecture/UDPServer.py', '0'], False, {'udp': None}),
        ('tcp_server', [b('tcp_server'), '--port', '0', '-q'], True, dict(tcp_all, **{'tcp-hold': NA_ITERATIVE})),
        # listen(4096) and room for 4096 clients: the N-held-open loads open
        # connections faster than any server accepts them; a short listen
        # queue would drop SYNs and measure TCP's 1 s retransmission timer.
        ('tcp_server_threaded', [b('tcp_server_threaded'), '--port', '0', '-q', '--backlog', '4096',
                                 '--max-clients', '4096'], True, dict(tcp_all)),
        ('floor', [b('bench_floor'), 'tcp', '--port', '0'], False, dict(tcp_all)),
        ('TCPServer.py', [py, 'tests/lecture/TCPServer.py', '0'], False,
         {'tcp-conn': None, 'tcp-session': NA_ONE_RECV, 'tcp-hold': NA_ONE_RECV, 'tcp-bulk': NA_ONE_RECV}),
        ('ThreadingTCPServer', [py, 'bench/threading_server.py', '--port', '0', '-q'], False, dict(tcp_all)),
    ]


def combine(mode, slices):
    """The slices of one repetition as one measurement: totals, and the median
    of the slices' latency percentiles."""
    done = [m for m in slices if m.get('figures')]
    total = lambda key: sum(m['figures'][key] for m in done)
    row = {key: sum(m[key] for m in slices) for key in ('cpu_s', 'user_s', 'sys_s')}
    row['figures'] = {}
    problems = [m['problem'] for m in slices if m.get('problem')]
    row['problem'] = (problems[0] + (f' (and {len(problems) - 1} more slices failed)' if len(problems) > 1 else '')
                      if problems else None)
    if not done:
        return row
    seconds = total('seconds')
    f = {k: total(k) for k in ('requests', 'errors', 'bytes', 'seconds')}
    f.update(rps=f['requests'] / seconds if seconds else 0, mb_per_s=f['bytes'] / seconds / 1e6 if seconds else 0,
             p50_us=statistics.median(m['figures']['p50_us'] for m in done),
             p99_us=statistics.median(m['figures']['p99_us'] for m in done),
             held=min(m['figures']['held'] for m in done))
    units = f['bytes'] / 2**20 if mode == 'tcp-bulk' else f['requests']
    per_unit = lambda seconds: seconds * 1e6 / units if units else None
    row.update(figures=f, cpu_us=per_unit(row['cpu_s']), user_us=per_unit(row['user_s']), sys_us=per_unit(row['sys_s']))
    return row


class Bench:
    def __init__(self, args):
        self.args, self.bin = args, args.bin
        self.loadgen = os.path.join(args.bin, 'bench_loadgen')
        self.problems = []   # every failure, in words, for the table and RESULTS.md
        self.notes = []      # diagnostics that could not be taken (not failures of a server)

    def loadgen_argv(self, mode, port, extra):
        return [self.loadgen, mode, '--port', str(port), '--deadline-s', str(self.args.phase_timeout)] + extra

    def measure(self, server, mode, load, on_held=None):
        """Runs one measured load; returns a dict of what was seen."""
        cpu0, (user0, sys0) = server.cpu_seconds(), server.user_system_seconds()
        figures, problem = procs.run_loadgen(self.loadgen_argv(mode, server.port, load),
                                             self.args.phase_timeout + 10, on_held)
        cpu, (user1, sys1) = server.cpu_seconds() - cpu0, server.user_system_seconds()
        row = {'figures': figures or {}, 'problem': problem, 'cpu_s': cpu, 'user_s': user1 - user0,
               'sys_s': sys1 - sys0}
        if figures:
            units = figures['bytes'] / 2**20 if mode == 'tcp-bulk' else figures['requests']
            row['cpu_us'] = cpu * 1e6 / units if units else None
        return row

    def start(self, name, argv, ours, mode, rep):
        """A fresh server, warmed up; None (and a problem noted) if it does not start."""
        try:
            server = procs.Server(name, argv, ours, ROOT)
        except RuntimeError as e:
            self.note({'mode': mode, 'server': name, 'rep': rep, 'problem': str(e)})
            return None
        _, problem = procs.run_loadgen(self.loadgen_argv(mode, server.port, MODES[mode][2]),
                                       self.args.phase_timeout + 10)
        server.warm_problem = problem and 'warm-up: ' + problem
        return server

    def mode_round(self, mode, lineup, rep):
        """One repetition of a mode: every server gets the same slices, taking turns."""
        load, slices, _ = MODES[mode]
        load, slices = self.scaled(load), (2 if self.args.quick else slices)
        running, measured = [], {spec[0]: [] for spec in lineup}
        try:
            for spec in lineup:
                server = self.start(spec[0], spec[1], spec[2], mode, rep)
                if server is not None:
                    running.append((spec, server))
            for k in range(slices if running else 0):
                shift = (rep + k) % len(running)  # a different server goes first each time
                for spec, server in running[shift:] + running[:shift]:
                    measured[spec[0]].append(self.measure(server, mode, load))
        finally:
            for spec, server in running:
                row = combine(mode, measured[spec[0]])
                row.update(mode=mode, server=spec[0], rep=rep, hwm_kib=server.memory_kib('VmHWM'))
                status, stop_problem = server.stop()
                problems = [p for p in (server.warm_problem, row.get('problem'), stop_problem) if p]
                row.update(exit=status, problem='; '.join(problems) or None)
                self.results.append(self.note(row))
                print(report.progress_line(f'rep {rep}/{self.args.reps}', row), flush=True)

    def scaled(self, load):
        if not self.args.quick:
            return load
        return [str(max(2, int(x) // 20)) if x.isdigit() and int(x) > 1000 else x for x in load]

    def note(self, row):
        if row.get('problem'):
            self.problems.append(f"{row['mode']} / {row['server']} (rep {row.get('rep', '-')}): {row['problem']}")
        return row

    def comparison(self, table):
        for rep in range(1, self.args.reps + 1):
            for mode in MODES:
                self.mode_round(mode, [s for s in table if mode in s[3] and s[3][mode] is None], rep)

    def sweep(self, table):
        chosen = [s for s in table if s[0] in ('tcp_server_threaded',) or (s[0] == 'floor' and 'tcp-hold' in s[3])]
        reps = max(1, min(3, self.args.reps))
        for rep in range(1, reps + 1):
            for name, argv, ours, _ in chosen:
                self.sweep_server(name, argv, ours, rep, reps)

    def sweep_server(self, name, argv, ours, rep, reps):
        try:
            server = procs.Server(name, argv, ours, ROOT)
        except RuntimeError as e:
            self.problems.append(f'sweep / {name}: {e}')
            return
        try:
            procs.run_loadgen(self.loadgen_argv('tcp-hold', server.port, ['--connections', '1', '--rounds', '500']),
                              self.args.phase_timeout + 10)
            for clients in SWEEP:
                rounds = max(3, SWEEP_REQUESTS // clients // (20 if self.args.quick else 1))
                seen = {}
                load = ['--connections', str(clients), '--rounds', str(rounds), '--clients', '2', '--pause']
                row = self.measure(server, 'tcp-hold', load, lambda held: seen.update(rss=server.memory_kib('VmRSS')))
                row.update(mode='sweep', server=name, rep=rep, clients=clients, rss_kib=seen.get('rss'))
                self.sweep_rows.append(self.note(row))
                print(report.progress_line(f'sweep {rep}/{reps}', row, f'{clients:>4} clients'), flush=True)
        finally:
            _, stop_problem = server.stop()
        if stop_problem:
            self.problems.append(f'sweep / {name}: {stop_problem}')

    def run(self):
        started = time.monotonic()
        machine_before, ours_before = machine.busy(), machine.own_cpu()
        table = servers(self.bin)
        self.results, self.sweep_rows = [], []
        print(f'bench: {self.args.reps} repetitions of each load, interleaved across servers', flush=True)
        self.comparison(table)
        self.sweep(table)
        syscalls = diagnose.syscalls_per_request(self, table) if shutil.which('strace') else None
        wall = time.monotonic() - started
        busy, steal = (after - before for after, before in zip(machine.busy(), machine_before))
        self.others = {'busy': max(0.0, busy - (machine.own_cpu() - ours_before)), 'steal': steal,
                       'available': wall * os.cpu_count()}
        text = report.write_all(self, MODES, table, syscalls, wall, HERE)
        print(text)
        print(f'bench: wall time {wall:.0f} s; other programs used {self.others["busy"]:.0f} of '
              f'{self.others["available"]:.0f} CPU-seconds meanwhile; wrote bench/RESULTS.md and bench/scaling.svg')
        if self.problems:
            print(f'bench: {len(self.problems)} problem(s), see above and bench/RESULTS.md', file=sys.stderr)
        return 1 if self.problems else 0


def main():
    parser = argparse.ArgumentParser(description='Compare the servers under the same loads.')
    parser.add_argument('--bin', default=os.path.join(ROOT, 'bin'))
    parser.add_argument('--reps', type=int, default=7, help='repetitions of each measurement (median shown)')
    parser.add_argument('--quick', action='store_true', help='tiny loads: checks the plumbing, figures mean little')
    parser.add_argument('--phase-timeout', type=int, default=60, help='seconds one load may take')
    args = parser.parse_args()
    args.bin = os.path.abspath(args.bin)
    if args.quick:
        args.reps = min(args.reps, 2)
    return Bench(args).run()


if __name__ == '__main__':
    sys.exit(main())
