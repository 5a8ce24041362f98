// One JSON line in, one reply line out: parse and normalise, decide, queue for the decision
// log. The socket sessions and `ringfence decide` both go through this, so an offline run
// decides exactly as the daemon does; captured traffic comes in as records its decoders
// built (decide_built) and goes through the same steps after the parse.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "decode/jsonl/record_parser.hpp"
#include "engine/decision_point.hpp"
#include "ingest/ingest_counters.hpp"
#include "model/numbering_plan.hpp"
#include "store/decision_log_writer.hpp"

namespace ringfence::ingest {

struct pipeline_context {
    const model::numbering_plan& plan;
    engine::decision_point& engine;
    store::decision_log_writer* log = nullptr;  // null: decisions are not logged (offline runs)
    bool reply_after_commit = true;             // hold each reply until its log row is committed
    store::queue_full_policy on_queue_full = store::queue_full_policy::backpressure;
    ingest_counters& counters;
    // A record whose time lies more than this after its arrival is decided at its arrival
    // (time_from_receipt, its own time kept as time_sent) and counted: a sender's clock or
    // time zone off by hours would otherwise put every later record of its keys "late" and
    // blind their windows. 0: every time is taken (offline runs, captures).
    std::int64_t max_future_ms = 0;
};

// The emergency-call exception to refusing a line (README): when st is the line's
// bad_number or missing_field and the line, read again with its numbers kept as written, is
// a call to a number engine never blocks, st and rec become that record and true is
// returned. The socket, `decide` and `rules test` all read lines through it.
bool keep_emergency_call(decode::record_json_parser& parser, std::string_view line, std::int64_t received_at_ms, model::record& rec,
                         const engine::decision_point& engine, decode::parse_status& st);

class record_line_processor {
public:
    // passive: the records are a copy of the traffic (capture, HEP): nobody acts on the
    // decisions, so a block stops nothing and the engine is told each record went through.
    explicit record_line_processor(pipeline_context& ctx, bool passive = false);

    struct outcome {
        bool decided = false;          // false: the line got an error reply
        bool awaits_commit = false;    // the reply may leave only after `token` is committed
        engine::action action = engine::action::allow;  // the decision's, counted under it (when decided)
    };

    // Appends exactly one reply line (ending in '\n') to reply. When the context logs with
    // reply_after_commit, the entry is submitted with (listener, token) and awaits_commit is set.
    // explain, when given, receives the normalised record as JSON (empty for an error).
    outcome process(std::string_view line, std::int64_t received_at_ms, std::string& reply,
                    const std::shared_ptr<store::commit_listener>& listener, std::uint64_t token,
                    std::string* explain = nullptr);

    // The same for a record a capture decoder builds without a line (decode::record_builder:
    // the same checks as a line's): build fills the record it is given and says how that
    // went. An error is counted as a line's would be. reply, when given, receives the line a
    // reply would be; passive sources, which nobody answers, pass none.
    outcome decide_built(const std::function<decode::parse_status(model::record&)>& build, std::int64_t received_at_ms,
                         std::string* reply = nullptr);

    // The error reply for a line longer than the configured limit (it is never parsed).
    void reject_too_long(std::size_t limit, std::string& reply);

private:
    outcome decide_parsed(const decode::parse_status& st, std::int64_t started_us, std::int64_t received_at_ms, std::string* reply,
                          const std::shared_ptr<store::commit_listener>& listener, std::uint64_t token, std::string* explain);

    model::record& rec() { return entry_->rec; }
    engine::decision& dec() { return entry_->dec; }

    pipeline_context& ctx_;
    bool passive_;
    decode::record_json_parser parser_;
    // The record being decided and its decision, in the entry that goes to the log: handed
    // over by pointer, and back comes one the log has written, to be filled again.
    store::decision_log_entry_ptr entry_;
};

}  // namespace ringfence::ingest
