# report.py - the table, the targets and bench/RESULTS.md.
import os
import statistics
import subprocess
import sys

import targets

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'tools'))
import machine  # noqa: E402

NA_MARKS = {}  # n/a reason -> footnote letter, in order of appearance


def _med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def _fmt(value, digits=1, unit=''):
    if value is None:
        return '-'
    return f'{value:,.{digits}f}{unit}'


def progress_line(prefix, row, extra=''):
    f = row.get('figures') or {}
    head = f"{prefix:<11} {row['mode']:<12} {row['server']:<20} {extra}"
    if not f:
        return f"{head} FAILED: {row.get('problem')}"
    if row['mode'] == 'tcp-bulk':
        body = (f"{f['bytes'] / 2**20:>6.0f} MiB {f['errors']:.0f} err {f['mb_per_s']:>8,.0f} MB/s"
                f"  cpu {_fmt(row.get('cpu_us'), 1)} us/MiB")
    else:
        body = (f"{f['requests']:>6.0f} req {f['errors']:.0f} err {f['rps']:>8,.0f} req/s"
                f"  p50 {f['p50_us']:>7.1f} us  p99 {f['p99_us']:>8.1f} us  cpu {_fmt(row.get('cpu_us'), 2)} us/req")
    if row.get('rss_kib'):
        body += f"  rss {row['rss_kib'] / 1024:.1f} MiB"
    elif row.get('hwm_kib'):
        body += f"  peak rss {row['hwm_kib'] / 1024:.1f} MiB"
    if row.get('problem'):
        body += f"  FAILED: {row['problem']}"
    return f'{head}{body}'


def aggregate(results):
    """(mode, server) -> medians over the repetitions, totals of requests and errors."""
    groups = {}
    for row in results:
        groups.setdefault((row['mode'], row['server']), []).append(row)
    out = {}
    for key, rows in groups.items():
        figs = [r.get('figures') or {} for r in rows]
        out[key] = {
            'rows': rows,
            'requests': sum(f.get('requests', 0) for f in figs),
            'errors': sum(f.get('errors', 0) for f in figs),
            'failed': sum(1 for r in rows if r.get('problem')),
            'rps': _med([f.get('rps') for f in figs]),
            'mb_per_s': _med([f.get('mb_per_s') for f in figs]),
            'mib': sum(f.get('bytes', 0) for f in figs) / 2**20,
            'p50': _med([f.get('p50_us') for f in figs]),
            'p99': _med([f.get('p99_us') for f in figs]),
            'cpu_us': _med([r.get('cpu_us') for r in rows]),
            'hwm_mib': _med([r.get('hwm_kib', 0) / 1024 or None for r in rows]),
        }
    return out


def _mark(reason):
    return NA_MARKS.setdefault(reason, 'abcdefgh'[len(NA_MARKS)])


def results_table(modes, table, agg):
    lines = ['| mode | server | requests | errors | throughput | p50 µs | p99 µs | server CPU | peak RSS |',
             '|---|---|--:|--:|--:|--:|--:|--:|--:|']
    for mode in modes:
        for name, _, _, supported in table:
            if mode not in supported:
                continue  # other transport: not a pairing at all
            if supported[mode] is not None:
                lines.append(f'| {mode} | {name} | n/a ({_mark(supported[mode])}) | | | | | | |')
                continue
            a = agg.get((mode, name))
            if a is None:
                continue
            errors = f"{a['errors']:.0f}" + (f" ({a['failed']} failed)" if a['failed'] else '')
            if mode == 'tcp-bulk':
                cells = [f"{a['mib']:,.0f} MiB", errors, _fmt(a['mb_per_s'], 0, ' MB/s'), '-', '-',
                         _fmt(a['cpu_us'], 1, ' µs/MiB')]
            else:
                cells = [f"{a['requests']:,.0f}", errors, _fmt(a['rps'], 0, ' req/s'), _fmt(a['p50']),
                         _fmt(a['p99']), _fmt(a['cpu_us'], 2, ' µs/req')]
            lines.append(f'| {mode} | {name} | ' + ' | '.join(cells) + f" | {_fmt(a['hwm_mib'], 1, ' MiB')} |")
    notes = [f'({mark}) n/a: {reason}.' for reason, mark in NA_MARKS.items()]
    return '\n'.join(lines), notes


def sweep_series(rows):
    """server -> [(clients, median req/s, median RSS MiB)], and the table lines."""
    groups = {}
    for r in rows:
        groups.setdefault(r['server'], {}).setdefault(r['clients'], []).append(r)
    series, lines = {}, ['| server | clients | answered | errors | req/s | p50 µs | p99 µs | CPU µs/req | RSS held |',
                         '|---|--:|--:|--:|--:|--:|--:|--:|--:|']
    for name, by_clients in groups.items():
        for clients, rs in sorted(by_clients.items()):
            figs = [r.get('figures') or {} for r in rs]
            rps, rss = _med([f.get('rps') for f in figs]), _med([r.get('rss_kib') for r in rs])
            held = min((f.get('held', 0) for f in figs), default=0)
            if rps is not None and rss is not None:
                series.setdefault(name, []).append((clients, rps, rss / 1024))
            lines.append(f'| {name} | {clients:,} | {held:,.0f} held | {sum(f.get("errors", 0) for f in figs):.0f} | '
                         f'{_fmt(rps, 0)} | {_fmt(_med([f.get("p50_us") for f in figs]))} | '
                         f'{_fmt(_med([f.get("p99_us") for f in figs]))} | {_fmt(_med([r.get("cpu_us") for r in rs]), 2)} | '
                         f'{_fmt(rss and rss / 1024, 1, " MiB")} |')
    return series, lines


# The scaling chart is drawn by the project's plotter, bin/svgplot
# (labs/shared/plot/): this only writes its description, one statement a line.
SCALING_TITLE = 'tcp_server_threaded: throughput and memory against concurrent clients'
STYLES = {'tcp_server_threaded': '#1f5fbf points', 'floor': '#888888 dashed points'}


def scaling_chart(series, title=SCALING_TITLE):
    """series: {server: [(clients, req_per_s, rss_mib), ...]} -> the chart for svgplot."""
    lines = [f'title {title}', 'xlabel concurrent clients (connections held open at once, log scale)',
             'xscale log']
    panels = [('Throughput (requests answered per second)', 'requests / s'),
              ('Server memory while all clients are connected (VmRSS)', 'MiB')]
    for column, (panel_title, unit) in enumerate(panels, start=1):
        lines.append(f'panel {panel_title} | {unit}')
        for name, points in series.items():
            lines.append(f'series {name} | {STYLES.get(name, "#c03030 points")}')
            lines += [f'{point[0]} {point[column]:.6g}' for point in points]
    return '\n'.join(lines) + '\n'


def draw(svgplot, chart, path):
    """Runs svgplot on the chart description; None when the SVG is written, else what went wrong."""
    try:
        run = subprocess.run([svgplot], input=chart, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as e:
        return f'{svgplot}: {e} (`make svgplot` builds it)'
    if run.returncode != 0:
        return run.stderr.strip() or f'{svgplot} ended with status {run.returncode}'
    with open(path, 'w') as f:
        f.write(run.stdout)
    return None


def series_from_results(text):
    """The scaling table of a RESULTS.md, back into {server: [(clients, req/s, MiB)]}."""
    series, in_table = {}, False
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        if cells[:2] == ['server', 'clients']:
            in_table = True
        elif in_table and len(cells) == 9 and cells[1][:1].isdigit():
            try:
                point = (int(cells[1].replace(',', '')), float(cells[4].replace(',', '')),
                         float(cells[8].replace(' MiB', '')))
            except ValueError:
                continue  # a failed row: '-' instead of a figure
            series.setdefault(cells[0], []).append(point)
        elif in_table and not line.startswith('|'):
            in_table = False
    return series


def machine_lines():
    first = machine.first_line
    return machine.description(f'Compilers: {first(["g++", "--version"])}; {first(["clang++", "--version"])}; '
                               f'C floor built with {first(["cc", "--version"])}')


def syscall_lines(syscalls):
    if not syscalls:
        return ['(strace not available, or it could not attach: no system-call counts.)']
    names = sorted({n for calls in syscalls.values() for n, v in calls.items() if v >= 0.05})
    lines = ['| mode | server | ' + ' | '.join(names) + ' | total |', '|---|---|' + '--:|' * (len(names) + 1)]
    for (mode, server), calls in syscalls.items():
        cells = [f'{calls.get(n, 0):.2f}' for n in names]
        lines.append(f'| {mode} | {server} | ' + ' | '.join(cells) + f' | {sum(calls.values()):.2f} |')
    return lines


def write_all(bench, modes, table, syscalls, wall, here):
    agg = aggregate(bench.results)
    main_table, notes = results_table(modes, table, agg)
    series, sweep_lines = sweep_series(bench.sweep_rows)
    verdicts = targets.evaluate(bench, agg, syscalls)
    trouble = draw(os.path.join(bench.bin, 'svgplot'), scaling_chart(series), os.path.join(here, 'scaling.svg'))
    if trouble:
        bench.problems.append(f'scaling.svg not drawn: {trouble}')
    md = targets.document(bench, machine_lines(), main_table, notes, sweep_lines, verdicts, syscall_lines(syscalls), wall)
    with open(os.path.join(here, 'RESULTS.md'), 'w') as f:
        f.write(md)
    return '\n'.join([main_table, *notes, '', *sweep_lines, '', 'Targets:', *[v['line'] for v in verdicts]])


# Redraw bench/scaling.svg from the scaling table of bench/RESULTS.md, without
# measuring again: python3 bench/report.py --replot [--bin DIR]
if __name__ == '__main__':
    here = os.path.dirname(os.path.abspath(__file__))
    args = sys.argv[1:]
    if args[:1] != ['--replot'] or len(args) not in (1, 3) or (len(args) == 3 and args[1] != '--bin'):
        sys.exit('usage: python3 bench/report.py --replot [--bin DIR]')
    svgplot = os.path.join(args[2] if len(args) == 3 else os.path.join(os.path.dirname(here), 'bin'), 'svgplot')
    with open(os.path.join(here, 'RESULTS.md')) as results:
        trouble = draw(svgplot, scaling_chart(series_from_results(results.read())), os.path.join(here, 'scaling.svg'))
    if trouble:
        sys.exit(f'report.py: {trouble}')
    print('wrote bench/scaling.svg from the scaling table of bench/RESULTS.md')
