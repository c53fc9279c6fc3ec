#!/bin/sh
# Makes sure doctest's header is installed: on Debian/Ubuntu as root, apt
# installs it; anywhere else, one line says what to install.
# With --path, prints where doctest/doctest.h is.
find_header() {
    for dir in /usr/include /usr/local/include /opt/homebrew/include /ucrt64/include /mingw64/include; do
        if [ -f "$dir/doctest/doctest.h" ]; then
            echo "$dir/doctest/doctest.h"
            return 0
        fi
    done
    return 1
}
if ! header=$(find_header); then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "doctest is missing: installing doctest-dev with apt-get" >&2
        { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq doctest-dev; } >/dev/null ||
            { echo "error: apt-get install doctest-dev failed" >&2; exit 1; }
        header=$(find_header) || exit 1
    else
        echo "error: the tests need doctest: install it (Debian/Ubuntu: sudo apt-get install doctest-dev; macOS: brew install doctest)" >&2
        exit 1
    fi
fi
[ "$1" = --path ] && echo "$header"
exit 0
