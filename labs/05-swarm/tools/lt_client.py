#!/usr/bin/env python3
# lt_client.py - libtorrent (python3-libtorrent, Debian) as a plain
# BitTorrent client, for the benchmark that sets our peer beside it:
#
#   python3 lt_client.py TORRENT DIR [--seed]
#
# TCP only (no uTP), no DHT, no local discovery, no UPnP: it finds peers
# through the torrent's tracker only. Prints "ready" once the torrent is
# added (a seed: once its data is checked), "complete" when it has the whole
# file; a downloader then exits, a seed runs until it is stopped (Ctrl-C).
# Exit status 2 when libtorrent is not installed.
import sys
import time

try:
    import libtorrent as lt
except ImportError:
    print('lt_client: libtorrent is not installed (Debian: apt-get install python3-libtorrent)', file=sys.stderr)
    sys.exit(2)


def main(argv):
    if len(argv) not in (2, 3) or (len(argv) == 3 and argv[2] != '--seed'):
        print('usage: lt_client.py TORRENT DIR [--seed]', file=sys.stderr)
        return 2
    torrent, directory, seed = argv[0], argv[1], len(argv) == 3
    session = lt.session({'listen_interfaces': '127.0.0.1:0', 'enable_dht': False, 'enable_lsd': False,
                          'enable_upnp': False, 'enable_natpmp': False, 'enable_incoming_utp': False,
                          'enable_outgoing_utp': False, 'alert_mask': 0})
    handle = session.add_torrent({'ti': lt.torrent_info(torrent), 'save_path': directory})
    if seed:
        while handle.status().state in (lt.torrent_status.checking_files, lt.torrent_status.checking_resume_data):
            time.sleep(0.01)
    print('ready', flush=True)
    try:
        while not handle.status().is_seeding:
            time.sleep(0.01)
        print('complete', flush=True)
        while seed:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
