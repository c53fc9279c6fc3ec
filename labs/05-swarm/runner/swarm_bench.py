#!/usr/bin/env python3
# swarm_bench.py - `make lab05-bench`: lab 05's four targets, measured with
# the swarm runner (swarm.py), written to labs/05-swarm/runner/RESULTS.md with the
# machine and the method, and lab 04's chart with the measured points to
# labs/05-swarm/runner/swarm_chart.svg.
#
#   python3 labs/05-swarm/runner/swarm_bench.py [--runs 3] [--quick] [--bin DIR] [--out DIR]
#   make lab05-bench [ARGS=--quick]
#
# The targets, for F = 8 MiB, u = 1 MiB/s per peer, us = 10 MiB/s, d = 20 MiB/s:
#   1. P2P: the last peer completes within 1.25x D_p2p at N = 8 and N = 32, and
#      within 1.3x at N = 64 (median of the runs); client-server mode within
#      1.1x D_cs.
#   2. Tit-for-tat: in a swarm of 16, a free rider (ui = 0) finishes at least 1.5x
#      later than the median uploading peer; with "unchoke every interested peer"
#      it does not. Measured twice: with the seed at us = 10 MiB/s, and with a
#      seed that is a small share of the upload (us = u).
#   3. Rarest first: a seed that leaves once it has uploaded every piece once
#      still leaves a swarm that completes; how often it completes when pieces
#      are picked in random order instead.
#   4. The whole swarm at N = 32: at most 0.0143 CPU-seconds per MiB delivered
#      (a quarter of the 0.057 of a peer with two threads per neighbour); peak
#      RSS per peer.
#   5. One seed and one downloader, 64 MiB, no rate limits (swarm_pair.py): our
#      pair transfers at least 0.7x as fast as aria2c's, and our downloader
#      takes no more CPU per MiB than libtorrent's (where installed; else at
#      most 2.5x aria2c's).
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(HERE))), 'tools'))
import machine  # noqa: E402
import swarm  # noqa: E402
import swarm_pair  # noqa: E402
from swarm_results import write_results  # noqa: E402

SWEEP = [1, 2, 4, 8, 16, 32]


# ---------------------------------------------------------------- the experiments

# Pieces of 64 KiB: 128 for the 8 MiB file. Real clients size pieces by the
# file (Transmission: 32 KiB below 50 MiB; libtorrent: about 1,000 pieces or
# more); make_torrent's 256 KiB, for bigger files, is measured beside them.
PIECE_LENGTH = 65536


def runner_args(args, *extra):
    if '--piece-length' not in extra:
        extra = ('--piece-length', str(PIECE_LENGTH), *extra)
    return swarm.parse_arguments(['--bin', args.bin, '--progress', '0', '--plain', *extra]
                                 + (['--bounds-program', args.bounds_program] if args.bounds_program else []))


def experiment(args, title, peers, *extra):
    """Runs of one swarm; returns the results (each with its bounds)."""
    print(f'== {title}', flush=True)
    a = runner_args(args, *extra)
    a.file_bytes = swarm.checked_parameters(a)
    results, _ = swarm.run_many(a, swarm.swarm_of(a, peers, a.mode), args.runs, swarm.swarm_run.Display(False, 0),
                                verbose=False)
    return results


def main():
    parser = argparse.ArgumentParser(description='Lab 05\'s targets, measured with the swarm runner.')
    parser.add_argument('--bin', default=os.path.join(swarm.ROOT, 'bin'))
    parser.add_argument('--runs', type=int, default=3, help='runs of each swarm (medians; default 3)')
    parser.add_argument('--quick', action='store_true', help='one run each, N up to 8: checks the plumbing only')
    parser.add_argument('--out', default=HERE, help='where RESULTS.md and swarm_chart.svg go (default: beside this)')
    parser.add_argument('--bounds-program', metavar='PATH', help='lab 04\'s distribution (default: as swarm.py)')
    parser.add_argument('--from-json', metavar='PATH', help='write RESULTS.md again from the figures a run saved '
                        '(build/labs/05/bench-figures.json), without measuring')
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    saved = os.path.join(swarm.ROOT, 'build', 'labs', '05', 'bench-figures.json')
    if args.from_json:
        with open(args.from_json) as f:
            figures = json.load(f)
        for name in ('leaving', 'small_seed_riders'):
            figures[name] = {tuple(k.split('|')) if '|' in k else k: v for k, v in figures[name].items()}
        args.runs = figures.pop('runs')
        write_results(args, **figures)
        return 0
    if args.quick:
        args.runs = 1
    sweep_n = [n for n in SWEEP if n <= 8] if args.quick else SWEEP
    started, busy_before, ours_before = time.monotonic(), machine.busy(), machine.own_cpu()

    # 5: one seed and one downloader, no limits: our peer beside aria2c and libtorrent.
    print(f'== one seed and one downloader, 64 MiB, no rate limits: our peer, aria2c, libtorrent; '
          f'{args.runs} run(s) each', flush=True)
    pairs = swarm_pair.measure(args)

    # 1 (and 4): the sweep, both modes, which holds N = 8 and N = 32.
    print(f'== the sweep: N = {", ".join(map(str, sweep_n))}, p2p and client-server, {args.runs} run(s) each',
          flush=True)
    a = runner_args(args, '--sweep', '--sweep-peers', ','.join(map(str, sweep_n)), '--runs', str(args.runs),
                    '--chart', os.path.join(args.out, 'swarm_chart.svg'))
    a.file_bytes = swarm.checked_parameters(a)
    sweep_results, sweep_table = swarm.sweep(a, swarm.swarm_run.Display(False, 0))

    # 1, why: the same N = 32 swarm with a file four times larger. If the time
    # above D_p2p is a fixed cost (starting, ending), it stays; the ratio shrinks.
    larger = experiment(args, f'N = {max(sweep_n)}, F = 32 MiB', max(sweep_n), '--file', '32MiB')
    # 1: N = 64, P2P only (client-server would take 51 s a run).
    wider = [] if args.quick else experiment(args, 'N = 64', 64)
    # 1, why: the largest N with make_torrent's pieces of 256 KiB, 4 times fewer.
    coarse = experiment(args, f'N = {max(sweep_n)}, pieces of 256 KiB', max(sweep_n), '--piece-length', '262144')

    # 2: a free rider, with tit-for-tat and with everyone unchoked.
    riders = {choker: experiment(args, f'a free rider among 16, choker {choker}', 16, '--free-riders', '1',
                                 '--choker', choker) for choker in ('tit-for-tat', 'all')}
    # 2, again: the seed a small share of the upload (us = u), where what
    # the uploading peers' chokers deny a free rider is most of what it could get.
    small_seed_riders = {choker: experiment(args, f'a free rider among 16, the seed at us = u, choker {choker}', 16,
                                            '--free-riders', '1', '--choker', choker, '--server', '1MiB/s')
                         for choker in ('tit-for-tat', 'all')}
    # 3: the seed leaves after one copy; peers pick rarest first, or at random; they stay, or leave when done.
    leaving = {(picker, behaviour): experiment(args, f'the seed leaves after one copy, picker {picker}, peers '
                                               f'{behaviour}', 16, '--seed-leaves', '--picker', picker, '--stall', '8',
                                               *(['--selfish'] if behaviour == 'leave when done' else []))
               for behaviour in ('stay', 'leave when done') for picker in ('rarest', 'random')}

    wall = time.monotonic() - started
    busy, steal = (after - before for after, before in zip(machine.busy(), busy_before))
    others = max(0.0, busy - (machine.own_cpu() - ours_before))
    compiler = f'Compiler: {machine.first_line(["g++", "--version"])}'
    figures = dict(sweep_n=sweep_n, sweep_results=sweep_results, sweep_table=sweep_table, larger=larger,
                   wider=wider, coarse=coarse, riders=riders, small_seed_riders=small_seed_riders, leaving=leaving, pairs=pairs,
                   wall=wall, others=others, steal=steal,
                   machine_lines=machine.description(compiler))
    os.makedirs(os.path.dirname(saved), exist_ok=True)
    with open(saved, 'w') as f:  # to write RESULTS.md again with --from-json
        json.dump(dict(figures, runs=args.runs, leaving={'|'.join(k): v for k, v in leaving.items()}), f)
    write_results(args, **figures)
    return 0


# ---------------------------------------------------------------- RESULTS.md

if __name__ == '__main__':
    sys.exit(main())
