# targets.py - the targets, checked against what was measured, and
# the text of bench/RESULTS.md.
#
# Ratios are medians of per-repetition ratios: in repetition k the server and
# the floor ran back to back under the same load, so their ratio is the fairest
# single comparison; the median over repetitions keeps one noisy run from
# deciding a verdict.
import statistics

OURS = {'udp': ['udp_server'], 'tcp-conn': ['tcp_server', 'tcp_server_threaded'],
        'tcp-session': ['tcp_server', 'tcp_server_threaded'], 'tcp-hold': ['tcp_server_threaded'],
        'tcp-bulk': ['tcp_server', 'tcp_server_threaded']}
PYTHON = ('UDPServer.py', 'TCPServer.py', 'ThreadingTCPServer')
CPU_LIMIT, RSS_LIMIT_KIB, BULK_LIMIT = 1.2, 64, 0.8


def _by_rep(agg, mode, server):
    a = agg.get((mode, server))
    return {r['rep']: r for r in a['rows'] if not r.get('problem')} if a else {}


def _paired(agg, mode, a, b, value, limit=None):
    """Median over repetitions of value(a) / value(b), the two medians, and the
    spread of the ratios (flagged when the repetitions fall on both sides of limit)."""
    ra, rb = _by_rep(agg, mode, a), _by_rep(agg, mode, b)
    ratios = [value(ra[k]) / value(rb[k]) for k in ra if k in rb and value(ra[k]) and value(rb[k])]
    med = lambda rows: statistics.median([value(r) for r in rows.values() if value(r)] or [0])
    spread = f' (repetitions: {min(ratios):.2f}-{max(ratios):.2f}' if ratios else ''
    if ratios and limit is not None and min(ratios) <= limit <= max(ratios):
        spread += ', on both sides of the target: within run-to-run noise'
    spread += ')' if ratios else ''
    return (statistics.median(ratios) if ratios else None), med(ra), med(rb), spread


def _verdict(ok):
    return 'PASS' if ok else 'MISS'


def _extra_calls(syscalls, mode, server):
    """What the server calls per request beyond what the floor calls."""
    ours, floor = syscalls.get((mode, server)) if syscalls else None, (syscalls or {}).get((mode, 'floor'))
    if not ours or not floor:
        return ''
    extra = [f'{ours.get(n, 0) - floor.get(n, 0):+.2f} {n}' for n in sorted(set(ours) | set(floor))
             if abs(ours.get(n, 0) - floor.get(n, 0)) >= 0.05]
    return (f' System calls per request: {sum(ours.values()):.2f} against the floor\'s {sum(floor.values()):.2f}'
            + (f' ({", ".join(extra)}).' if extra else ' (the same calls).'))


def _split(agg, mode, server, unit):
    """User-space and kernel CPU per request against the floor's (from /proc ticks: rough)."""
    med = lambda name, key: statistics.median([r[key] for r in _by_rep(agg, mode, name).values()
                                               if r.get(key) is not None] or [0])
    return (f' In user space {med(server, "user_us"):.2f} {unit} against the floor\'s {med("floor", "user_us"):.2f}, '
            f'in the kernel {med(server, "sys_us"):.2f} against {med("floor", "sys_us"):.2f} (split from '
            f'/proc ticks, rough).')


def cpu_targets(agg, syscalls):
    out = []
    cpu = lambda r: r.get('cpu_us')
    for mode, ours in OURS.items():
        unit = 'µs/MiB' if mode == 'tcp-bulk' else 'µs/req'
        for server in ours:
            if (mode, server) not in agg:
                continue
            ratio, mine, floor, spread = _paired(agg, mode, server, 'floor', cpu, CPU_LIMIT)
            ok = ratio is not None and ratio <= CPU_LIMIT
            why = '' if ok else _split(agg, mode, server, unit) + _extra_calls(syscalls, mode, server)
            out.append({'target': 'cpu-floor', 'ok': ok, 'line':
                        f'{_verdict(ok)}  CPU/request, {mode}, {server}: {mine:.2f} {unit} against the floor\'s '
                        f'{floor:.2f} = {_x(ratio)}{spread} (target ≤ {CPU_LIMIT}x).{why}'})
            for python in PYTHON:
                if (mode, python) not in agg:
                    continue
                ratio, mine, theirs, spread = _paired(agg, mode, server, python, cpu, 1.0)
                ok = ratio is not None and ratio < 1.0
                why = '' if ok else _against_python_why(agg, mode, server, python, cpu, unit)
                out.append({'target': 'cpu-python', 'ok': ok, 'line':
                            f'{_verdict(ok)}  CPU/request, {mode}, {server}: {mine:.2f} {unit} against '
                            f'{python}\'s {theirs:.2f} = {_x(ratio)}{spread} (target: below, < 1x).{why}'})
    return out


def _against_python_why(agg, mode, server, python, cpu, unit):
    """Why one of our servers costs more than a Python one: if the C floor,
    built the same way (a thread per connection), costs more too, the cost
    is the design's, not the code's."""
    if (mode, 'floor') not in agg:
        return _split(agg, mode, server, unit)
    floor_ratio, _, _, _ = _paired(agg, mode, 'floor', python, cpu, 1.0)
    if floor_ratio is None or floor_ratio < 1.0:
        return _split(agg, mode, server, unit)
    return (f' Why: the C floor, which also starts a thread for every connection, costs {_x(floor_ratio)} '
            f'{python}\'s here too. {python} serves one connection after another in a single loop; a '
            f'thread-per-connection server pays for creating and ending a thread on every connection. '
            f'That is the price of serving many clients at once (see tcp-hold and the scaling table, '
            f'which {python} cannot run at all), and no code change in {server} removes it short of '
            f'reusing threads, which is a different design.')


def _x(ratio):
    return f'{ratio:.3f}x' if ratio is not None else 'not measured'


def memory_target(sweep_rows, server='tcp_server_threaded'):
    reps = {}
    for r in sweep_rows:
        if r['server'] == server:
            reps.setdefault(r['rep'], {})[r['clients']] = r
    growths, all_answered, seen = [], True, []
    for rep, by in sorted(reps.items()):
        one, top = by.get(1), by.get(2000)
        if not one or not top:
            all_answered = False
            continue
        f = top.get('figures') or {}
        answered = f.get('held') == 2000 and f.get('errors') == 0 and not top.get('problem')
        all_answered &= answered
        seen.append(f"rep {rep}: {f.get('held', 0):.0f}/2000 held and answered, {f.get('errors', 0):.0f} errors")
        if one.get('rss_kib') and top.get('rss_kib'):
            growths.append((top['rss_kib'] - one['rss_kib']) / 1999)
    growth = statistics.median(growths) if growths else None
    return growth, all_answered and bool(seen), seen


def evaluate(bench, agg, syscalls):
    out = cpu_targets(agg, syscalls)
    growth, answered, seen = memory_target(bench.sweep_rows)
    floor_growth, _, _ = memory_target(bench.sweep_rows, 'floor')
    ok = answered and growth is not None and growth <= RSS_LIMIT_KIB
    out.append({'target': 'hold-2000', 'ok': ok, 'line':
                f'{_verdict(ok)}  tcp_server_threaded holds 2,000 connections, each answered ({"; ".join(seen)}); '
                f'RSS growth (RSS2000 - RSS1) / 1999 = {_fmt_kib(growth)} per connection (target ≤ {RSS_LIMIT_KIB} '
                f'KiB; the floor: {_fmt_kib(floor_growth)}).'})
    rate = lambda r: (r.get('figures') or {}).get('mb_per_s')
    for server in OURS['tcp-bulk']:
        ratio, mine, floor, spread = _paired(agg, 'tcp-bulk', server, 'floor', rate, BULK_LIMIT)
        ok = ratio is not None and ratio >= BULK_LIMIT
        why = '' if ok else _split(agg, 'tcp-bulk', server, 'µs/MiB')
        out.append({'target': 'bulk', 'ok': ok, 'line':
                    f'{_verdict(ok)}  bulk stream, {server}: {mine:,.0f} MB/s against the floor\'s {floor:,.0f} MB/s '
                    f'= {_x(ratio)}{spread} (target ≥ {BULK_LIMIT}x).{why}'})
    return out


def _fmt_kib(value):
    return f'{value:.1f} KiB' if value is not None else 'not measured'


def document(bench, machine, table, notes, sweep_lines, verdicts, syscall_lines, wall):
    a = bench.args
    passed = sum(v['ok'] for v in verdicts)
    lines = [
        '# Benchmark results', '',
        f'Written by `make bench` (`bench/run_bench.py`), wall time {wall:.0f} s'
        + (' — **quick run: loads too small for the figures to mean much**' if a.quick else '') + '.', '',
        '## Machine', '', *machine,
        f'- Other programs used {bench.others["busy"]:.0f} CPU-seconds during the run, of '
        f'{bench.others["available"]:.0f} available ({100 * bench.others["busy"] / bench.others["available"]:.0f}%); '
        f'the hypervisor took {bench.others["steal"]:.0f} s (steal)'
        + (' — **the machine was busy with other work: the figures are noisier than usual**'
           if bench.others['busy'] + bench.others['steal'] > 0.1 * bench.others['available'] else '') + '.', '',
        '## How it was measured', '',
        f'- Every figure is the median of {a.reps} repetitions. In a repetition of a load, every server that '
        'takes it is started fresh with `--port 0` (port read from its ready line) and warmed up with a short '
        'run; then the servers take turns, slice after slice of the load (5 slices), in a '
        'rotating order, so that a slow moment of the shared virtual machine hits all of them alike. Each '
        'ratio in the targets is the median of the per-repetition ratios.',
        '- Every reply is checked byte for byte against `text::upper` of what was sent; errors count wrong, '
        'short, missing or late replies and failed connections. p50/p99 are the medians of the slices\' '
        'percentiles.',
        '- Client and server share the same 2 cores over loopback (127.0.0.1); the load generator '
        '(`bench_loadgen`) runs one client thread (two for the held-connection loads).',
        '- Loads per repetition and server: `udp` 5 x 10,000 datagrams of 64 bytes, one at a time; `tcp-conn` '
        '5 x 1,000 connections, one 64-byte request each (connect, send, shutdown(write), read to EOF, close); '
        '`tcp-session` 5 x 8,000 round trips of 64 bytes on one connection; `tcp-hold` 5 x (100 connections '
        'opened first, then 20 rounds in which each sends 64 bytes and reads the reply while all stay open); '
        '`tcp-bulk` 5 x 256 MiB streamed through one connection while the reply is read at the same time.',
        '- Server CPU: user + system time of the whole server process (all threads, finished ones included) '
        'from the kernel\'s per-process CPU clock (`clock_gettime` on the process\'s CPU-time clock: the same '
        'sum as utime + stime in `/proc/PID/stat`, in nanoseconds instead of 10 ms ticks), read just before '
        'and just after the measured load, divided by the requests (by the MiB for `tcp-bulk`). It includes '
        'the kernel\'s work on the server\'s behalf (system calls, and loopback delivery it triggers), and for '
        '`tcp-conn`, `tcp-hold` and the scaling runs the cost of accepting and closing the connections (and '
        'of starting a thread for each, in the threaded servers). The user/kernel split quoted for a missed '
        'target comes from utime and stime in `/proc/PID/stat`, counted in 10 ms ticks: only roughly right.',
        '- Peak RSS: `VmHWM` from `/proc/PID/status` at the end of the measured load; RSS while connections '
        'are held: `VmRSS` while the load generator keeps them open. Kernel socket buffers are not in RSS.',
        '- Our servers run with `-q`, so no per-client log line is written (logging would otherwise dominate '
        'the CPU per request). `tcp_server_threaded` runs with `--backlog 4096 --max-clients 4096`, and '
        '`ThreadingTCPServer` with a listen queue of 4096 like the floor (`SOMAXCONN`): the held-connection '
        'loads connect faster than a server accepts, and a short listen queue would measure TCP\'s 1 s SYN '
        'retransmission instead of the server. `tcp_server` keeps the lecture\'s `listen(1)`: its loads '
        'connect one at a time.',
        '- The floor (`bench/floor.c`) is the least a server can do: plain C, recv / ASCII toupper / send, '
        'a thread per TCP connection; `ThreadingTCPServer` is `bench/threading_server.py`.', '',
        '## Results', '', table, '', *notes, '',
        f'## Targets ({passed} of {len(verdicts)} met)', '', *[f'- {v["line"]}' for v in verdicts], '',
        '## Scaling of tcp_server_threaded', '',
        '![throughput and memory against concurrent clients](scaling.svg)', '',
        'N connections are opened and held; then, in each round, every connection sends 64 bytes and every '
        'reply is read, so N requests are in flight at once. RSS is taken while all N are held. The floor is '
        'shown for reference (grey, dashed). Medians of the repetitions.', '',
        *sweep_lines, '',
        '## System calls per request', '',
        '`strace -c -f` attached to the server during a short extra run of each load (not during the timed '
        'runs: tracing slows every call). Calls per request:', '', *syscall_lines, '',
        '## Problems', '',
        *([f'- {p}' for p in bench.problems + bench.notes] or
          ['None: every request of every measured run was answered byte-exactly, every phase finished in time, '
           'and every one of our servers exited with status 0 on SIGINT.']), '']
    return '\n'.join(lines)
