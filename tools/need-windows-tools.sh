#!/bin/sh
# Makes sure the Windows cross compiler (and, with "wine", Wine) is installed:
# on Debian/Ubuntu as root, apt installs what is missing; anywhere else, one
# line says what to install.
want=$1
missing=""
command -v x86_64-w64-mingw32-g++-posix >/dev/null 2>&1 || missing="$missing g++-mingw-w64-x86-64-posix"
if [ "$want" = wine ]; then
    command -v wine >/dev/null 2>&1 || missing="$missing wine64 wine"
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing$missing with apt-get (a few minutes the first time)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing; } >/dev/null ||
        { echo "error: apt-get install$missing failed" >&2; exit 1; }
    exit 0
fi
echo "error: the Windows build needs:$missing (Debian/Ubuntu: sudo apt-get install$missing; or build on Windows with MSYS2, see README)" >&2
exit 1
