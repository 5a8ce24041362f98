// The load generator of `ringfence bench ingest`: N TCP connections to ringfenced, records
// pipelined up to a window per connection, optionally paced to a total rate; one thread
// with poll(). Latency is measured at the client, from handing a record to the socket to
// reading its reply line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace ringfence::cli {

struct load_settings {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    int connections = 4;
    std::uint64_t records = 1'000'000;  // in total
    double rate = 0;                    // records/s in total; 0 = as fast as the daemon answers
    std::uint32_t window = 2000;        // records in flight per connection at most
    std::string mix = "mixed";          // call | sms | mixed (80% calls)
};

struct load_result {
    std::uint64_t sent = 0;
    std::uint64_t replies = 0;
    std::uint64_t error_replies = 0;
    std::uint64_t blocked = 0;
    double seconds = 0;
    std::vector<std::uint32_t> latencies_us;  // one per reply
    std::string failure;                      // set when the run could not complete
};

// Pre-generates `count` distinct record lines (numbers, kinds and times vary), starting at id_base.
std::vector<std::string> generate_records(std::uint64_t count, std::uint64_t id_base, const std::string& mix,
                                          std::uint64_t seed);

load_result run_load(const load_settings& settings);

}  // namespace ringfence::cli
