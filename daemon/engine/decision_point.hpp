// The engine's interface to the rest of the daemon: one normalised record in, one decision
// out. Called concurrently from every ingest thread; implementations synchronise their
// own state (windows, counters).
#pragma once

#include "engine/decision.hpp"
#include "model/record.hpp"

namespace ringfence::engine {

class decision_point {
public:
    virtual ~decision_point() = default;
    // Fills out (which the caller reuses between records) for rec.
    virtual void decide(const model::record& rec, decision& out) = 0;
    // The same decision for a record of a passive source (capture, HEP): a copy of the
    // traffic that no answer stops, so aggregates that count only the records let through
    // (`unless blocked`) keep it whatever the decision says.
    virtual void decide_observed(const model::record& rec, decision& out) { decide(rec, out); }
    // The record this thread decided last (decide, just before, on this decision point) had
    // another outcome than its decision: effective is what happened to it (the daemon
    // answered a fail action instead: decision-log queue full). Aggregates that count only
    // the records let through (`unless blocked`) follow it.
    virtual void settle_last(action decided, action effective) {
        (void)decided;
        (void)effective;
    }
    // True when rec must never be blocked (a call to an emergency number), whatever else
    // would block it: the daemon asks before it blocks on its own (a fail action).
    virtual bool never_block(const model::record& rec) const {
        (void)rec;
        return false;
    }
};

// The decision point before any rule set is loaded: every record is allowed, with no rules.
class allow_all_decision_point final : public decision_point {
public:
    void decide(const model::record&, decision& out) override { out.clear(); }
};

}  // namespace ringfence::engine
