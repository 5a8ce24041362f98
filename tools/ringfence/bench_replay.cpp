// ringfence bench replay FILE [--repeat N] [--runs R] [--tshark]: the capture path alone, in
// this process, on one thread. The file is read into memory first; then every frame is decoded
// (L2-L4, reassembly, SIP, dialogs) and every record decided as the daemon decides captured
// traffic (ingest::capture::passive_decider), N times over with fresh dialog state each time
// (the engine's window state carries over). Reports packets/s and SIP messages/s, decode alone and
// decode + decide. The time is that of the frames: each repeat's new pipeline is built before
// its clock starts and torn down after it stops (freeing a table of 20,000 dialogs at the end
// of every repeat was ~4% of the call-dense file's time, work a daemon does once at exit). With --runs, the two passes are timed R times, each run from an empty
// window state, and the median and best of the runs are reported: on a shared machine one
// run moves by tens of percent with the neighbours' load, which only ever slows it. With
// --tshark, also times `tshark -r FILE -Y sip -T fields -e sip.from.user -e sip.to.user -e
// sip.Call-ID` on the same file and reports the ratio.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <vector>

#include "ingest/capture/capture_pipeline.hpp"
#include "ingest/capture/passive_decider.hpp"
#include "ingest/capture/pcap_file_reader.hpp"
#include "tools/ringfence/cli_common.hpp"
#include "tools/ringfence/commands.hpp"

namespace ringfence::cli {

namespace {

using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t) {
    return std::chrono::duration<double>(clock_type::now() - t).count();
}

// Counts the records; with a context, also decides them.
class counting_handler final : public ingest::capture::capture_record_handler {
  public:
    explicit counting_handler(ingest::pipeline_context* context) {
        if (context != nullptr) decider_.emplace(*context);
    }
    void on_call_event(const decode::sip::call_event& event) override {
        ++records;
        if (decider_) decider_->on_call_event(event);
    }
    void on_sms_record(const model::record& sms) override {
        ++records;
        if (decider_) decider_->on_sms_record(sms);
    }
    std::uint64_t records = 0;

  private:
    std::optional<ingest::capture::passive_decider> decider_;
};

struct run_result {
    double seconds = 0;
    std::uint64_t packets = 0;
    std::uint64_t sip_messages = 0;
    std::uint64_t records = 0;
    std::string summary;
};

run_result run(const ingest::capture::frames_in_memory& frames,
               const ingest::capture::capture_settings& settings,
               ingest::pipeline_context* context, int repeat) {
    run_result r;
    ingest::capture::capture_settings file_settings = settings;
    file_settings.hep_on_wire = true;  // a file, as `ringfence replay` reads one
    double timed = 0;
    for (int i = 0; i < repeat; ++i) {
        counting_handler handler(context);
        ingest::capture::capture_pipeline pipeline(file_settings, handler);
        std::string error;
        pipeline.begin_source(frames.link_type, error);
        const auto start = clock_type::now();
        for (const auto& f : frames.frames)
            pipeline.on_frame(frames.bytes.data() + f.offset, f.caplen, f.time_us);
        timed += seconds_since(start);
        r.packets += pipeline.packets().packets;
        r.sip_messages += pipeline.sip().messages;
        r.records += handler.records;
        if (i == 0) r.summary = pipeline.summary();
    }
    r.seconds = timed;
    return r;
}

// The median and the best of runs' rates (runs not empty).
struct rate_summary {
    double median = 0;
    double best = 0;
};
rate_summary summarize(std::vector<double> rates) {
    std::sort(rates.begin(), rates.end());
    const std::size_t n = rates.size();
    return {n % 2 == 1 ? rates[n / 2] : (rates[n / 2 - 1] + rates[n / 2]) / 2, rates.back()};
}

std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) {
        if (c == '\'')
            q += "'\\''";
        else
            q += c;
    }
    return q + "'";
}

}  // namespace

int bench_replay(std::vector<std::string> args) {
    common_options opts;
    std::string error;
    if (!take_common_options(args, opts, error)) {
        std::fprintf(stderr, "ringfence bench replay: %s\n", error.c_str());
        return 2;
    }
    constexpr const char* usage = "usage: ringfence bench replay FILE [--repeat N] [--runs R] [--tshark] [--config F] [--set K=V]\n";
    parsed_args p;
    if (!parse(args, {"--repeat", "--runs"}, {"--tshark"}, p, error) || p.words.size() != 1) {
        if (!error.empty()) std::fprintf(stderr, "ringfence bench replay: %s\n", error.c_str());
        std::fprintf(stderr, "%s", usage);
        return 2;
    }
    std::uint64_t repeat_count = 1, run_count = 1;
    if (!count_option(p, "--repeat", 1, 100'000, repeat_count, error) || !count_option(p, "--runs", 1, 100'000, run_count, error)) {
        std::fprintf(stderr, "ringfence bench replay: %s\n", error.c_str());
        return 2;
    }
    const int repeat = static_cast<int>(repeat_count);
    const int runs = static_cast<int>(run_count);
    const bool with_tshark = has_flag(p, "--tshark");
    const std::string file = p.words[0];
    auto setup = load_or_report(opts);
    if (!setup.value) return 1;
    ingest::capture::frames_in_memory frames;
    if (!ingest::capture::load_pcap_file(file, frames, error)) {
        std::fprintf(stderr, "ringfence bench replay: %s\n", error.c_str());
        return 1;
    }
    const auto& settings = setup.value->config.capture;
    ingest::ingest_counters counters;
    ingest::pipeline_context ctx{*setup.value->parts.plan,
                                 *setup.value->parts.engine,
                                 nullptr,
                                 false,
                                 store::queue_full_policy::backpressure,
                                 counters,
                                 0};

    std::printf("capture: %s, %zu frames, %zu bytes, link type %d, repeated %d times\n",
                file.c_str(), frames.frames.size(), frames.bytes.size(), frames.link_type, repeat);
    run(frames, settings, nullptr, 1);  // warm up caches and the allocator
    std::vector<double> decode_rates, decide_rates;
    run_result decode, decide;
    for (int r = 0; r < runs; ++r) {
        // Every run starts from an empty window state, so that each decides the same work.
        if (r > 0 && setup.value->parts.rules != nullptr) setup.value->parts.rules->reset_state();
        decode = run(frames, settings, nullptr, repeat);
        decide = run(frames, settings, &ctx, repeat);
        decode_rates.push_back(decode.packets / decode.seconds);
        decide_rates.push_back(decide.packets / decide.seconds);
        if (runs > 1)
            std::printf("run %d: decode only %.0f packets/s, decode + decide %.0f packets/s\n", r + 1, decode_rates.back(),
                        decide_rates.back());
    }
    std::printf("counters (one pass): %s\n", decode.summary.c_str());
    const char* which = runs > 1 ? ", the last run" : "";
    std::printf("decode only:     %.0f packets/s, %.0f SIP messages/s, %llu records (%.3f s%s)\n",
                decode.packets / decode.seconds, decode.sip_messages / decode.seconds,
                static_cast<unsigned long long>(decode.records), decode.seconds, which);
    std::printf("decode + decide: %.0f packets/s, %.0f SIP messages/s, %.0f records/s (%.3f s%s)\n",
                decide.packets / decide.seconds, decide.sip_messages / decide.seconds,
                decide.records / decide.seconds, decide.seconds, which);
    const rate_summary decide_summary = summarize(decide_rates);
    if (runs > 1) {
        const rate_summary decode_summary = summarize(decode_rates);
        std::printf("%d runs, decode only:     median %.0f, best %.0f packets/s\n", runs, decode_summary.median, decode_summary.best);
        std::printf("%d runs, decode + decide: median %.0f, best %.0f packets/s\n", runs, decide_summary.median, decide_summary.best);
    }
    // Records the wire parser rejects (a From user that is no number, say) cost far less
    // than a decision: say how many there were, so the figure is read right.
    std::printf("records: %llu decided, %llu rejected before deciding (%s)\n",
                static_cast<unsigned long long>(counters.lines.load() - counters.total_errors()),
                static_cast<unsigned long long>(counters.total_errors()),
                counters.summary().c_str());
    if (with_tshark) {
        const std::string command =
            "tshark -r " + shell_quote(file) +
            " -Y sip -T fields -e sip.from.user -e sip.to.user -e sip.Call-ID >/dev/null 2>&1";
        const auto start = clock_type::now();
        int rc = 0;
        for (int i = 0; i < repeat && rc == 0; ++i) rc = std::system(command.c_str());
        const double seconds = seconds_since(start);
        if (rc != 0) {
            std::printf("tshark: not run (exit status %d; is tshark installed?)\n", rc);
        } else {
            const double tshark_pps = static_cast<double>(frames.frames.size()) * repeat / seconds;
            std::printf(
                "tshark:          %.0f packets/s (%.3f s for %d runs): ringfence decode + decide "
                "(the median run) is %.1fx faster\n",
                tshark_pps, seconds, repeat, decide_summary.median / tshark_pps);
        }
    }
    return 0;
}

}  // namespace ringfence::cli
