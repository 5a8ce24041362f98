#include "app/command_line.hpp"

#include <fmt/format.h>

#include <string_view>

namespace ringfence::app {

bool parse_daemon_options(int argc, char** argv, daemon_options& out, std::string& error) {
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        auto value = [&](std::string& into) {
            if (i + 1 >= argc) {
                error = fmt::format("{} needs a value", a);
                return false;
            }
            into = argv[++i];
            return true;
        };
        if (a == "--config" || a == "-c") {
            if (!value(out.config_file)) return false;
        } else if (a.rfind("--config=", 0) == 0) {
            out.config_file = std::string(a.substr(9));
        } else if (a == "--set") {
            std::string text;
            if (!value(text)) return false;
            config_override o;
            if (!parse_override(text, o, error)) return false;
            out.overrides.push_back(o);
        } else if (a == "--check") {
            out.check_only = true;
        } else if (a == "--help" || a == "-h") {
            out.help = true;
        } else if (a == "--version") {
            out.version = true;
        } else {
            error = fmt::format("unknown argument '{}' (see --help)", a);
            return false;
        }
    }
    return true;
}

std::string daemon_usage() {
    return "usage: ringfenced [--config FILE] [--set key.path=value]... [--check]\n"
           "  --config FILE   configuration (default /etc/ringfence/ringfence.yaml)\n"
           "  --set K=V       override one configuration key, e.g. --set decision_log.durability=async\n"
           "  --check         validate the configuration and everything it loads, then exit 0 or 1\n"
           "  --version       print the version\n";
}

}  // namespace ringfence::app
