// ringfence replay [--config F] [--set k=v]... [--output records|decisions] [--pace file|full]
// FILE... Decodes pcap/pcapng captures of SIP signalling into records (capture.* settings, as the
// daemon would) and either prints each record in the JSON-lines wire form (exactly what
// `ringfence decide` and the socket accept) or decides it as the daemon decides captured
// traffic (passive_decider) and prints the decision lines. Record times are packet times, so a replay
// decides as the live run did. With decision_log.enabled the decisions are written to the
// decision log as the daemon's passive capture decisions are. Counters go to stderr.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>

#include "decode/sip/call_record_line.hpp"
#include "ingest/capture/capture_pipeline.hpp"
#include "ingest/capture/passive_decider.hpp"
#include "ingest/capture/pcap_file_reader.hpp"
#include "ingest/record_line_processor.hpp"
#include "common/exclusive_files.hpp"
#include "store/decision_log_writer.hpp"
#include "tools/ringfence/cli_common.hpp"
#include "tools/ringfence/commands.hpp"

namespace ringfence::cli {

namespace {

enum class output_mode { records, decisions };

class replay_output final : public ingest::capture::capture_record_handler {
  public:
    // decisions: the records are decided in context (null for records).
    replay_output(output_mode mode, ingest::pipeline_context* context) {
        if (mode == output_mode::decisions) decider_.emplace(*context, &out_);
    }

    void on_call_event(const decode::sip::call_event& event) override {
        out_.clear();
        if (decider_) {
            decider_->on_call_event(event);
        } else {
            decode::sip::append_record_line(out_, event);
            out_ += '\n';
        }
        std::fwrite(out_.data(), 1, out_.size(), stdout);
    }
    void on_sms_record(const model::record& sms) override {
        out_.clear();
        if (decider_) {
            decider_->on_sms_record(sms);
        } else {
            ingest::capture::append_sms_record_line(out_, sms);
            out_ += '\n';
        }
        std::fwrite(out_.data(), 1, out_.size(), stdout);
    }

  private:
    std::string out_;  // declared before the decider, which appends its decision lines to it
    std::optional<ingest::capture::passive_decider> decider_;
};

// Sleeps so that frames leave at the pace they were captured (--pace file). A gap of more
// than a day between two frames (a frame stamped 0, a device's clock set mid-capture: what
// the dialogs' clock takes for an outlier) is a clock jump, not a pause: the pace goes on
// from the later frame at once, and the jump is said on stderr.
class pacer {
  public:
    static constexpr std::int64_t max_gap_us = 24LL * 3600 * 1'000'000;

    void wait_for(std::int64_t time_us) {
        const auto now = std::chrono::steady_clock::now();
        if (started_ && time_us - previous_us_ > max_gap_us) {
            std::fprintf(stderr, "ringfence replay: frames %.0f s apart: taken as a clock jump, not waited for\n",
                         static_cast<double>(time_us - previous_us_) / 1e6);
            started_ = false;
        }
        previous_us_ = std::max(previous_us_, time_us);
        if (!started_) {
            started_ = true;
            first_us_ = time_us;
            previous_us_ = time_us;
            start_ = now;
            return;
        }
        const auto due = start_ + std::chrono::microseconds(time_us - first_us_);
        if (due > now) std::this_thread::sleep_until(due);
    }

  private:
    bool started_ = false;
    std::int64_t first_us_ = 0;
    std::int64_t previous_us_ = 0;
    std::chrono::steady_clock::time_point start_;
};

bool replay_paced(const std::string& path, ingest::capture::capture_pipeline& pipeline,
                  std::string& error) {
    ingest::capture::frames_in_memory frames;
    if (!ingest::capture::load_pcap_file(path, frames, error)) return false;
    if (!pipeline.begin_source(frames.link_type, error)) {
        error = path + ": " + error;
        return false;
    }
    pacer p;
    for (const auto& f : frames.frames) {
        p.wait_for(f.time_us);
        pipeline.on_frame(frames.bytes.data() + f.offset, f.caplen, f.time_us);
        std::fflush(stdout);
    }
    return true;
}

}  // namespace

int cmd_replay(std::vector<std::string> args) {
    common_options opts;
    std::string error;
    if (!take_common_options(args, opts, error)) {
        std::fprintf(stderr, "ringfence replay: %s\n", error.c_str());
        return 2;
    }
    output_mode mode = output_mode::decisions;
    bool paced = false;
    std::vector<std::string> files;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        if ((a == "--output" || a == "--pace") && i + 1 < args.size()) {
            const std::string& v = args[++i];
            if (a == "--output" && (v == "records" || v == "decisions")) {
                mode = v == "records" ? output_mode::records : output_mode::decisions;
            } else if (a == "--pace" && (v == "file" || v == "full")) {
                paced = v == "file";
            } else {
                std::fprintf(stderr, "ringfence replay: %s: unknown value '%s'\n", a.c_str(),
                             v.c_str());
                return 2;
            }
        } else if (a == "--output" || a == "--pace") {
            std::fprintf(stderr, "ringfence replay: %s needs a value (%s)\n", a.c_str(),
                         a == "--output" ? "records or decisions" : "file or full");
            return 2;
        } else if (a.rfind("--", 0) == 0) {
            std::fprintf(stderr, "ringfence replay: unknown option '%s'\n", a.c_str());
            return 2;
        } else {
            files.push_back(a);
        }
    }
    if (files.empty()) {
        std::fprintf(stderr,
                     "usage: ringfence replay [--config F] [--set k=v] [--output "
                     "records|decisions] [--pace file|full] FILE...\n");
        return 2;
    }
    auto setup = load_or_report(opts);
    if (!setup.value) return 1;
    const app::daemon_config& config = setup.value->config;

    // Declared before the writer: released after it closes, as the daemon does.
    common::file_lock log_lock;
    std::unique_ptr<store::decision_log_writer> log_writer;
    if (mode == output_mode::decisions && config.decision_log.enabled) {
        // One writer per log, as for the daemon: a replay on the state_dir of a running
        // ringfenced would write rows and number-index runs into its log under it.
        if (auto why = log_lock.take(config.decision_log.settings.path); !why.empty()) {
            std::fprintf(stderr,
                         "ringfence replay: cannot open the decision log %s: %s (--set decision_log.enabled=false to replay "
                         "without logging, or give another state_dir)\n",
                         config.decision_log.settings.path.c_str(), why.c_str());
            return 1;
        }
        auto writer = store::decision_log_writer::open(config.decision_log.settings);
        for (const auto& d : writer.diagnostics) std::fprintf(stderr, "%s\n", d.to_text().c_str());
        if (!writer.value) {
            std::fprintf(stderr,
                         "ringfence replay: cannot open the decision log %s (set state_dir, or "
                         "--set decision_log.enabled=false to replay without logging)\n",
                         config.decision_log.settings.path.c_str());
            return 1;
        }
        log_writer = std::move(*writer.value);
        if (setup.value->parts.rules) {
            const auto rs = setup.value->parts.rules->current();
            log_writer->record_ruleset_version(rs->version, rs->content);
        }
    }

    ingest::ingest_counters counters;
    // Passive decisions: nobody waits for a reply, so nothing is held for the commit.
    ingest::pipeline_context ctx{*setup.value->parts.plan,
                                 *setup.value->parts.engine,
                                 log_writer.get(),
                                 false,
                                 config.decision_log.on_queue_full,
                                 counters,
                                 0};  // a capture's times are its packets'
    replay_output output(mode, &ctx);
    ingest::capture::capture_settings settings = config.capture;
    settings.hep_on_wire = true;  // a file of what agents sent to a collector (docs/capture.md)
    ingest::capture::capture_pipeline pipeline(settings, output, nullptr, setup.value->parts.plan.get());

    int status = 0;
    for (const auto& f : files) {
        std::uint64_t frames = 0;
        const bool ok = paced ? replay_paced(f, pipeline, error)
                              : ingest::capture::replay_pcap_file(f, pipeline, error, &frames);
        if (!ok) {
            std::fprintf(stderr, "ringfence replay: %s\n", error.c_str());
            status = 1;
        }
    }
    pipeline.finish();
    std::fflush(stdout);
    if (log_writer) log_writer->close();
    std::fprintf(stderr, "ringfence replay: %s\n", pipeline.summary().c_str());
    if (mode == output_mode::decisions)
        std::fprintf(stderr, "ringfence replay: %s\n", counters.summary().c_str());
    return status;
}

}  // namespace ringfence::cli
