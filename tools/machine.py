# machine.py - the machine a measurement ran on, and how busy it was meanwhile:
# shared by make bench (bench/run_bench.py, bench/report.py) and make
# lab05-bench (labs/05-swarm/runner/swarm_bench.py). Linux only: it reads /proc.
import datetime
import os
import platform
import subprocess


def first_line(argv):
    """The first line a program prints (say `g++ --version`), or 'not found'."""
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=10).stdout.splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return 'not found'


def description(compilers):
    """The report's machine lines; `compilers` is its compiler line, e.g. 'Compiler: g++ 12.2.0'."""
    cpu = 'unknown'
    with open('/proc/cpuinfo') as f:
        for line in f:
            if line.startswith('model name'):
                cpu = line.split(':', 1)[1].strip()
                break
    with open('/proc/meminfo') as f:
        mem_kib = int(f.readline().split()[1])
    return [f'- CPU: {cpu}, {os.cpu_count()} logical cores',
            f'- Memory: {mem_kib / 2**20:.1f} GiB',
            f'- Kernel: {platform.system()} {platform.release()}',
            f'- {compilers}',
            f'- Python: {platform.python_version()}',
            f'- Date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M UTC}']


def busy():
    """(busy, stolen) CPU seconds of the whole machine since boot, from /proc/stat."""
    with open('/proc/stat') as f:
        user, nice, system, idle, iowait, irq, softirq, steal = (int(x) for x in f.readline().split()[1:9])
    tick = os.sysconf('SC_CLK_TCK')
    return (user + nice + system + irq + softirq) / tick, steal / tick


def own_cpu():
    """CPU seconds of this process and every process it started and waited for."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system
