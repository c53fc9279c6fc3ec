# svgplot.py - the scaling plot as hand-written SVG (no plotting library).
#
# Two panels over the same x axis (concurrent clients, logarithmic):
# throughput on top, resident memory below. One line per server.
import math

WIDTH, PANEL_H, LEFT, RIGHT, TOP, GAP = 720, 230, 80, 170, 40, 70
COLOURS = {'tcp_server_threaded': '#1f5fbf', 'floor': '#888888'}
DASHES = {'tcp_server_threaded': '', 'floor': ' stroke-dasharray="6 4"'}


def _nice_max(value):
    """A round number just above value, for the top of an axis."""
    if value <= 0:
        return 1.0
    step = 10 ** math.floor(math.log10(value))
    for m in (1, 2, 2.5, 5, 10):
        if m * step >= value * 1.05:
            return m * step
    return 10 * step


def _esc(text):
    return str(text).replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')


class _Panel:
    def __init__(self, top, xs, y_max, title, unit):
        self.top, self.xs, self.y_max, self.title, self.unit = top, xs, y_max, title, unit
        self.x0, self.x1 = LEFT, WIDTH - RIGHT
        self.lx0, self.lx1 = math.log10(min(xs)), math.log10(max(xs))

    def x(self, clients):
        return self.x0 + (math.log10(clients) - self.lx0) / (self.lx1 - self.lx0) * (self.x1 - self.x0)

    def y(self, value):
        return self.top + PANEL_H - value / self.y_max * PANEL_H

    def axes(self):
        out = [f'<text x="{self.x0}" y="{self.top - 12}" font-weight="bold">{_esc(self.title)}</text>']
        for i in range(6):
            value = self.y_max * i / 5
            y = self.y(value)
            out.append(f'<line x1="{self.x0}" y1="{y:.1f}" x2="{self.x1}" y2="{y:.1f}" stroke="#e4e4e4"/>')
            out.append(f'<text x="{self.x0 - 8}" y="{y + 4:.1f}" text-anchor="end">{value:,.{_digits(self.y_max)}f}</text>')
        bottom = self.top + PANEL_H
        for c in self.xs:
            x = self.x(c)
            out.append(f'<line x1="{x:.1f}" y1="{self.top}" x2="{x:.1f}" y2="{bottom}" stroke="#f0f0f0"/>')
            out.append(f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle">{c:,}</text>')
        out.append(f'<rect x="{self.x0}" y="{self.top}" width="{self.x1 - self.x0}" height="{PANEL_H}" '
                   f'fill="none" stroke="#444"/>')
        out.append(f'<text x="{self.x0 - 62}" y="{self.top + PANEL_H / 2:.0f}" text-anchor="middle" '
                   f'transform="rotate(-90 {self.x0 - 62} {self.top + PANEL_H / 2:.0f})">{_esc(self.unit)}</text>')
        return out

    def line(self, name, points):
        if not points:
            return []
        path = ' '.join(f'{self.x(c):.1f},{self.y(v):.1f}' for c, v in points)
        colour = COLOURS.get(name, '#c03030')
        out = [f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{DASHES.get(name, "")}/>']
        for c, v in points:
            out.append(f'<circle cx="{self.x(c):.1f}" cy="{self.y(v):.1f}" r="3" fill="{colour}"/>')
        return out


def _digits(y_max):
    return 0 if y_max >= 10 else 1


def scaling_svg(series, title):
    """series: {server: [(clients, req_per_s, rss_mib), ...]} -> SVG text."""
    xs = sorted({c for points in series.values() for c, _, _ in points}) or [1, 10]
    top_max = _nice_max(max((r for p in series.values() for _, r, _ in p), default=1))
    mem_max = _nice_max(max((m for p in series.values() for _, _, m in p), default=1))
    throughput = _Panel(TOP + 20, xs, top_max, 'Throughput (requests answered per second)', 'requests / s')
    memory = _Panel(TOP + 20 + PANEL_H + GAP, xs, mem_max, 'Server memory while all clients are connected (VmRSS)',
                    'MiB')
    height = memory.top + PANEL_H + 50
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{WIDTH}" height="{height}" fill="white"/>',
           f'<text x="{WIDTH / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">{_esc(title)}</text>']
    out += throughput.axes() + memory.axes()
    for name, points in series.items():
        out += throughput.line(name, [(c, r) for c, r, _ in points])
        out += memory.line(name, [(c, m) for c, _, m in points])
    out.append(f'<text x="{(LEFT + WIDTH - RIGHT) / 2}" y="{height - 12}" text-anchor="middle">'
               f'concurrent clients (connections held open at once, log scale)</text>')
    for i, name in enumerate(series):
        y = TOP + 40 + 20 * i
        x = WIDTH - RIGHT + 15
        colour = COLOURS.get(name, '#c03030')
        out.append(f'<line x1="{x}" y1="{y}" x2="{x + 26}" y2="{y}" stroke="{colour}" stroke-width="2"'
                   f'{DASHES.get(name, "")}/>')
        out.append(f'<text x="{x + 32}" y="{y + 4}">{_esc(name)}</text>')
    out.append('</svg>')
    return '\n'.join(out) + '\n'
