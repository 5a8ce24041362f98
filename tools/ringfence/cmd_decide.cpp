// ringfence decide [--explain] [FILE...]: decides JSON-lines records offline through the same
// line processor as the daemon (parse, normalise, decide) and prints one line per record.
// Nothing is written to the decision log.
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <filesystem>

#include "ingest/record_line_processor.hpp"
#include "tools/ringfence/cli_common.hpp"
#include "tools/ringfence/commands.hpp"

namespace ringfence::cli {

namespace {

std::int64_t wall_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// max_line_bytes: the daemon's ingest.jsonl.max_line_bytes, so a line the daemon would
// refuse as too long gets the same error here.
void decide_stream(std::istream& in, ingest::record_line_processor& processor, bool explain, std::size_t max_line_bytes) {
    std::string line;
    std::string reply;
    std::string record_json;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        reply.clear();
        if (line.size() > max_line_bytes) {
            processor.reject_too_long(max_line_bytes, reply);
            std::fwrite(reply.data(), 1, reply.size(), stdout);
            continue;
        }
        processor.process(line, wall_ms(), reply, nullptr, 0, explain ? &record_json : nullptr);
        if (explain && !record_json.empty() && reply.size() >= 2) {
            // {"id":…,…,"latency_us":N}\n  ->  {"id":…,…,"latency_us":N,"record":{…}}\n
            reply.insert(reply.size() - 2, ",\"record\":" + record_json);
        }
        std::fwrite(reply.data(), 1, reply.size(), stdout);
    }
}

}  // namespace

int cmd_decide(std::vector<std::string> args) {
    common_options opts;
    std::string error;
    if (!take_common_options(args, opts, error)) {
        std::fprintf(stderr, "ringfence decide: %s\n", error.c_str());
        return 2;
    }
    bool explain = false;
    std::vector<std::string> files;
    for (const auto& a : args) {
        if (a == "--explain") explain = true;
        else if (a.rfind("--", 0) == 0) {
            std::fprintf(stderr, "ringfence decide: unknown option '%s'\n", a.c_str());
            return 2;
        } else files.push_back(a);
    }
    auto setup = load_or_report(opts);
    if (!setup.value) return 1;
    ingest::ingest_counters counters;
    // Offline: a file's records are decided at the times they carry, whatever the day.
    ingest::pipeline_context ctx{*setup.value->parts.plan, *setup.value->parts.engine, nullptr, false,
                                 store::queue_full_policy::backpressure, counters, 0};
    ingest::record_line_processor processor(ctx);
    if (files.empty()) {
        decide_stream(std::cin, processor, explain, setup.value->config.jsonl.max_line_bytes);
    } else {
        for (const auto& f : files) {
            std::error_code ec;
            const bool directory = std::filesystem::is_directory(f, ec);
            errno = 0;
            std::ifstream in(f);
            if (!in || directory) {
                const int why = errno;
                std::fprintf(stderr, "ringfence decide: cannot read %s: %s\n", f.c_str(),
                             directory ? "it is a directory" : why != 0 ? std::strerror(why) : "cannot open it");
                return 1;
            }
            decide_stream(in, processor, explain, setup.value->config.jsonl.max_line_bytes);
        }
    }
    std::fflush(stdout);
    const auto errors = counters.total_errors();
    std::fprintf(stderr, "ringfence decide: %llu records, %llu errors\n",
                 static_cast<unsigned long long>(counters.lines.load()), static_cast<unsigned long long>(errors));
    return 0;
}

}  // namespace ringfence::cli
