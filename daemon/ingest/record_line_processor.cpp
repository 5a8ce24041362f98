#include "ingest/record_line_processor.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "model/record_json.hpp"
#include "output/reply_json.hpp"

namespace ringfence::ingest {

namespace {

std::int64_t steady_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

engine::action fail_action(store::queue_full_policy p) {
    switch (p) {
        case store::queue_full_policy::reply_block: return engine::action::block;
        case store::queue_full_policy::reply_warn: return engine::action::warn;
        default: return engine::action::allow;
    }
}

}  // namespace

record_line_processor::record_line_processor(pipeline_context& ctx, bool passive)
    : ctx_(ctx), passive_(passive), parser_(ctx.plan), entry_(std::make_unique<store::decision_log_entry>()) {}

record_line_processor::outcome record_line_processor::process(std::string_view line, std::int64_t received_at_ms,
                                                              std::string& reply,
                                                              const std::shared_ptr<store::commit_listener>& listener,
                                                              std::uint64_t token, std::string* explain) {
    const std::int64_t started_us = steady_us();
    ctx_.counters.lines.fetch_add(1, std::memory_order_relaxed);
    // Every line gets one line back, a blank one too: a client counting replies must not hang.
    if (line.find_first_not_of(" \t") == std::string_view::npos) {
        ctx_.counters.count_error(error_reason::empty_line);
        output::append_error_line(reply, nullptr, "empty_line", "empty line: each line must hold one JSON object");
        if (explain) explain->clear();
        return {};
    }
    // A passive source's record (captured SMPP) keeps a number the plan rejects as written.
    decode::parse_status st =
        parser_.parse(line, received_at_ms, rec(), passive_ ? decode::unparsed_numbers::keep_raw : decode::unparsed_numbers::refuse);
    if (!passive_ && keep_emergency_call(parser_, line, received_at_ms, rec(), ctx_.engine, st))
        ctx_.counters.emergency_kept_raw.fetch_add(1, std::memory_order_relaxed);
    return decide_parsed(st, started_us, received_at_ms, &reply, listener, token, explain);
}

bool keep_emergency_call(decode::record_json_parser& parser, std::string_view line, std::int64_t received_at_ms, model::record& rec,
                         const engine::decision_point& engine, decode::parse_status& st) {
    if (st.ok || (st.error != decode::parse_error::bad_number && st.error != decode::parse_error::missing_field &&
                  st.error != decode::parse_error::wrong_type))
        return false;
    // A phone with no SIM calls 112 with no number of its own, or with an identity the plan
    // cannot read (an IMEI, "anonymous"); a switch that takes an error reply for a refusal
    // would turn the call away. Read again with the numbers kept as written: when that is a
    // record and its callee is an emergency number, it is decided (and so allowed) and
    // logged with the numbers as they came, instead of refused.
    decode::parse_status kept = parser.parse(line, received_at_ms, rec, decode::unparsed_numbers::keep_raw);
    if (!kept.ok) {
        // Refused for something its numbers do not excuse even on a call to 112 ("ring_ms":
        // "x"): the reply names that, not the number an emergency call may lack.
        st = std::move(kept);
        return false;
    }
    // A call only: a device with no SIM sends no SMS, and an SMS is not a call for help.
    if (model::is_sms(rec.kind) || !engine.never_block(rec)) return false;  // the first error stands (rec is not read after one)
    st = std::move(kept);
    return true;
}

record_line_processor::outcome record_line_processor::decide_built(
    const std::function<decode::parse_status(model::record&)>& build, std::int64_t received_at_ms, std::string* reply) {
    const std::int64_t started_us = steady_us();
    ctx_.counters.lines.fetch_add(1, std::memory_order_relaxed);
    const decode::parse_status st = build(rec());
    return decide_parsed(st, started_us, received_at_ms, reply, nullptr, 0, nullptr);
}

record_line_processor::outcome record_line_processor::decide_parsed(const decode::parse_status& st, std::int64_t started_us,
                                                                    std::int64_t received_at_ms, std::string* reply,
                                                                    const std::shared_ptr<store::commit_listener>& listener,
                                                                    std::uint64_t token, std::string* explain) {
    outcome result;
    if (!st.ok) {
        ctx_.counters.count_error(parse_error_reason(st.code()));
        if (reply) output::append_error_line(*reply, st.reply_id(), st.code(), st.message, st.id_is_integer);
        if (explain) explain->clear();
        return result;
    }
    rec().time_sent_ms = 0;
    if (ctx_.max_future_ms > 0 && !rec().time_from_receipt && rec().time_ms - received_at_ms > ctx_.max_future_ms) {
        rec().time_sent_ms = rec().time_ms;
        rec().time_ms = received_at_ms;
        rec().time_from_receipt = true;
        ctx_.counters.times_in_future.fetch_add(1, std::memory_order_relaxed);
    }
    result.decided = true;
    if (st.numbers_kept_raw > 0) ctx_.counters.numbers_kept_raw.fetch_add(st.numbers_kept_raw, std::memory_order_relaxed);
    if (passive_)
        ctx_.engine.decide_observed(rec(), dec());
    else
        ctx_.engine.decide(rec(), dec());
    const std::int64_t latency_us = steady_us() - started_us;
    if (explain) {
        explain->clear();
        model::append_record_json(*explain, rec());
    }

    if (ctx_.log != nullptr) {
        store::decision_log_entry& entry = *entry_;  // not touched once queued: the writer's then
        entry.latency_us = latency_us;
        entry.decided_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch()).count();
        // entry_ holds no listener between records (see below; a spare never has one), so
        // nothing to reset here: an entry is written only where it changes
        // (recycled_entries::recycle says why).
        if (ctx_.reply_after_commit) entry.listener = listener;
        entry.token = token;
        // The reply is rendered from the decision before the log takes the entry.
        const std::size_t reply_start = reply ? reply->size() : 0;
        if (reply) output::append_decision_line(*reply, rec().id, dec(), latency_us, rec().id_is_integer);
        const engine::action decided_action = dec().final_action;
        const bool wait = ctx_.on_queue_full == store::queue_full_policy::backpressure;
        // Queued, entry_ points to an entry the log has written, whose strings' buffers the
        // next record fills instead of allocating them (store/recycled_entries.hpp).
        if (ctx_.log->submit(entry_, wait)) {
            result.awaits_commit = ctx_.reply_after_commit;
            result.action = decided_action;
            ctx_.counters.count_decision(decided_action);
        } else if (ctx_.reply_after_commit && ctx_.log->closing()) {
            // Shutting down after the log failed: no decision leaves without its row.
            ctx_.counters.count_error(error_reason::not_logged);
            if (reply) {
                reply->resize(reply_start);
                output::append_error_line(*reply, &rec().id, "not_logged",
                                          "the decision log is closed (shutting down after it failed): no decision is given for this line",
                                          rec().id_is_integer);
            }
        } else {
            // Queue full with a fail action configured: the reply says so and the count shows it.
            ctx_.counters.log_queue_full.fetch_add(1, std::memory_order_relaxed);
            dec().final_action = fail_action(ctx_.on_queue_full);
            dec().rules.push_back({"ringfence.decision_log_queue_full", "error", dec().final_action, false,
                                  "the decision log queue is full: replied with the configured fail action, not logged",
                                  "{}"});
            if (dec().final_action != engine::action::allow && ctx_.engine.never_block(rec())) {
                dec().final_action = engine::action::allow;  // emergency calls go through, unwarned, even now
                // Named once: the engine has named it already when a rule would have blocked.
                const bool named = std::any_of(dec().rules.begin(), dec().rules.end(),
                                               [](const engine::matched_rule& m) { return m.rule == engine::emergency_override_rule; });
                if (!named)
                    dec().rules.push_back({std::string(engine::emergency_override_rule), "emergency", engine::action::allow, false,
                                          "the callee is an emergency number: never blocked or warned, not even by the queue-full fail action", "{}"});
            }
            // What `unless blocked` aggregates keep follows the answer given (a passive record
            // went through whatever was answered).
            if (!passive_) ctx_.engine.settle_last(decided_action, dec().final_action);
            if (reply) {
                reply->resize(reply_start);
                output::append_decision_line(*reply, rec().id, dec(), latency_us, rec().id_is_integer);
            }
            ctx_.counters.count_decision(dec().final_action);
        }
        if (entry_->listener) entry_->listener.reset();  // an entry the log did not take may hold one
        rec().clear();
        // dec() is not cleared: the engine starts each decision by taking its matched rules
        // for their strings' buffers, and clears it.
        return result;
    }
    ctx_.counters.count_decision(dec().final_action);
    if (reply) output::append_decision_line(*reply, rec().id, dec(), latency_us, rec().id_is_integer);
    return result;
}

void record_line_processor::reject_too_long(std::size_t limit, std::string& reply) {
    ctx_.counters.lines.fetch_add(1, std::memory_order_relaxed);
    ctx_.counters.count_error(error_reason::line_too_long);
    output::append_error_line(reply, nullptr, "line_too_long",
                              fmt::format("line longer than {} bytes; skipped to the next newline", limit));
}

}  // namespace ringfence::ingest
