// ringfenced: the ringfence daemon.
#include <sys/stat.h>

#include <cstdio>

#include "app/command_line.hpp"
#include "app/daemon.hpp"

int main(int argc, char** argv) {
    ringfence::app::daemon_options options;
    std::string error;
    if (!ringfence::app::parse_daemon_options(argc, argv, options, error)) {
        std::fprintf(stderr, "ringfenced: %s\n", error.c_str());
        return 2;
    }
    if (options.help) {
        std::fputs(ringfence::app::daemon_usage().c_str(), stdout);
        return 0;
    }
    if (options.version) {
        std::puts("ringfenced " RINGFENCE_VERSION);
        return 0;
    }
    // The decision log holds subscribers' numbers (and, where configured, message texts):
    // what the daemon creates is for its user and its group (auditors), never for everyone,
    // whatever umask it was started with. The systemd unit sets the same (UMask=0027).
    ::umask(::umask(0) | 027);
    return ringfence::app::run_daemon(options);
}
