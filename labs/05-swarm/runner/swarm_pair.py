# swarm_pair.py - one seed and one downloader, no rate limits, over loopback
# through the project's tracker: this project's peer beside aria2c and, where
# python3-libtorrent is installed, libtorrent (TCP only), each pair taken in
# turn, so that they share the machine's state. Part of `make lab05-bench`.
#
# For each run, a new tracker, the seed (ready once the tracker lists it as a
# seed), then the downloader; the downloaded file is compared with the
# original byte for byte. Measured:
#   - the transfer rate: the bytes sent over loopback (/proc/net/dev), looked
#     at every 2 ms; the time from 10% to 90% of the file gives the rate, so
#     that starting, checking and announcing (which differ from client to
#     client) are left out. As root the pairs run in a network namespace of
#     their own (unshare -n), where nothing else uses loopback; otherwise
#     other programs' loopback traffic counts too, and the report says so;
#   - the downloader's CPU time per MiB: user + system from wait4, the whole
#     process (starting and checking included);
#   - the seed's CPU time per MiB while the downloader runs (the sum of its
#     threads' run time, /proc/PID/task/*/schedstat, in nanoseconds).
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request

from swarm_procs import Child, wait_ready
from swarm_run import same_file

HERE = os.path.dirname(os.path.abspath(__file__))
MIB = 1 << 20
ARIA2C = ['--enable-dht=false', '--enable-dht6=false', '--bt-enable-lpd=false', '--enable-peer-exchange=false',
          '--bt-tracker-interval=2', '--summary-interval=0', '--console-log-level=error', '--check-certificate=false']


def libtorrent_python():
    """A Python that can import libtorrent (Debian's python3-libtorrent is for /usr/bin/python3), or None."""
    for python in (sys.executable, '/usr/bin/python3'):
        if os.access(python, os.X_OK) and subprocess.run([python, '-c', 'import libtorrent'], stdout=subprocess.DEVNULL,
                                                         stderr=subprocess.DEVNULL).returncode == 0:
            return python
    return None


def clients(bin_dir):
    """The clients to set side by side: (name, seed argv, downloader argv) makers; the missing ones skipped."""
    found = {'ours': (lambda t, d: [f'{bin_dir}/peer', t, '--data', f'{d}/file.bin', '--seed', '--port', '0', '-q',
                                    '--progress', '1000'],
                      lambda t, d: [f'{bin_dir}/peer', t, '--data', f'{d}/file.bin', '--port', '0', '-q',
                                    '--progress', '1000', '--leave-when-done'])}
    skipped = []
    if shutil.which('aria2c'):
        found['aria2c'] = (lambda t, d: ['aria2c', *ARIA2C, f'--dir={d}', '-V', '--seed-ratio=0.0', t],
                           lambda t, d: ['aria2c', *ARIA2C, f'--dir={d}', '--seed-time=0', t])
    else:
        skipped.append('aria2c (not installed: apt-get install aria2)')
    python = libtorrent_python()
    if python:
        script = os.path.join(os.path.dirname(HERE), 'tools', 'lt_client.py')
        found['libtorrent'] = (lambda t, d: [python, script, t, d, '--seed'], lambda t, d: [python, script, t, d])
    else:
        skipped.append('libtorrent (not installed: apt-get install python3-libtorrent)')
    return found, skipped


def loopback_bytes():
    """Bytes sent over loopback so far, in this process's network namespace."""
    with open('/proc/net/dev') as f:
        for line in f:
            name, _, counters = line.partition(':')
            if name.strip() == 'lo':
                return int(counters.split()[8])
    return None


def run_ns(pid):
    total = 0
    try:
        for task in os.listdir(f'/proc/{pid}/task'):
            try:
                with open(f'/proc/{pid}/task/{task}/schedstat') as f:
                    total += int(f.read().split()[0])
            except (OSError, ValueError, IndexError):
                pass
    except OSError:
        return None
    return total


def seed_listed(tracker_port):
    try:
        with urllib.request.urlopen(f'http://127.0.0.1:{tracker_port}/status.txt', timeout=5) as reply:
            return ' seeds=1 ' in reply.read().decode()
    except OSError:
        return False


def one_pair(name, makers, args, work, original, run):
    """One run of one pair; a dict of figures, or a dict with 'problem'."""
    seed_argv, download_argv = makers
    folder = os.path.join(work, f'{name}-{run}')
    seed_dir, download_dir = os.path.join(folder, 'seed'), os.path.join(folder, 'download')
    os.makedirs(seed_dir)
    os.makedirs(download_dir)
    # A file name of its own for every run: a torrent (and an info hash) of its own.
    os.link(original, os.path.join(seed_dir, 'file.bin'))
    children = []
    try:
        tracker = Child('tracker', [f'{args.bin}/tracker', '--port', '0', '--interval', '2', '-q'],
                        os.path.join(folder, 'tracker.log'))
        children.append(tracker)
        port = wait_ready(tracker, 'The server is ready', 10)
        torrent = os.path.join(folder, 'file.torrent')
        made = subprocess.run([f'{args.bin}/make_torrent', os.path.join(seed_dir, 'file.bin'),
                               f'http://127.0.0.1:{port}/announce', '-o', torrent], capture_output=True, text=True)
        if made.returncode != 0:
            return {'problem': f'{name}: make_torrent failed: {made.stderr.strip()}'}
        seed = Child('seed', seed_argv(torrent, seed_dir), os.path.join(folder, 'seed.log'))
        children.append(seed)
        deadline = time.monotonic() + 60
        while not seed_listed(port):
            if time.monotonic() > deadline or not seed.running():
                return {'problem': f'{name}: the seed was not listed by the tracker within 60 s '
                                   f'({seed.last_log_line()})'}
            time.sleep(0.05)
        size = os.path.getsize(original)
        base, seed_cpu_before = loopback_bytes(), run_ns(seed.process.pid)
        marks = {0.1: None, 0.9: None}
        started = time.monotonic()
        downloader = Child('downloader', download_argv(torrent, download_dir), os.path.join(folder, 'download.log'))
        children.append(downloader)
        while downloader.running():
            if time.monotonic() - started > args.pair_timeout:
                return {'problem': f'{name}: the download did not end within {args.pair_timeout:g} s'}
            sent = loopback_bytes()
            now = time.monotonic()
            for fraction in marks:
                if marks[fraction] is None and sent is not None and sent - base >= fraction * size:
                    marks[fraction] = now
            time.sleep(0.002)
        whole = time.monotonic() - started
        seed_cpu = (run_ns(seed.process.pid) - seed_cpu_before) / 1e9
        if downloader.status != 0:
            return {'problem': f'{name}: the downloader ended with status {downloader.status} '
                               f'({downloader.last_log_line()})'}
        if not same_file(original, os.path.join(download_dir, 'file.bin')):
            return {'problem': f'{name}: the downloaded file differs from the original'}
        if None in marks.values() or marks[0.9] <= marks[0.1]:
            return {'problem': f'{name}: the bytes over loopback could not be followed (marks {marks})'}
        return {'rate': 0.8 * size / MIB / (marks[0.9] - marks[0.1]), 'whole_s': whole,
                'download_cpu': downloader.cpu_s / (size / MIB), 'seed_cpu': seed_cpu / (size / MIB)}
    except (RuntimeError, OSError) as e:
        return {'problem': f'{name}: {e}'}
    finally:
        for child in reversed(children):
            child.stop(5)
            child.close()
        shutil.rmtree(folder, ignore_errors=True)


def pairs(args, file_mib=64):
    """Every client's pair, args.runs times, taken in turn: {name: [figures per run]}, and what was skipped."""
    found, skipped = clients(args.bin)
    args.pair_timeout = getattr(args, 'pair_timeout', 120)
    work = os.path.join(swarm_root(), 'build', 'labs', '05', 'pairs')
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    original = os.path.join(work, 'original.bin')
    with open(original, 'wb') as f:
        f.write(os.urandom(file_mib * MIB))
    results = {name: [] for name in found}
    try:
        for run in range(args.runs):
            for name, makers in found.items():
                figures = one_pair(name, makers, args, work, original, run)
                results[name].append(figures)
                print(f'   {name}, run {run + 1}: ' + (figures['problem'] if 'problem' in figures else
                      f'{figures["rate"]:.1f} MiB/s, downloader {figures["download_cpu"]:.4f} CPU-s/MiB, '
                      f'seed {figures["seed_cpu"]:.4f} CPU-s/MiB'), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return {'file_mib': file_mib, 'results': results, 'skipped': skipped}


def swarm_root():
    return os.path.dirname(os.path.dirname(os.path.dirname(HERE)))


def medians(runs):
    """The medians of the runs that worked, or None when none did."""
    good = [r for r in runs if 'problem' not in r]
    if not good:
        return None
    return {key: statistics.median(r[key] for r in good) for key in ('rate', 'whole_s', 'download_cpu', 'seed_cpu')}


def in_own_network(args):
    """As root, the pairs in a network namespace of their own (unshare -n): {figures}, else None."""
    if os.geteuid() != 0 or not shutil.which('unshare') or not shutil.which('ip'):
        return None
    out = os.path.join(swarm_root(), 'build', 'labs', '05', 'pairs.json')
    os.makedirs(os.path.dirname(out), exist_ok=True)
    status = subprocess.run(['unshare', '--net', '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh',
                             sys.executable, os.path.abspath(__file__), '--bin', args.bin, '--runs', str(args.runs),
                             '--json', out, '--in-namespace']).returncode
    if status != 0:
        return None
    with open(out) as f:
        return json.load(f)


def measure(args):
    """The pairs, in a namespace of their own where possible; the figures say where they ran."""
    figures = in_own_network(args)
    if figures is None:
        figures = dict(pairs(args), namespace=False)
    return figures


def main():
    parser = argparse.ArgumentParser(description='One seed and one downloader, 64 MiB, no rate limits: our peer '
                                     'beside aria2c and libtorrent.')
    parser.add_argument('--bin', default=os.path.join(swarm_root(), 'bin'))
    parser.add_argument('--runs', type=int, default=3)
    parser.add_argument('--json', metavar='PATH', help='write the figures to PATH')
    parser.add_argument('--pair-timeout', type=float, default=120, help=argparse.SUPPRESS)
    parser.add_argument('--in-namespace', action='store_true', help=argparse.SUPPRESS)
    args = parser.parse_args()
    figures = dict(pairs(args), namespace=args.in_namespace)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(figures, f)
    for name, runs in figures['results'].items():
        m = medians(runs)
        print(f'{name}: ' + (f'{m["rate"]:.1f} MiB/s, downloader {m["download_cpu"]:.4f} CPU-s/MiB' if m else
                             'no run worked'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
