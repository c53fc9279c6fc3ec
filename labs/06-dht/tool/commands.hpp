// commands.hpp - lab 06: the dht tool's commands, one a line, on a ring
// that runs in this process.
#pragma once

#include "../peer/host.hpp"

namespace dht {

// The ring as it starts: m, each peer's address, how queries go.
void describe_ring(const host& ring, bool joined);

// Reads and runs commands from standard input (or file descriptor `input`)
// until it ends (or 'quit'); the peers keep running meanwhile. What they print
// goes to stdout. Returns the exit status: 0, or 1 if a command was wrong (a
// script would want to know).
int read_commands(host& ring, bool whole_ring_here, int input = 0);

}  // namespace dht
