#!/bin/sh
# Two rules that keep the sources portable, checked by reading them:
#  - every #ifdef _WIN32 of the project is in common/platform.*;
#  - no socket handle is compared with < 0 (Winsock's SOCKET is unsigned:
#    compare with platform::invalid_socket instead).
cd "$(dirname "$0")/.." || exit 1
status=0
sources=$(git ls-files '*.cpp' '*.hpp' '*.h' '*.c' 2>/dev/null || find . -name '*.[ch]pp')
outside=$(grep -ln '_WIN32' $sources | grep -v '^common/platform\.' || true)
if [ -n "$outside" ]; then
    echo "_WIN32 outside common/platform.*: $outside" >&2
    status=1
fi
negative=$(grep -nE '(handle|socket|Socket|accepted)[A-Za-z_]*(\(\))?[[:space:]]*<[[:space:]]*0' $sources || true)
if [ -n "$negative" ]; then
    echo "a socket handle compared with < 0 (SOCKET is unsigned on Windows):" >&2
    echo "$negative" >&2
    status=1
fi
[ $status = 0 ] && echo "portability rules: ok"
exit $status
