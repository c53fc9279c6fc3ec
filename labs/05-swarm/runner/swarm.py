#!/usr/bin/env python3
# swarm.py - a real BitTorrent swarm on this machine, measured against the
# lecture's bounds: a tracker, one seed and N peers, each a process with its
# own port and rates (enforced by the peers' token buckets), on loopback.
#
#   python3 labs/05-swarm/runner/swarm.py [--peers N] [--file SIZE] [--server RATE] [--upload RATE] [--download RATE]
#                                  [--mode p2p|client-server] [--runs R] [--sweep] ...
#   make lab05-swarm ARGS="--peers 16"
#
# Each run prints a live progress line per peer, then each peer's completion
# time, whether its file is the original byte for byte, and the swarm's time
# beside D_p2p and D_cs for the same F, us, ui and di, as computed by lab 04's
# program (`distribution --bounds`). --mode client-server runs the same swarm
# with peers that upload nothing: the seed serves everyone, like a server.
# --sweep runs N = 1, 2, 4, 8, 16, 32 in both modes and draws lab 04's chart
# with the measured points (bin/svgplot).
#
# Exit status: 0 when every run completed with every file right, 1 when not,
# 2 for a bad argument.
import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))  # runner/ is in labs/05-swarm/
sys.path.insert(0, HERE)
import swarm_run  # noqa: E402  (after the path is set)

SWEEP = [1, 2, 4, 8, 16, 32]
MODES = ('p2p', 'client-server')
RED, BLUE = '#c03030', '#1f5fbf'  # lab 04's colours: client-server, P2P


# ---------------------------------------------------------------- lab 04's bounds

def bounds_program(path=None):
    if path:
        return path
    for variant in ('solution', 'student'):
        candidate = os.path.join(ROOT, 'build', 'labs', variant, '04', 'distribution')
        if os.path.exists(candidate):
            return candidate
    raise SystemExit('swarm: lab 04\'s program is not built: make lab04-build SOLUTION=1 (or make lab05-swarm)')


def bounds(program, file_size, server, peer_rates):
    """lab 04's `distribution --bounds` for these peers: {'N': .., 'F': .., 'us': .., 'p2p': .., ...}."""
    peers_file = os.path.join(os.environ.get('TMPDIR', '/tmp'), f'swarm-peers-{os.getpid()}.txt')
    with open(peers_file, 'w') as f:
        f.write(''.join(f'{up} {down}\n' for up, down in peer_rates))
    try:
        run = subprocess.run([program, '--bounds', '--file', str(file_size), '--server', server,
                              '--peers-file', peers_file], capture_output=True, text=True, timeout=30)
    finally:
        os.remove(peers_file)
    if run.returncode != 0:
        raise ValueError(run.stderr.strip())
    words = dict(word.split('=', 1) for word in run.stdout.split())
    b = {k: (v if k.endswith('limit') else float(v)) for k, v in words.items()}
    if not b.get('p2p', 0) > 0 or not b.get('client_server', 0) > 0:
        raise SystemExit(f'swarm: {program} gives no bound (p2p={words.get("p2p")}, '
                         f'client_server={words.get("client_server")}): finish lab 04 first (make lab04)')
    return b


def checked_parameters(args):
    """F in bytes, from lab 04's program, which also checks every size and rate as lab 04 reads them."""
    run = subprocess.run([args.bounds_program, '--bounds', '--file', args.file, '--server', args.server,
                          '--upload', args.upload, '--download', args.download, '--peers', '1'],
                         capture_output=True, text=True, timeout=30)
    if run.returncode != 0:
        print(f'swarm: {run.stderr.strip()}', file=sys.stderr)
        sys.exit(2)
    return int(float(dict(w.split('=', 1) for w in run.stdout.split())['F']))


# ---------------------------------------------------------------- reports

def fmt_s(seconds):
    return '-' if seconds is None else f'{seconds:.3f} s'


def fmt_mib(kib):
    return '-' if kib is None else f'{kib / 1024:.1f} MiB'


def describe(sw):
    ts = sw.time_scale
    lines = [f'swarm: F = {sw.file_size:,} bytes, seed us = {sw.seed_upload}; {sw.peers} peers, each u = '
             f'{"0 (client-server: peers upload nothing)" if sw.mode == "client-server" else sw.upload}, '
             f'd = {sw.download}' + (f'; the last {sw.free_riders} are free riders (u = 0)' if sw.free_riders else ''),
             f'       picker {sw.picker}; choker {sw.choker if sw.mode == "p2p" else "all (the seed serves everyone)"},'
             f' rounds every {10 * ts:g} s, optimistic unchoke every {30 * ts:g} s (the lecture\'s 10 s and 30 s'
             f' x {ts:g}); tracker interval {sw.interval} s'
             + ('; the seed leaves after one copy' if sw.seed_leaves else '')
             + ('; peers leave when done' if sw.selfish else
                f'; peers stay {sw.stay:g} s after they are done' if sw.stay is not None else '; peers stay until the end')]
    return '\n'.join(lines)


def peer_table(result, bound):
    rows = [f'{"peer":<8}{"role":<12}{"upload":>10}{"download":>10}{"complete":>12}{"x D":>7}  {"file":<10}'
            f'{"CPU":>8}{"peak RSS":>10}']
    for p in result['peers']:
        ratio = f'{p["complete_s"] / bound:.2f}' if p['complete_s'] and bound else '-'
        file_state = 'identical' if p['file_ok'] else ('DIFFERS' if p['complete_s'] else 'incomplete')
        rows.append(f'{p["name"]:<8}{p["role"]:<12}{p["upload"]:>10}{p["download"]:>10}{fmt_s(p["complete_s"]):>12}'
                    f'{ratio:>7}  {file_state:<10}{fmt_s(p["cpu_s"]):>8}{fmt_mib(p["max_rss_kib"]):>10}')
    s, t = result['seed'], result['tracker']
    left = f'left at {s["left_s"]:.3f} s' if result['config']['seed_leaves'] and s['left_s'] else ''
    rows.append(f'{"seed":<8}{"seed":<12}{s["upload"]:>10}{"-":>10}{left:>19}  {"":<10}{fmt_s(s["cpu_s"]):>8}'
                f'{fmt_mib(s["max_rss_kib"]):>10}')
    if t:
        rows.append(f'{"tracker":<8}{"":<12}{"":>10}{"":>10}{"":>19}  {"":<10}{fmt_s(t["cpu_s"]):>8}'
                    f'{fmt_mib(t["max_rss_kib"]):>10}')
    return '\n'.join(rows)


def tracker_view(status_text):
    """The tracker's own figures for the swarm: elapsed, d_p2p, d_cs (its status page)."""
    for line in status_text.splitlines():
        if line.startswith('torrent '):
            words = dict(w.split('=', 1) for w in line.split()[1:] if '=' in w)
            return {k: words.get(k) for k in ('elapsed', 'd_p2p', 'd_cs', 'complete')}
    return None


def summary(result, b):
    mode_bound = b['p2p'] if result['config']['mode'] == 'p2p' else b['client_server']
    lines = []
    if result['complete']:
        n = len(result['peers'])
        lines.append(f'swarm: all {n} peers have the file, byte for byte, at {result["swarm_s"]:.3f} s '
                     f'(the last peer was started {result["start_spread_s"]:.2f} s after the first)')
    else:
        lines.append('swarm: NOT complete: ' + '; '.join(result['problems']))
    for name, key in (('D_p2p', 'p2p'), ('D_cs ', 'client_server')):
        measured = f': measured {result["swarm_s"] / b[key]:.2f}x' if result['swarm_s'] else ''
        lines.append(f'  {name} = {b[key]:.3f} s ({b[key + "_limit"]}){measured}')
    view = tracker_view(result['tracker_status'])
    if view:
        lines.append(f'  the tracker\'s status page: elapsed {view["elapsed"]} s, complete={view["complete"]}, '
                     f'd_p2p {view["d_p2p"]} s, d_cs {view["d_cs"]} s')
    return '\n'.join(lines), mode_bound


# ---------------------------------------------------------------- runs

def swarm_of(args, peers, mode):
    return swarm_run.Swarm(bin_dir=args.bin, peers=peers, file_size=args.file_bytes, seed_upload=args.server,
                           upload=args.upload, download=args.download, mode=mode, free_riders=args.free_riders,
                           picker=args.picker, choker=args.choker, time_scale=args.time_scale,
                           seed_leaves=args.seed_leaves, selfish=args.selfish, stay=args.stay, interval=args.interval,
                           timeout=args.timeout, stall=args.stall, keep=args.keep, logs=args.logs,
                           piece_length=args.piece_length)


def run_many(args, sw, runs, display, verbose=True):
    """`runs` runs of one swarm; returns (results, bounds)."""
    b = bounds(args.bounds_program, sw.file_size, sw.seed_upload, [sw.rates(i) for i in range(sw.peers)])
    results = []
    for k in range(1, runs + 1):
        if verbose and runs > 1:
            print(f'-- run {k} of {runs}', flush=True)
        result = swarm_run.run_swarm(sw, display)
        result['bounds'] = b
        results.append(result)
        text, mode_bound = summary(result, b)
        if verbose:
            print(peer_table(result, mode_bound))
            print(text, flush=True)
        else:
            ratio = f'{result["swarm_s"] / mode_bound:.2f}x' if result['swarm_s'] else 'NOT complete'
            print(f'{sw.mode:<14} N = {sw.peers:>2}  run {k}/{runs}: '
                  f'{fmt_s(result["swarm_s"]):>10}  bound {mode_bound:7.3f} s  {ratio}'
                  + ('' if result['complete'] else '  ' + '; '.join(result['problems'])), flush=True)
    return results, b


def median_line(results, b, mode):
    times = [r['swarm_s'] for r in results if r['complete']]
    bound = b['p2p'] if mode == 'p2p' else b['client_server']
    if not times:
        return f'median of {len(results)} runs: none completed'
    m = statistics.median(times)
    return (f'median of {len(times)} completed runs (of {len(results)}): {m:.3f} s = {m / bound:.2f}x '
            f'{"D_p2p" if mode == "p2p" else "D_cs"} ({bound:.3f} s); runs: '
            + ', '.join(f'{t:.3f}' for t in times))


def sweep(args, display):
    rows, points = [], {mode: [] for mode in MODES}
    all_results = []
    for n in args.sweep_peers:
        for mode in MODES:
            results, b = run_many(args, swarm_of(args, n, mode), args.runs, display, verbose=False)
            all_results += results
            times = [r['swarm_s'] for r in results if r['complete']]
            bound = b['p2p'] if mode == 'p2p' else b['client_server']
            m = statistics.median(times) if times else None
            if m is not None:
                points[mode].append((n, m))
            rows.append((mode, n, len(times), len(results), m, bound, b['p2p'], b['client_server']))
    table = [f'{"mode":<14}{"N":>4}{"complete":>10}{"median":>12}{"bound":>11}{"ratio":>8}{"D_p2p":>11}{"D_cs":>11}']
    for mode, n, ok, total, m, bound, p2p, cs in rows:
        ratio = f'{m / bound:.2f}x' if m else '-'
        table.append(f'{mode:<14}{n:>4}{f"{ok}/{total}":>10}{fmt_s(m):>12}{bound:>9.3f} s{ratio:>8}'
                     f'{p2p:>9.3f} s{cs:>9.3f} s')
    print('\n'.join(table))
    trouble = draw_chart(args, points, args.chart)
    print(f'swarm: the chart: {args.chart}' if not trouble else f'swarm: no chart: {trouble}')
    return all_results, table


def chart_text(args, points):
    """Lab 04's chart (the two bounds against N) with the measured medians as markers, for bin/svgplot."""
    top = max([n for n, _ in points['p2p'] + points['client-server']] + [max(args.sweep_peers)])
    curves = {mode: [] for mode in MODES}
    for n in range(0, top + 1):
        b = (bounds(args.bounds_program, args.file_bytes, args.server, [(args.upload, args.download)] * n)
             if n else {'p2p': 0, 'client_server': 0})
        curves['p2p'].append((n, b['p2p']))
        curves['client-server'].append((n, b['client_server']))
    lines = ['title Distribution time: a real BitTorrent swarm against the lecture\'s bounds',
             'xlabel N (peers)',
             f'panel F = {args.file}, us = {args.server}; each peer: u = {args.upload}, d = {args.download}'
             f' (client-server: u = 0) | seconds']
    for mode, name, colour in (('client-server', 'Client-Server', RED), ('p2p', 'P2P', BLUE)):
        lines.append(f'series {name} bound | {colour}')
        lines += [f'{n} {t:.6g}' for n, t in curves[mode]]
        lines.append(f'series {name} measured (median) | {colour} nolines')
        lines += [f'{n} {t:.6g}' for n, t in points[mode]]
    return '\n'.join(lines) + '\n'


def draw_chart(args, points, path):
    """None when the SVG is written, else what went wrong."""
    svgplot = os.path.join(args.bin, 'svgplot')
    try:
        run = subprocess.run([svgplot], input=chart_text(args, points), capture_output=True, text=True, timeout=30)
    except OSError as e:
        return f'{svgplot}: {e.strerror} (make svgplot builds it)'
    if run.returncode != 0:
        return run.stderr.strip()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, 'w') as f:
        f.write(run.stdout)
    return None


# ---------------------------------------------------------------- the command line

def parse_arguments(argv=None):
    p = argparse.ArgumentParser(
        prog='swarm.py', description='A BitTorrent swarm on this machine (a tracker, one seed, N peers), '
        'measured against the lecture\'s bounds D_p2p and D_cs (lab 04).')
    p.add_argument('--peers', type=int, default=8, metavar='N', help='how many peers download (default: 8)')
    p.add_argument('--file', default='8MiB', metavar='SIZE', help='F, the file (default: 8MiB)')
    p.add_argument('--piece-length', type=int, default=262144, metavar='BYTES',
                   help='the torrent\'s pieces (default: 262144, make_torrent\'s; a power of 2, at least 16384)')
    p.add_argument('--server', default='10MiB/s', metavar='RATE', help='us, the seed\'s upload (default: 10MiB/s)')
    p.add_argument('--upload', default='1MiB/s', metavar='RATE', help='u, each peer\'s upload (default: 1MiB/s)')
    p.add_argument('--download', default='20MiB/s', metavar='RATE',
                   help='d, each peer\'s download (default: 20MiB/s: dmin >= us, as in the lecture)')
    p.add_argument('--mode', choices=MODES, default='p2p',
                   help='client-server: peers upload nothing and the seed serves everyone (default: p2p)')
    p.add_argument('--free-riders', type=int, default=0, metavar='K', help='the last K peers upload nothing')
    p.add_argument('--picker', choices=('rarest', 'random', 'sequential'), default='rarest')
    p.add_argument('--choker', choices=('tit-for-tat', 'all'), default='tit-for-tat')
    p.add_argument('--time-scale', type=float, default=0.1, metavar='S',
                   help='the choker\'s 10 s and 30 s times S (default: 0.1: 1 s and 3 s, for an 8 MiB file)')
    p.add_argument('--seed-leaves', action='store_true', help='the seed leaves once it has uploaded every piece once')
    p.add_argument('--selfish', action='store_true', help='peers leave as soon as they have the file')
    p.add_argument('--stay', type=float, metavar='S', help='peers leave S seconds after they have the file')
    p.add_argument('--runs', type=int, default=1, metavar='R', help='runs of each swarm; medians are reported')
    p.add_argument('--sweep', action='store_true', help='N = 1, 2, 4, 8, 16, 32 in both modes, and the chart')
    p.add_argument('--sweep-peers', default=','.join(map(str, SWEEP)), metavar='N,N,...',
                   help='the sweep\'s values of N')
    p.add_argument('--chart', default=os.path.join(ROOT, 'build', 'labs', '05', 'swarm_chart.svg'), metavar='PATH',
                   help='where the sweep draws its chart (default: build/labs/05/swarm_chart.svg)')
    p.add_argument('--interval', type=int, default=2, metavar='S', help='the tracker\'s announce interval (default: 2)')
    p.add_argument('--timeout', type=float, default=300, metavar='S', help='give a run up after S seconds')
    p.add_argument('--stall', type=float, default=15, metavar='S',
                   help='... or after S seconds without a new piece anywhere (default: 15)')
    p.add_argument('--progress', type=float, default=2, metavar='S',
                   help='without a terminal: the peers\' progress every S seconds (0: only completions)')
    p.add_argument('--plain', action='store_true', help='plain lines even on a terminal')
    p.add_argument('--keep', metavar='DIR', help='keep the files of the run (data, torrent, logs) in DIR')
    p.add_argument('--logs', action='store_true', help='the peers write log lines (into DIR/NAME.log with --keep)')
    p.add_argument('--json', metavar='PATH', help='write every run\'s figures to PATH')
    p.add_argument('--bin', default=os.path.join(ROOT, 'bin'), help='where tracker, peer, make_torrent, svgplot are')
    p.add_argument('--bounds-program', metavar='PATH', help='lab 04\'s distribution (default: the solution\'s build)')
    args = p.parse_args(argv)
    try:
        args.sweep_peers = [int(n) for n in args.sweep_peers.split(',')]
    except ValueError:
        p.error(f'--sweep-peers: \'{args.sweep_peers}\' is not a list of numbers')
    for name, value, least in (('--peers', args.peers, 1), ('--runs', args.runs, 1), ('--interval', args.interval, 1),
                               ('--free-riders', args.free_riders, 0)):
        if value < least:
            p.error(f'{name} must be at least {least}')
    if args.free_riders > args.peers or min(args.sweep_peers) < 1:
        p.error('--free-riders must be at most --peers, and every N of --sweep-peers at least 1')
    if args.piece_length < 16384 or args.piece_length & (args.piece_length - 1):
        p.error(f'--piece-length: {args.piece_length} is not a power of 2 of at least 16384')
    if args.time_scale <= 0:
        p.error('--time-scale must be more than 0')
    if args.selfish and args.stay is not None:
        p.error('--selfish and --stay: one or the other')
    args.bin = os.path.abspath(args.bin)
    args.bounds_program = bounds_program(args.bounds_program)
    for program in ('tracker', 'peer', 'make_torrent'):
        if not os.access(os.path.join(args.bin, program), os.X_OK):
            p.error(f'{os.path.join(args.bin, program)} is not built (make lab05-swarm builds everything)')
    return args


def main(argv=None):
    args = parse_arguments(argv)
    swarm_run.swarm_procs.let_children_see_ctrl_c()
    args.file_bytes = checked_parameters(args)
    live = sys.stdout.isatty() and not args.plain
    if args.sweep:
        display = swarm_run.Display(live, every=0)
        print(describe(swarm_of(args, max(args.sweep_peers), 'p2p')), flush=True)
        results, _ = sweep(args, display)
    else:
        sw = swarm_of(args, args.peers, args.mode)
        print(describe(sw), flush=True)
        results, b = run_many(args, sw, args.runs, swarm_run.Display(live, every=args.progress))
        if args.runs > 1:
            print(median_line(results, b, args.mode))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(results, f, indent=1)
    return 0 if all(r['complete'] for r in results) else 1


if __name__ == '__main__':
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
