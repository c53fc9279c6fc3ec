# swarm_results.py - RESULTS.md of `make lab05-bench` (swarm_bench.py): the
# verdict on each target, what the figures say about the targets missed,
# and the tables, from the results of the runs.
import os
import statistics

import swarm


def fmt_x(ratio):
    return '-' if ratio is None else f'{ratio:.2f}x'


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def free_rider_ratio(result):
    """The free rider's completion time over the median uploading peer's."""
    riders = [p['complete_s'] for p in result['peers'] if p['role'] == 'free rider']
    uploaders = [p['complete_s'] for p in result['peers'] if p['role'] == 'peer']
    if not result['complete'] or not riders or None in uploaders:
        return None
    return riders[0] / statistics.median(uploaders)


def cost(result):
    """CPU-seconds per MiB delivered (seed and peers), and the memory figures, of one run."""
    peers, seed = result['peers'], result['seed']
    delivered_mib = len(peers) * result['config']['file_size'] / 2**20
    cpu = sum(p['cpu_s'] or 0 for p in peers) + (seed['cpu_s'] or 0)
    rss = [p['max_rss_kib'] for p in peers if p['max_rss_kib']]
    return dict(cpu_s=cpu, per_mib=cpu / delivered_mib, wall=result['swarm_s'],
                rss_median=med(rss), rss_max=max(rss) if rss else None, seed_rss=seed['max_rss_kib'],
                tracker_cpu=(result['tracker'] or {}).get('cpu_s'),
                tracker_rss=(result['tracker'] or {}).get('max_rss_kib'))


# ---------------------------------------------------------------- the verdicts

def verdict(ok, text):
    return ('PASS  ' if ok else 'MISS  ') + text


def bound_target(results, n, mode, limit):
    runs = [r for r in results if r['config']['peers'] == n and r['config']['mode'] == mode]
    if not runs:
        return None, 'not measured'
    b = runs[0]['bounds']
    bound = b['p2p'] if mode == 'p2p' else b['client_server']
    times = [r['swarm_s'] for r in runs]
    name = 'D_p2p' if mode == 'p2p' else 'D_cs'
    if None in times:
        return False, f'{mode}, N = {n}: {times.count(None)} of {len(runs)} runs did not complete'
    m = statistics.median(times)
    ratios = ', '.join(f'{t / bound:.2f}' for t in times)
    return m <= limit * bound, (f'{mode}, N = {n}: the last peer completes at {m:.3f} s (median of {len(runs)}) '
                                f'= {m / bound:.2f}x {name} = {bound:.3f} s ({b[("p2p" if mode == "p2p" else "client_server") + "_limit"]}); '
                                f'runs: {ratios} (target <= {limit}x)')


def rider_lines(riders):
    lines, ratios = [], {}
    for choker, results in riders.items():
        rs = [free_rider_ratio(r) for r in results]
        ratios[choker] = med(rs)
        for k, (r, ratio) in enumerate(zip(results, rs), 1):
            rider = next(p for p in r['peers'] if p['role'] == 'free rider')
            up = med([p['complete_s'] for p in r['peers'] if p['role'] == 'peer'])
            lines.append(f'| {choker} | {k} | {swarm.fmt_s(rider["complete_s"])} | {swarm.fmt_s(up)} | '
                         f'{"-" if ratio is None else f"{ratio:.2f}x"} | {swarm.fmt_s(r["swarm_s"])} |')
    return lines, ratios


def leaving_lines(leaving):
    lines, counts = [], {}
    for (picker, behaviour), results in leaving.items():
        done = sum(r['complete'] for r in results)
        counts[(picker, behaviour)] = (done, len(results))
        left = [r['seed']['left_s'] for r in results]
        finished = [sum(p['complete_s'] is not None for p in r['peers']) for r in results]
        lines.append(f'| {picker} | {behaviour} | {done} of {len(results)} | '
                     + ', '.join(swarm.fmt_s(r['swarm_s']) if r['complete'] else f'stuck ({f}/16 complete)'
                                 for r, f in zip(results, finished))
                     + ' | ' + ', '.join(swarm.fmt_s(t) for t in left) + ' |')
    return lines, counts


def overhead_lines(sweep_results, larger):
    """Time above the bound, P2P: per N of the sweep, and for the larger file."""
    rows = []
    groups = {}
    for r in sweep_results:
        if r['config']['mode'] == 'p2p' and r['complete']:
            groups.setdefault(r['config']['peers'], []).append(r)
    for n, runs in sorted(groups.items()):
        m, bound = med([r['swarm_s'] for r in runs]), runs[0]['bounds']['p2p']
        rows.append(f'| 8 MiB | {n} | {bound:.3f} s | {m:.3f} s | {m - bound:+.3f} s | {m / bound:.2f}x |')
    done = [r for r in larger if r['complete']]
    if done:
        m, bound = med([r['swarm_s'] for r in done]), done[0]['bounds']['p2p']
        rows.append(f'| 32 MiB | {done[0]["config"]["peers"]} | {bound:.3f} s | {m:.3f} s | {m - bound:+.3f} s | '
                    f'{m / bound:.2f}x |')
    return rows


def p2p_medians(results):
    """{N: (median time, D_p2p)} of the completed P2P runs."""
    groups = {}
    for r in results:
        if r['config']['mode'] == 'p2p' and r['complete']:
            groups.setdefault(r['config']['peers'], []).append(r)
    return {n: (med([r['swarm_s'] for r in rs]), rs[0]['bounds']['p2p']) for n, rs in groups.items()}


def why_p2p(sweep_results, larger, others_share, c):
    small, big = p2p_medians(sweep_results), p2p_medians(larger)
    n = max(small) if small else None
    if n is None or n not in big:
        return []
    (m8, d8), (m32, d32) = small[n], big[n]
    grows = ', '.join(f'{m - d:+.1f} s at N = {k}' for k, (m, d) in sorted(small.items()) if k > 1)
    busy = (f' The swarm itself kept {c["cpu_s"] / c["wall"]:.1f} of the 2 cores busy at N = {n}, and other '
            f'programs used {others_share:.0f}% of the machine during the benchmark: part of the time above the '
            'bound is peers waiting for a CPU.') if c and c['wall'] else ''
    grew = (m32 - d32) / (m8 - d8) if m8 > d8 else None
    size = larger[0]['config']['file_size'] / sweep_results[0]['config']['file_size']
    met = 'the target is met' if m32 / d32 <= 1.25 else 'the target is still missed'
    return [f'- P2P at N = {n}: the time above D_p2p grows with N ({grows}), and much less than the file does: '
            f'{m8 - d8:+.1f} s with 8 MiB, {m32 - d32:+.1f} s with 32 MiB ({size:g} times the bytes'
            + (f', {grew:.1f} times the time above the bound' if grew else '') + f'), where the ratio is '
            f'{m32 / d32:.2f}x and {met}. It is more a cost per swarm than a rate lost: the bound is for a fluid, where every byte a '
            'peer receives can be sent on at once and every peer uploads at its full rate from the first instant. A '
            'real peer has nothing to upload until a whole piece has arrived and been checked (a 256 KiB piece at '
            'the fifth of a 1 MiB/s upload that one unchoked neighbour gets takes 1.25 s), and the last pieces come '
            f'from few peers. With 32 pieces for 32 peers that start together, these seconds weigh.{busy} '
            'A profile of one such run (`perf record -a`, N = 32) found the machine idle 20% of the time, and, of '
            'the peers\' own samples, 62% in the kernel (TCP on loopback, and above all threads waking and '
            'switching: two threads per connection, 32 connections per peer) and 15% in SHA-1: the CPU is '
            'scarce, but not the only limit.']


def why_riders(riders, ratios):
    first = sum(1 for r in riders['tit-for-tat'] if (free_rider_ratio(r) or 2) < 1)
    tft, everyone = ratios['tit-for-tat'], ratios['all']
    same = tft is not None and everyone is not None and abs(tft - everyone) < 0.2
    return [f'- Tit-for-tat: the free rider finished at {fmt_x(tft)} the median uploading peer\'s time with '
            f'tit-for-tat and at {fmt_x(everyone)} with every interested peer unchoked'
            + (': the choker made little difference' if same else '')
            + (f' (the free rider even finished first in {first} of {len(riders["tit-for-tat"])} runs)' if first else '')
            + '. A peer with u = 0 is in no uploading peer\'s top 4, but here the seed uploads 10 MiB/s, 40% of '
            'all the upload there is (15 uploading peers at 1 MiB/s add 15 MiB/s), and a seed ranks its neighbours '
            'by how much it sends them, not by what they give: it serves a free rider like anyone, and so does '
            'every peer that completes and stays. What the uploading peers\' chokers deny the free rider is a '
            'small part of what it gets. Without the seed, tit-for-tat shows: in the grader\'s swarm '
            '(`grader/test_swarm.cpp`: a seed at 2 MiB/s, eight peers at 256 KiB/s that stay, and a free rider '
            'that knows only the eight peers), the free rider took 1.50x to 1.65x the median peer\'s time with the '
            'reference choker, and 1.15x to 1.21x with every interested peer unchoked (16 runs and 7 runs, on this '
            'machine).']


def why_leaving(leaving):
    left = {k: med([r['seed']['left_s'] for r in rs]) for k, rs in leaving.items()}
    done = {k: sum(r['complete'] for r in rs) for k, rs in leaving.items()}
    return [f'- A seed that leaves after one copy: with peers that stay, every piece the seed sent stays in the swarm, '
            f'so any order of picking completes (rarest first {done[("rarest", "stay")]}, random '
            f'{done[("random", "stay")]} of {len(leaving[("rarest", "stay")])}); what rarest first changes is how '
            f'soon the seed has sent one whole copy (median {left[("rarest", "stay")]:.2f} s, against '
            f'{left[("random", "stay")]:.2f} s at random). When peers leave as soon as they have the file, neither '
            f'order completes (rarest first {done[("rarest", "leave when done")]}, random '
            f'{done[("random", "leave when done")]}): the first peers to complete got much of the file from the '
            'seed, and leave with pieces that nobody else has yet.']


def write_results(args, sweep_n, sweep_results, sweep_table, larger, riders, leaving, wall, others, steal,
                  machine_lines):
    t1 = [bound_target(sweep_results, n, mode, limit) for mode, limit in (('p2p', 1.25), ('client-server', 1.1))
          for n in (8, 32)]
    rider_rows, ratios = rider_lines(riders)
    tft, everyone = ratios['tit-for-tat'], ratios['all']
    t2_ok = tft is not None and tft >= 1.5 and everyone is not None and everyone < 1.5
    leave_rows, counts = leaving_lines(leaving)
    rarest_done, rarest_runs = counts[('rarest', 'stay')]
    t3_ok = rarest_done == rarest_runs
    big = [r for r in sweep_results if r['config']['peers'] == max(sweep_n) and r['config']['mode'] == 'p2p'
           and r['complete']]
    costs = [cost(r) for r in big]
    c = {k: med([x[k] for x in costs]) for k in costs[0]} if costs else None

    verdicts = [verdict(ok, text) for ok, text in t1 if ok is not None]
    verdicts.append(verdict(t2_ok, f'tit-for-tat: the free rider finishes at {fmt_x(tft)} the median '
                                   f'uploading peer\'s time (median of {args.runs} runs; target >= 1.5x); with every '
                                   f'interested peer unchoked, {fmt_x(everyone)} (target: below 1.5x)'))
    random_done, random_runs = counts[('random', 'stay')]
    verdicts.append(verdict(t3_ok, f'rarest first: the seed leaves after one copy and the swarm completes in '
                                   f'{rarest_done} of {rarest_runs} runs (target: every run); picking at random, in '
                                   f'{random_done} of {random_runs}'))
    if c:
        verdicts.append(f'REPORTED  the whole swarm at N = {max(sweep_n)}: {c["per_mib"]:.4f} CPU-seconds per MiB '
                        f'delivered ({c["cpu_s"]:.1f} CPU-s for {max(sweep_n)} x 8 MiB, seed included, in '
                        f'{c["wall"]:.1f} s); peak RSS per peer {c["rss_median"] / 1024:.1f} MiB (median; largest '
                        f'{c["rss_max"] / 1024:.1f} MiB), the seed {c["seed_rss"] / 1024:.1f} MiB, the tracker '
                        f'{c["tracker_rss"] / 1024:.1f} MiB and {c["tracker_cpu"]:.3f} CPU-s')
    why = []
    if any(ok is False for ok, _ in t1[:2]):
        why += why_p2p(sweep_results, larger, 100 * others / (wall * os.cpu_count()), c)
    if not t2_ok:
        why += why_riders(riders, ratios)
    why += why_leaving(leaving)
    met = sum(v.startswith('PASS') for v in verdicts)
    checked = sum(v.startswith(('PASS', 'MISS')) for v in verdicts)
    available = wall * os.cpu_count()
    text = DOCUMENT.format(
        wall=wall, machine='\n'.join(machine_lines), others=others, available=available,
        share=100 * others / available if available else 0, steal=steal, runs=args.runs,
        sweep_n=', '.join(map(str, sweep_n)), met=met, checked=checked,
        verdicts='\n'.join(f'- {v}' for v in verdicts), sweep_table='\n'.join(sweep_table),
        rider_rows='\n'.join(rider_rows), leave_rows='\n'.join(leave_rows),
        overhead_rows='\n'.join(overhead_lines(sweep_results, larger)), why='\n'.join(why))
    path = os.path.join(args.out, 'RESULTS.md')
    with open(path, 'w') as f:
        f.write(text)
    print(text)
    print(f'swarm_bench: wall time {wall:.0f} s; wrote {path} and {os.path.join(args.out, "swarm_chart.svg")}')


DOCUMENT = '''# Lab 05: a BitTorrent swarm against the lecture's bounds

Written by `make lab05-bench` (`labs/05-swarm/swarm_bench.py`), wall time {wall:.0f} s.

## Machine

{machine}
- Other programs used {others:.0f} of the {available:.0f} CPU-seconds available during the run ({share:.0f}%); the hypervisor took {steal:.0f} s (steal).

## How it was measured

- Every swarm runs on this machine over loopback, started by the runner (`labs/05-swarm/swarm.py`): `bin/tracker`, then one seed and N peers (`bin/peer`, built with the reference policies), each a process with `--port 0` (the port read from its ready line) and its own rates, which the peers enforce with token buckets.
- F = 8 MiB (32 pieces of 256 KiB, pseudo-random bytes), us = 10 MiB/s for the seed, u = 1 MiB/s and d = 20 MiB/s for each peer (dmin >= us, as in the lecture's example). The choker's periods are the lecture's 10 s and 30 s times 0.1 (`--time-scale 0.1`: a new top 4 every second, an optimistic unchoke every 3 s), for a file that takes seconds, not hours; the tracker's interval is 2 s. Peers stay until every peer has the file (altruistic) unless said otherwise.
- The swarm's time runs from the start of the first peer (the seed is there already, with the whole file: the lecture's server at time 0) to the last peer's `complete` line (its own clock, plus when it was started). Every downloaded file is compared with the original byte for byte; a run where one differs or is missing does not count as complete.
- D_p2p and D_cs are lab 04's bounds for the same F, us, ui and di, computed by lab 04's program (`distribution --bounds`, the reference solution) with each peer's rates; client-server mode runs the same swarm with every peer at u = 0 (they upload nothing) and the seed unchoking everyone, as a server would.
- {runs} run(s) of each swarm; medians are reported. CPU time is user + system of each process, from `wait4`; peak RSS is `VmHWM` from `/proc/PID/status`, looked at twice a second while the process runs and just before it is stopped.

## Targets ({met} of {checked} checks met: target 1 is four checks, target 4 is a report)

{verdicts}

What the figures say:

{why}

## The sweep: N = {sweep_n}, both modes

The chart `swarm_chart.svg` is lab 04's chart (the two bounds against N) with these medians as points.

```
{sweep_table}
```

## P2P: the time above D_p2p

The bound is for a fluid: every byte a peer receives can be sent on at once.
BitTorrent sends whole pieces, each checked before it is passed on, and
peers start with nothing. The same swarm at N = 32 with a file four times
larger shows whether the time above the bound is a cost per byte or a
fixed one (medians):

| F | N | D_p2p | measured | above | ratio |
|---|--:|--:|--:|--:|--:|
{overhead_rows}

## Tit-for-tat and a free rider (16 peers, the last one with u = 0)

| choker | run | free rider complete | median uploading peer | ratio | swarm |
|---|--:|--:|--:|--:|--:|
{rider_rows}

## Rarest first, and a seed that leaves after one copy (16 peers)

| picker | peers | swarm completes | times | the seed left at |
|---|---|---|---|---|
{leave_rows}
'''
