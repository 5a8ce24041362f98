// ringfenced's process life as an ordered list of startup steps (config, numbering plan,
// engine, decision log, listeners), the run loop, and a teardown that always runs:
// on SIGTERM/SIGINT stop accepting, answer every line already read, flush the log, exit 0.
#pragma once

#include "app/command_line.hpp"

namespace ringfence::app {

// Runs the daemon (or only the checks with --check); returns the process exit code.
int run_daemon(const daemon_options& options);

}  // namespace ringfence::app
