// ringfence: the command line for operators, rule authors and auditors.
#include <sys/stat.h>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "tools/ringfence/commands.hpp"

namespace {

// A command's description starts at column 28, on the command's line when it fits, else on
// the next: readable in a terminal, and the layout help2man turns into the man page's list.
constexpr const char* usage =
    "usage: ringfence [--config FILE] [--set key=value]... COMMAND ARGS\n"
    "\n"
    "--config and --set may also follow the command.\n"
    "\n"
    "Commands:\n"
    "  normalize NUMBER...       show how the numbering plan reads each number (one JSON object\n"
    "                            each)\n"
    "  decide [--explain] [FILE]\n"
    "                            decide JSON-lines records offline (stdin by default); print the\n"
    "                            decision lines\n"
    "  replay [--output records|decisions] [--pace file|full] FILE...\n"
    "                            decode SIP and SMPP from pcap/pcapng captures and decide it (or\n"
    "                            print the records); counters to stderr (docs/capture.md)\n"
    "  rules check [--json] PATH...\n"
    "                            validate rule packs (errors at file:line:column)\n"
    "  rules test PATH...        run the test cases the packs carry\n"
    "  state show|reset KEY      inspect or clear one subject's window state in the running\n"
    "                            daemon\n"
    "  subscribers import|due|show|schema\n"
    "                            the subscriber-verification database (docs/subscribers.md)\n"
    "  lists create|import|add|remove|show|audit ...\n"
    "                            the intelligence lists (police, bank, spam reports), audited;\n"
    "                            `ringfence lists` for details\n"
    "  bench ingest [OPTIONS]    load-test ringfenced over TCP and report records/s, latency and\n"
    "                            log rows/s\n"
    "  bench engine [OPTIONS]    the rule engine alone: records/s per core, bytes per key, reload\n"
    "                            time\n"
    "  bench subscribers [OPTIONS]\n"
    "                            import, index and look up N generated subscribers; engine\n"
    "                            records/s with and without\n"
    "  bench replay FILE [--repeat N] [--runs R]\n"
    "                            decode and decide a capture from memory: packets/s, SIP\n"
    "                            messages/s; with --runs, the median and best of R runs\n"
    "  bench smpp [OPTIONS]      the SMPP and HEP decoders alone: PDUs/s into records, HEP\n"
    "                            packets/s parsed\n"
    "  version                   print the version\n";

}  // namespace

int main(int argc, char** argv) {
    // The databases it creates (subscribers, intelligence lists, the decision log's
    // audit rows) hold subscribers' data: its user and group only, as the daemon's.
    ::umask(::umask(0) | 027);
    if (argc < 2) {
        std::fputs(usage, stderr);
        return 2;
    }
    // --config and --set may come before the command too (`ringfence --config F lists show`):
    // every command reads them wherever they stand among its arguments.
    std::vector<std::string> leading;
    int at = 1;
    while (at < argc) {
        const std::string_view a = argv[at];
        if ((a == "--config" || a == "--set") && at + 1 < argc) {
            leading.emplace_back(a);
            leading.emplace_back(argv[at + 1]);
            at += 2;
        } else if (a.rfind("--config=", 0) == 0) {
            leading.emplace_back(a);
            ++at;
        } else {
            break;
        }
    }
    if (at >= argc) {
        std::fputs(usage, stderr);
        return 2;
    }
    const std::string_view command = argv[at];
    std::vector<std::string> args(argv + at + 1, argv + argc);
    // Before the command's own options, so that those, later on the line, win as they would
    // after each other; after the subcommand word of a command that has one ("lists show"),
    // and not at all when that word is missing (the command then shows its usage).
    const bool has_subcommand = command == "rules" || command == "state" || command == "subscribers" || command == "lists" || command == "bench";
    if (!has_subcommand) {
        args.insert(args.begin(), leading.begin(), leading.end());
    } else if (!args.empty()) {
        args.insert(args.begin() + 1, leading.begin(), leading.end());
    }
    if (command == "normalize") return ringfence::cli::cmd_normalize(std::move(args));
    if (command == "decide") return ringfence::cli::cmd_decide(std::move(args));
    if (command == "replay") return ringfence::cli::cmd_replay(std::move(args));
    if (command == "bench") return ringfence::cli::cmd_bench(std::move(args));
    if (command == "rules") return ringfence::cli::cmd_rules(std::move(args));
    if (command == "state") return ringfence::cli::cmd_state(std::move(args));
    if (command == "subscribers") return ringfence::cli::cmd_subscribers(std::move(args));
    if (command == "lists") return ringfence::cli::cmd_lists(std::move(args));
    if (command == "version" || command == "--version") {
        std::puts("ringfence " RINGFENCE_VERSION);
        return 0;
    }
    if (command == "help" || command == "--help" || command == "-h") {
        std::fputs(usage, stdout);
        return 0;
    }
    std::fprintf(stderr, "ringfence: unknown command '%.*s'\n%s", static_cast<int>(command.size()), command.data(), usage);
    return 2;
}
