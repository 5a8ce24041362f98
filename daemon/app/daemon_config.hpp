// The daemon's configuration (config/ringfence.yaml): read with yaml-cpp, overridden by
// `--set key.path=value`, validated in one pass. Unknown keys, wrong types and bad values
// are errors naming file:line:column (or the --set that caused them).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/diagnostic.hpp"
#include "decode/smpp/smpp_decoder.hpp"
#include "model/numbering_plan.hpp"
#include "engine/rule_engine.hpp"
#include "ingest/capture/capture_settings.hpp"
#include "store/decision_log_writer.hpp"
#include "subscribers/subscriber_import.hpp"
#include "subscribers/subscriber_source.hpp"

namespace ringfence::app {

enum class durability { reply_after_commit, async };

struct endpoint {
    bool enabled = false;
    std::string host;
    std::uint16_t port = 0;
};

struct daemon_config {
    std::string source_file;  // the YAML file the config came from
    std::string state_dir;    // where relative state paths (the decision log) live

    model::numbering_settings numbering;

    struct jsonl_ingest {
        endpoint tcp;               // ingest.jsonl.tcp: "127.0.0.1:7575"; empty disables
        std::string unix_path;      // ingest.jsonl.unix; empty disables
        std::size_t max_line_bytes = 64 * 1024;
        std::int64_t max_future_seconds = 300;  // a record time further ahead of arrival is replaced by it
        std::size_t max_connections = 1024;
        std::size_t max_pending_reply_bytes = 4 * 1024 * 1024;  // stop reading a client that does not read
    } jsonl;
    // HEP v3 from capture agents (ingest.hep). Both off by default. Mirrored traffic is
    // decided passively: nobody waits for a reply.
    struct hep_ingest {
        endpoint udp;               // ingest.hep.udp: "127.0.0.1:9060"; empty disables
        endpoint tcp;               // ingest.hep.tcp: the same over TCP
        std::string auth_key;       // ingest.hep.auth_key: when set, packets must carry it
        std::size_t max_connections = 64;
        std::int64_t tcp_idle_timeout_s = 300;  // at max_connections, one quiet this long gives its place; 0: never
    } hep;
    int io_threads = 1;

    // How SMPP from the capture layer is read (smpp.*): the origin kind of its records,
    // GSM 7-bit packing, and the bounds of the framer and of concatenated-SMS reassembly.
    decode::smpp::smpp_settings smpp;

    struct decision_log_config {
        bool enabled = true;
        store::decision_log_settings settings;  // settings.path resolved against state_dir
        durability mode = durability::reply_after_commit;
        store::queue_full_policy on_queue_full = store::queue_full_policy::backpressure;
    } decision_log;

    // Rule packs and the engine's state.
    engine::rule_engine_settings engine;  // engine.rule_paths from rules.paths
    std::string state_snapshot_path;      // window state saved here on shutdown and every snapshot_interval_s
    int state_snapshot_interval_s = 300;

    // The subscriber-verification database (subscribers.*); path resolved against state_dir.
    subscribers::subscriber_settings subscribers;
    subscribers::import_mapping subscriber_import;  // subscribers.import: the carrier's CSV headers
    struct intel_config {
        std::string path;                // intel.path, resolved against state_dir
        int refresh_interval_ms = 1000;  // how often the daemon looks for changes to it
    } intel;

    // Passive SIP capture (capture.*): live interfaces in ringfenced, and how captured
    // signalling becomes records (also for `ringfence replay`). Off by default.
    ingest::capture::capture_settings capture;

    std::string control_path;  // control.unix: the operator's control socket; empty disables

    struct logging_config {
        std::string level = "info";
        int stats_interval_s = 60;  // a counters line on the log every N seconds; 0 disables
    } log;
};

struct config_override {
    std::string key;    // "decision_log.durability"
    std::string value;  // parsed as a YAML scalar or flow collection
};

// "key.path=value" -> override; an error message when the text has no '=' or an empty key.
bool parse_override(const std::string& text, config_override& out, std::string& error);

// Loads file, applies overrides (paths given there resolve against the working directory,
// paths in the file against the file's folder), validates. value is empty on any error.
common::loaded<daemon_config> load_daemon_config(const std::string& file,
                                                 const std::vector<config_override>& overrides);

}  // namespace ringfence::app
