#!/bin/sh
# Makes sure doctest's header is installed: on Debian/Ubuntu as root, apt
# installs it; anywhere else, one line says what to install.
for dir in /usr/include /usr/local/include /opt/homebrew/include; do
    [ -f "$dir/doctest/doctest.h" ] && exit 0
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "doctest is missing: installing doctest-dev with apt-get"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq doctest-dev; } >/dev/null ||
        { echo "error: apt-get install doctest-dev failed" >&2; exit 1; }
    exit 0
fi
echo "error: the tests need doctest: install it (Debian/Ubuntu: sudo apt-get install doctest-dev; macOS: brew install doctest)" >&2
exit 1
