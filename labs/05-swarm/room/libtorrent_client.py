"""libtorrent_client.py - libtorrent, on its default settings, downloads a
torrent into the current folder (room.sh's student at 10.77.0.22).

    python3 libtorrent_client.py TORRENT

Prints libtorrent's version, then one line a second, and exits 0 once it
has the whole file, checked (room.sh stops it; it would seed on).
"""
import sys
import time

import libtorrent as lt

print("libtorrent", lt.__version__, flush=True)
session = lt.session()  # the default settings: TCP and uTP, DHT, local discovery, encryption allowed
handle = session.add_torrent({"ti": lt.torrent_info(sys.argv[1]), "save_path": "."})
start = time.monotonic()
complete = False
while True:
    status = handle.status()
    print(f"t={time.monotonic() - start:.1f} progress={status.progress * 100:.1f}% peers={status.num_peers} "
          f"state={status.state}", flush=True)
    if status.is_seeding and not complete:
        complete = True
        print(f"complete t={time.monotonic() - start:.3f}", flush=True)
    time.sleep(1)
