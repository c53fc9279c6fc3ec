#!/usr/bin/env python3
"""stress_sigint.py - Ctrl-C in the middle of many transfers loses nothing silently.

Starts tcp_server_threaded on a free port, then CLIENTS tcp_client processes,
each streaming the same text through its own connection (text that grows
when uppercased, so the server is still sending after a client has sent
everything). SIGINT reaches the server after DELAY seconds. Then every
client must end (within a deadline) and each one either exits 0 with the
whole answer, byte for byte, or exits non-zero with one line on stderr. A
client that exits 0 with less, or that hangs, is a failure of the contract.

usage: stress_sigint.py [--bin DIR] [--clients N] [--size BYTES] [--delay S] [--backlog N]
Exit status: 0 when every client kept the contract, 1 otherwise.
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time


def text_that_grows(size):
    # 'ŉ' (2 bytes) uppercases to 'ʼN' (3 bytes); the rest is plain ASCII.
    line = 'the quick brown fox \u0149 jumps over the lazy dog \u0149\u0149\n'.encode()
    return (line * (size // len(line) + 1))[:size - (size % len(line))]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--bin', default='bin')
    parser.add_argument('--clients', type=int, default=500)
    parser.add_argument('--size', type=int, default=5_400_000)
    parser.add_argument('--delay', type=float, default=1.5)
    parser.add_argument('--backlog', type=int, default=128, help="the server's listen queue (its default: 128)")
    parser.add_argument('--deadline', type=float, default=60.0, help='seconds every client has to end')
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix='stress_sigint_')
    source = os.path.join(work, 'input.txt')
    data = text_that_grows(args.size)
    with open(source, 'wb') as f:
        f.write(data)
    expected = data.decode().upper().encode()

    server = subprocess.Popen([os.path.join(args.bin, 'tcp_server_threaded'), '--port', '0', '-q',
                               '--max-clients', str(args.clients + 10), '--backlog', str(args.backlog)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ready = server.stdout.readline().decode()
    if 'ready to receive on port' not in ready:
        print(f'stress_sigint: no ready line from the server: {ready!r}', file=sys.stderr)
        return 1
    port = ready.split()[-1]

    # The clients start one after another in a thread of their own, while
    # the stop comes DELAY seconds after the first: most are mid-transfer then.
    clients = []

    def start_clients():
        for i in range(args.clients):
            out = open(os.path.join(work, f'out{i}'), 'wb')
            err = open(os.path.join(work, f'err{i}'), 'wb')
            with open(source, 'rb') as stdin:
                clients.append((subprocess.Popen([os.path.join(args.bin, 'tcp_client'), '127.0.0.1', port],
                                                 stdin=stdin, stdout=out, stderr=err), out, err, i))

    starter = threading.Thread(target=start_clients)
    started = time.monotonic()
    starter.start()
    time.sleep(args.delay)  # the experiment's one timed step: when the stop comes
    server.send_signal(signal.SIGINT)
    try:
        server_status = server.wait(timeout=args.deadline)
    except subprocess.TimeoutExpired:
        server.kill()
        server_status = 'hung'
    starter.join()
    stopped_after = time.monotonic() - started

    whole = cut_and_said = short_but_zero = hung = 0
    examples = []
    end_by = time.monotonic() + args.deadline
    for process, out, err, i in clients:
        try:
            status = process.wait(timeout=max(0.1, end_by - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            hung += 1
            examples.append(f'client {i} still running {args.deadline:.0f} s after the stop')
            continue
        out.close()
        err.close()
        got = open(os.path.join(work, f'out{i}'), 'rb').read()
        said = open(os.path.join(work, f'err{i}'), 'rb').read().decode(errors='replace').strip()
        if status == 0 and got == expected:
            whole += 1
        elif status == 0:
            short_but_zero += 1
            examples.append(f'client {i} exit 0 with {len(got)} of {len(expected)} bytes')
        else:
            cut_and_said += 1
            if said.count('\n') != 0 or not said:
                examples.append(f'client {i} exit {status} with stderr {said!r} (not one line)')

    print(f'{args.clients} clients streaming {len(data):,} bytes each; SIGINT after {args.delay} s; '
          f'server exit {server_status} after {stopped_after:.1f} s')
    print(f'  whole answer, exit 0:      {whole}')
    print(f'  cut short, exit non-zero:  {cut_and_said}')
    print(f'  cut short, exit 0:         {short_but_zero}   (must be 0)')
    print(f'  still running at the end:  {hung}   (must be 0)')
    for line in examples[:10]:
        print('  ' + line)
    bad_lines = sum(1 for e in examples if 'not one line' in e)
    ok = server_status == 0 and short_but_zero == 0 and hung == 0 and bad_lines == 0
    subprocess.run(['rm', '-rf', work])
    print('stress_sigint: ' + ('ok' if ok else 'FAILED'))
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
