# swarm_run.py - one swarm on this machine, measured: a tracker, one seed and
# N peers, each a process with its own port and rates, watched until every
# peer has the file; then every file is compared with the original, byte for
# byte, and everything is stopped with Ctrl-C.
#
# Times: the swarm's clock starts when the first peer is started (the seed
# is already there, as in the lecture's model: the server has the file at
# time 0). A peer's completion time is its own "complete t=" (seconds since
# it started) plus when it was started; the swarm's is the last of them.
import dataclasses
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

import swarm_procs

PEER_READY = 'The peer is ready to receive on port'
TRACKER_READY = 'The server is ready to receive on port'


@dataclasses.dataclass
class Swarm:
    """What to run. Rates are text as lab 04 and the peer read them ("1MiB/s")."""
    bin_dir: str
    peers: int
    file_size: int                 # F in bytes
    seed_upload: str               # us
    upload: str                    # u, each peer
    download: str                  # d, each peer
    mode: str = 'p2p'              # 'client-server': peers upload nothing, the seed serves all at once
    free_riders: int = 0           # the last K peers upload nothing (ui = 0)
    picker: str = 'rarest'
    choker: str = 'tit-for-tat'
    time_scale: float = 0.1        # the choker's 10 s and 30 s, times this
    seed_leaves: bool = False      # the seed leaves once every piece has been uploaded once
    selfish: bool = False          # peers leave as soon as they have the file
    stay: float = None             # ... or stay this many seconds after it (None: until the end)
    interval: int = 2              # the tracker's announce interval, seconds
    timeout: float = 300           # give up after this long
    stall: float = 15              # ... or after this long without a new piece anywhere
    keep: str = None               # keep the files (data, torrent, logs) in this folder
    logs: bool = False             # peers write their log lines (else -q)
    piece_length: int = 262144     # bytes, for make_torrent (its default)

    def rates(self, i):
        """(upload, download) of peer i (0-based), as text."""
        free = self.mode == 'client-server' or i >= self.peers - self.free_riders
        return ('0' if free else self.upload), self.download

    def role(self, i):
        if self.mode == 'client-server':
            return 'client'
        return 'free rider' if i >= self.peers - self.free_riders else 'peer'


@dataclasses.dataclass
class PeerState:
    name: str
    child: object = None
    pieces: tuple = (0, 0)     # have, of
    figures: dict = dataclasses.field(default_factory=dict)  # the last progress line
    complete_s: float = None   # on the swarm's clock
    left_s: float = None       # when it ended (selfish peers, the leaving seed)
    file_ok: bool = False      # its file is the original, byte for byte


def _progress_fields(line):
    """'progress t=1.5 pieces=3/32 down=...' -> {'t': 1.5, 'pieces': (3, 32), 'down': ...}"""
    fields = {}
    for word in line.split()[1:]:
        key, _, value = word.partition('=')
        if key == 'pieces':
            have, _, total = value.partition('/')
            fields[key] = (int(have), int(total))
        else:
            try:
                fields[key] = float(value)
            except ValueError:
                pass
    return fields


def write_file(path, size, seed=2025):
    """The file to distribute: pseudo-random bytes, the same for the same size and seed."""
    generator = random.Random(seed)
    with open(path, 'wb') as f:
        left = size
        while left > 0:
            chunk = min(left, 1 << 20)
            f.write(generator.randbytes(chunk))
            left -= chunk


def same_file(a, b):
    if not os.path.exists(b) or os.path.getsize(a) != os.path.getsize(b):
        return False
    with open(a, 'rb') as fa, open(b, 'rb') as fb:
        while True:
            x, y = fa.read(1 << 20), fb.read(1 << 20)
            if x != y:
                return False
            if not x:
                return True


class Run:
    """One swarm from start to end; .result is what was measured."""

    def __init__(self, swarm, display):
        self.sw, self.display = swarm, display
        self.work = swarm.keep or tempfile.mkdtemp(prefix='swarm-')
        os.makedirs(self.work, exist_ok=True)
        self.children, self.peers, self.problems = [], [], []
        self.seed = PeerState('seed')
        self.tracker = None
        self.t0, self.start_spread, self.status_text = None, None, ''

    def binary(self, name):
        return os.path.join(self.sw.bin_dir, name)

    def start(self, name, argv):
        child = swarm_procs.Child(name, argv, os.path.join(self.work, name + '.log'))
        self.children.append(child)
        return child

    def peer_argv(self, data, upload, download, extra):
        argv = [self.binary('peer'), self.torrent, '--data', data, '--port', '0', '--upload-rate', upload,
                '--time-scale', f'{self.sw.time_scale:g}', '--picker', self.sw.picker, '--progress', '0.5']
        if download is not None:  # a seed downloads nothing
            argv += ['--download-rate', download]
        return argv + extra + ([] if self.sw.logs else ['-q'])

    def setup(self):
        """Tracker, torrent, seed: everything before the swarm's clock starts."""
        sw = self.sw
        self.original = os.path.join(self.work, 'file.bin')
        write_file(self.original, sw.file_size)
        self.tracker = self.start('tracker', [self.binary('tracker'), '--port', '0', '--interval', str(sw.interval),
                                              '-q'])
        swarm_procs.wait_ready(self.tracker, TRACKER_READY, 10)
        self.display.note(f'tracker: its status page is http://127.0.0.1:{self.tracker.port}/')
        self.torrent = os.path.join(self.work, 'file.torrent')
        made = subprocess.run([self.binary('make_torrent'), self.original,
                                           f'http://127.0.0.1:{self.tracker.port}/announce', '-o', self.torrent,
                                           '--piece-length', str(sw.piece_length)],
                                          capture_output=True, text=True, timeout=60)
        if made.returncode != 0:
            raise RuntimeError(f'make_torrent: {made.stderr.strip()}')
        # A server serves every client at once; in a swarm the seed chokes as the peers do.
        seed_choker = 'all' if sw.mode == 'client-server' else sw.choker
        extra = ['--seed', '--choker', seed_choker] + (['--leave-after-one-copy'] if sw.seed_leaves else [])
        self.seed.child = self.start('seed', self.peer_argv(self.original, sw.seed_upload, None, extra))
        swarm_procs.wait_ready(self.seed.child, PEER_READY, 60)

    def start_peers(self):
        sw = self.sw
        self.t0 = time.monotonic()
        for i in range(sw.peers):
            upload, download = sw.rates(i)
            name = f'p{i + 1:02d}'
            extra = ['--choker', sw.choker]
            if sw.selfish:
                extra.append('--leave-when-done')
            elif sw.stay is not None:
                extra += ['--stay', f'{sw.stay:g}']
            argv = self.peer_argv(os.path.join(self.work, name + '.bin'), upload, download, extra)
            self.peers.append(PeerState(name, self.start(name, argv)))
        self.start_spread = time.monotonic() - self.t0

    def take(self, state, line):
        child = state.child
        if child.port is None:
            if not line.startswith(PEER_READY):
                self.problems.append(f'{state.name}: its first line is not the ready line: {line!r}')
            else:
                child.port = int(line.split()[-1])
        elif line.startswith('progress '):
            state.figures = _progress_fields(line)
            state.pieces = state.figures.get('pieces', state.pieces)
        elif line.startswith('complete t=') and state is not self.seed and state.complete_s is None:
            state.complete_s = child.started + float(line.split('=', 1)[1]) - self.t0
            state.pieces = (state.pieces[1], state.pieces[1]) if state.pieces[1] else state.pieces

    def watch(self):
        """Until every peer has completed, one has failed, or nothing moves any more."""
        sw, by_child = self.sw, {s.child: s for s in self.peers + [self.seed]}
        deadline, last_change, last_total = self.t0 + sw.timeout, time.monotonic(), -1
        next_look = 0
        while True:
            for child, line in swarm_procs.read_lines(list(by_child), 0.1):
                self.take(by_child[child], line)
            now = time.monotonic()
            if now >= next_look:  # peak memory, twice a second
                next_look = now + 0.5
                for child in self.children:
                    if child.running():
                        child.sample_memory()
            for state in self.peers + [self.seed]:
                if state.left_s is None and not state.child.running():
                    while not state.child.output_ended:  # its last lines ("complete t=...") first
                        for line in state.child.read_available():
                            self.take(state, line)
                    state.left_s = now - self.t0
                    if state.complete_s is None and state is not self.seed:
                        self.problems.append(f'{state.name} ended (status {state.child.status}) without the file: '
                                             f'{state.child.last_log_line()}')
                    elif state.child.status != 0:
                        self.problems.append(f'{state.name} ended with status {state.child.status}: '
                                             f'{state.child.last_log_line()}')
            self.display.update(self, now - self.t0)
            if all(p.complete_s is not None for p in self.peers) or self.problems:
                return
            total = sum(p.pieces[0] for p in self.peers)
            if total != last_total:
                last_total, last_change = total, now
            if now > deadline:
                self.problems.append(f'not complete after {sw.timeout:g} s')
                return
            if now - last_change > sw.stall:
                self.problems.append(f'stuck: no peer got a piece for {sw.stall:g} s '
                                     f'({sum(p.complete_s is not None for p in self.peers)} of {sw.peers} complete)')
                return

    def tracker_status(self):
        try:
            with urllib.request.urlopen(f'http://127.0.0.1:{self.tracker.port}/status.txt', timeout=5) as reply:
                return reply.read().decode()
        except OSError as e:
            return f'(the status page could not be read: {e})'

    def finish(self):
        """Stop everything (Ctrl-C), then check the files and collect the figures."""
        self.status_text = self.tracker_status() if self.tracker else ''
        for state in self.peers + [self.seed]:
            if state.child is not None and state.child.status is None:
                problem = state.child.stop()
                if problem:
                    self.problems.append(problem)
        if self.tracker:
            problem = self.tracker.stop()
            if problem:
                self.problems.append(problem)
        for state in self.peers:
            state.file_ok = same_file(self.original, os.path.join(self.work, state.name + '.bin'))
            if state.complete_s is not None and not state.file_ok:
                self.problems.append(f'{state.name} said complete, but its file differs from the original')

    def result(self):
        sw = self.sw
        done = [p.complete_s for p in self.peers]
        complete = all(t is not None for t in done) and all(p.file_ok for p in self.peers)

        def figures(state, **more):
            c = state.child
            return dict(name=state.name, cpu_s=c.cpu_s if c else None, max_rss_kib=c.max_rss_kib if c else None,
                        status=c.status if c else None, **more)
        return dict(
            config=dataclasses.asdict(sw),
            complete=complete and not self.problems,
            swarm_s=max(done) if complete else None,
            start_spread_s=self.start_spread,
            problems=list(self.problems),
            peers=[figures(p, role=sw.role(i), upload=sw.rates(i)[0], download=sw.rates(i)[1],
                           complete_s=p.complete_s, left_s=p.left_s, file_ok=p.file_ok, pieces=p.pieces)
                   for i, p in enumerate(self.peers)],
            seed=figures(self.seed, left_s=self.seed.left_s, upload=sw.seed_upload),
            tracker=figures(PeerState('tracker', self.tracker)) if self.tracker else None,
            tracker_status=self.status_text,
            work=self.work if sw.keep else None)

    def close(self):
        for child in self.children:
            child.close()
        if not self.sw.keep:
            shutil.rmtree(self.work, ignore_errors=True)


def run_swarm(swarm, display):
    """Runs one swarm; returns the result dict (see Run.result)."""
    run = Run(swarm, display)
    try:
        run.setup()
        run.start_peers()
        run.watch()
        run.finish()
        display.done(run)
        return run.result()
    except RuntimeError as e:
        run.problems.append(str(e))
        run.finish()
        return run.result()
    finally:
        run.close()


# ---------------------------------------------------------------- what the terminal shows

def _rate(bytes_per_s):
    return '-' if bytes_per_s is None else f'{bytes_per_s / 2**20:4.1f} MiB/s'


class Display:
    """A progress line per peer: redrawn in place on a terminal (ANSI escapes),
    printed every `every` seconds otherwise (0: only when a peer completes)."""

    def __init__(self, live, every=2.0, out=sys.stdout):
        self.live, self.every, self.out = live, every, out
        self.drawn = 0             # lines of the block on screen
        self.next_print = 0 if live else every
        self.said_complete = set()

    def lines(self, run, t):
        states = run.peers + [run.seed]
        width = shutil.get_terminal_size((100, 20)).columns - 1
        done = sum(p.complete_s is not None for p in run.peers)
        head = f't = {t:6.1f} s   {done}/{len(run.peers)} peers complete'
        rows = [head]
        for state in states:
            f = state.figures
            if state is run.seed:
                what = 'left' if state.left_s is not None else 'seeding'
                row = f'{state.name:>5}  {what:<8} up {_rate(f.get("up_rate"))}   peers {f.get("peers", 0):.0f}'
            elif state.complete_s is not None:
                row = f'{state.name:>5}  complete at {state.complete_s:.3f} s'
            elif not state.pieces[1]:
                row = f'{state.name:>5}  starting'
            else:
                have, total = state.pieces
                bar = '#' * (20 * have // total) if total else ''
                row = (f'{state.name:>5}  [{bar:<20}] {have:>4}/{total:<4} down {_rate(f.get("down_rate"))}  '
                       f'up {_rate(f.get("up_rate"))}  peers {f.get("peers", 0):.0f}  '
                       f'unchoked {f.get("unchoked", 0):.0f}')
            rows.append(row[:width])
        return rows

    def note(self, text):
        """A line before the progress (not in a sweep's short output)."""
        if self.live or self.every > 0:
            print(text, file=self.out, flush=True)

    def update(self, run, t):
        if self.live:
            if t < self.next_print:
                return
            self.next_print = t + 0.25
            rows = self.lines(run, t)
            text = (f'\x1b[{self.drawn}A' if self.drawn else '') + ''.join(f'\x1b[2K{r}\n' for r in rows)
            self.out.write(text)
            self.out.flush()
            self.drawn = len(rows)
            return
        for p in run.peers:
            if p.complete_s is not None and p.name not in self.said_complete:
                self.said_complete.add(p.name)
                if self.every > 0:
                    print(f'[{t:6.1f} s] {p.name} complete at {p.complete_s:.3f} s', file=self.out, flush=True)
        if self.every > 0 and t >= self.next_print:
            self.next_print = t + self.every
            for row in self.lines(run, t)[1:]:
                if 'complete at' not in row:
                    print(f'[{t:6.1f} s] {row.strip()}', file=self.out, flush=True)

    def done(self, run):
        if self.live:  # the block as it ends, left on the screen
            self.next_print = 0
            self.update(run, time.monotonic() - run.t0)
        self.drawn, self.next_print = 0, 0 if self.live else self.every
        self.said_complete = set()
