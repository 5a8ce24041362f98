// ringfenced's command line: --config FILE, --set key=value (repeatable), --check, --help, --version.
#pragma once

#include <string>
#include <vector>

#include "app/daemon_config.hpp"

namespace ringfence::app {

struct daemon_options {
    std::string config_file = "/etc/ringfence/ringfence.yaml";
    std::vector<config_override> overrides;
    bool check_only = false;
    bool help = false;
    bool version = false;
};

// Returns false with error set when the arguments are wrong.
bool parse_daemon_options(int argc, char** argv, daemon_options& out, std::string& error);
std::string daemon_usage();

}  // namespace ringfence::app
