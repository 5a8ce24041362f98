// A compiled rule set: conditions as flat node arrays with every name resolved (fields,
// lists, macros expanded, aggregates assigned window-state ids), rules indexed by event
// kind. Immutable once built, shared by every ingest thread; a reload builds a new one.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "engine/condition/condition_ast.hpp"
#include "engine/decision.hpp"
#include "engine/field_registry.hpp"
#include "engine/list_matcher.hpp"
#include "engine/lists/keyword_automaton.hpp"
#include "engine/state/window_spec.hpp"
#include "model/record.hpp"

namespace ringfence::engine {

inline constexpr std::uint32_t no_node = 0xFFFFFFFF;

struct operand {
    enum class kind : std::uint8_t { field, number, text, boolean, aggregate };
    kind k = kind::number;
    field_ref field;
    double number = 0;
    std::string text;
    bool boolean = false;
    std::uint32_t aggregate = 0;  // index into compiled_ruleset::aggregates
    // `FIELD except LIST` (a set field): the elements lists[except_list] does not hold.
    static constexpr std::uint32_t no_except = ~std::uint32_t{0};
    std::uint32_t except_list = no_except;
};

// A bit test on one of the record's enumerations or flags (fast_leaf.hpp): the test holds
// when the record carries the field and bit (its value's number) of mask is set.
struct fast_test {
    enum class field : std::uint8_t { none, origin_kind, party_type, party_is_home, sender_is_alpha };
    field f = field::none;
    std::uint8_t party = 0;  // party_*: 0 caller, 1 callee, 2 asserted
    std::uint64_t mask = 0;  // bit v set: the test holds for the value numbered v
};

struct node {
    enum class op : std::uint8_t {
        and_, or_, not_,
        compare,       // lhs cmp rhs, typed by `type`
        in_values,     // lhs in (values)
        in_list,       // lhs matched against lists[list]
        text_test,     // lhs startswith/endswith/contains/icontains text
        matches,       // lhs matches regexes[regex]
        exists,        // lhs present (and non-empty)
        bool_field,    // lhs (a boolean field) is true
        time_between,  // local time of day within [from, to)
        constant,
    };
    op o = op::constant;
    std::vector<std::uint32_t> children;
    operand lhs;
    operand rhs;
    condition::compare_op cmp = condition::compare_op::eq;
    field_type type = field_type::text;  // of lhs
    std::vector<std::string> text_values;
    std::vector<double> number_values;
    std::uint32_t list = 0;
    // in_list: the slot in which a record remembers that this (field, list) lookup found
    // nothing (compiled_ruleset::list_memo_slots; no_memo for `FIELD except LIST`).
    static constexpr std::uint32_t no_memo = ~std::uint32_t{0};
    std::uint32_t memo = no_memo;
    // The slot in which a record keeps this node's result when the same test appears more
    // than once (compiled_ruleset::result_memo_slots: macros used by several rules, a filter
    // shared by a rule and an aggregate's `where`); no_memo when it appears once.
    std::uint32_t result_memo = no_memo;
    // No test under this node leaves evidence (aggregates, list matches, regexes, subscriber
    // fields; a `not` leaves none): a remembered true can stand for a new evaluation.
    bool evidence_free = false;
    condition::text_op top = condition::text_op::contains;
    std::uint32_t regex = 0;
    int from_minutes = 0;
    int to_minutes = 0;
    bool constant = false;
    // A test of a field the record holds as a small enumeration or a flag, against literals
    // (`origin.kind in (international, voip)`, `callee.type = premium`, `caller.is_home`),
    // reduced by the compiler to one bit test (fast_leaf.hpp); field none for every other test.
    fast_test fast;
    // false (`in LIST`): a set bit says only that the list holds the value; the general
    // path then makes the test again for its evidence.
    bool fast_decides = true;
    // A keyword list tested on a text field with other keyword lists: the slot of that
    // field's shared scan (compiled_ruleset::keyword_scans) and this list's bit in it;
    // no_memo when the list is the only one read from the field.
    std::uint32_t keyword_scan = no_memo;
    std::uint8_t keyword_bit = 0;
    // A call's number compared with a literal (`call.idle_ms < 30s`, `call.ring_ms > 0`,
    // `caller.concurrent_calls >= 3`) or call.first_contact tested: read from the record and
    // the call history straight (eval_context::call_number), not through a field_value. These
    // tests are most of an attempt's and an end's aggregate filters. kind when unset.
    field_id call_number = field_id::kind;
};

// Every keyword list a rule set tests one text field against (contains_any, or
// icontains_any), in one automaton: a message's text is scanned once for all of them, not
// once per list. Each keyword carries the bits of the lists that hold it; for each list the
// scan keeps the first keyword it found, as that list's own automaton would (the earliest
// end, the longest there).
struct keyword_scan {
    lists::keyword_automaton automaton;
    std::vector<std::uint64_t> lists_of;  // per keyword of the automaton: bit b = list b holds it
    // Per keyword and list ([keyword * list_count + bit]): the item as that list holds it,
    // what its evidence shows (two lists may write one keyword differently, composed or not).
    std::vector<std::string_view> items;
    std::uint32_t list_count = 0;
};

struct aggregate_def {
    std::uint32_t spec_id = 0;  // window-state id, stable across reloads for the same fingerprint
    state::window_function fn = state::window_function::count;
    model::event_kind kind = model::event_kind::call_attempt;
    std::uint32_t where = no_node;  // filter evaluated on the counted record
    bool has_by = false;
    field_ref by;
    std::uint32_t by_except = operand::no_except;  // `by SET except LIST`: elements in lists[by_except] are no keys
    // `by` a set field (and so `for` too, which has the type of `by`): one key per element.
    bool keyed_by_set = false;
    bool has_of = false;
    field_ref of;
    std::int64_t window_ms = 0;
    // `for FIELD`: the value is read at this record's FIELD instead of its `by` key. Such a
    // definition only reads: the state is fed by the definition without `for` (same spec_id).
    bool has_for = false;
    field_ref for_field;
    // `unless blocked` (count, sum): the record is added with the others and taken back when
    // its decision blocks it (window_store::retract), so only records let through stay.
    bool unless_blocked = false;
    std::string text;         // as a rule author reads it, for evidence
    std::string fingerprint;  // canonical definition
    // A member of a shared list (compiled_ruleset::shared_lists): spec_id is the list's, and
    // this aggregate reads flag bit `member` of it.
    static constexpr std::uint8_t no_member = 0xff;
    std::uint8_t member = no_member;
    std::uint64_t layout = 0;  // the list's state::members_layout, for reads
    bool shared() const { return member != no_member; }
};

// Count and ratio aggregates of one event kind, `by` field and window keep one event list
// in the window state, each event flagged for the members whose filter it passed
// (state::window_spec::members): a record makes one add for all of them. Up to
// state::max_shared_members share a list; an aggregate past them keeps its own.
// How the rules running before (or those that wrote a state snapshot) laid out their event
// lists: each shared list's members (by fingerprint) and the aggregates kept alone. A new
// rule set keeps that layout where it can, so an unchanged aggregate keeps its state: a
// member stays in its list, one kept alone (the ninth of its kind, key and window) stays
// alone even when a reload frees a place in the list, which it would join with no events.
struct event_list_layout {
    std::map<std::string, std::vector<std::string>> lists;  // list fingerprint -> member fingerprints
    std::set<std::string> alone;                            // aggregate fingerprints with a state of their own
};

struct shared_list {
    std::uint32_t spec_id = 0;
    model::event_kind kind = model::event_kind::call_attempt;
    field_ref by;
    std::int64_t window_ms = 0;
    std::string fingerprint;             // event kind, key and window
    std::vector<std::uint32_t> members;  // aggregate indexes, member i reading bit i
    std::vector<state::shared_member> definitions;  // the same, as the window state knows them
    std::uint64_t layout = 0;            // state::members_layout(definitions)
    bool keeps_unmatched = false;        // a ratio member: every event of the kind is kept
};

struct reason_part {
    bool is_field = false;
    std::string text;  // literal text
    field_ref field;
};

struct compiled_rule {
    std::string name;
    std::string desc;
    std::string priority;
    action act = action::warn;
    bool shadow = false;
    std::uint32_t root = no_node;
    // Bit tests the condition cannot be true without (fast leaves joined to the root by `and`
    // alone, fast_leaf.hpp), copied here: most rules fail on one, before their first node.
    static constexpr std::size_t max_gates = 4;
    std::array<fast_test, max_gates> gates{};
    std::uint8_t gate_count = 0;
    std::vector<reason_part> reason;
    std::vector<std::string> tags;
    std::vector<std::string> references;
    std::string pack;
    std::string file;  // where the rule is defined, for load-time reports
    int line = 0;
    int column = 0;
};

// A list lookup the rules of an event kind make (an `in list` test on a text field): the
// engine starts loading its entry when a record of that kind arrives (list_matcher::prefetch).
struct list_probe {
    field_ref field;
    std::uint32_t list = 0;
};

class regex_matcher;  // PCRE2, compiled once (engine/regex_matcher.hpp)

struct compiled_ruleset {
    std::vector<node> nodes;
    std::vector<compiled_rule> rules;
    std::vector<aggregate_def> aggregates;
    std::vector<std::unique_ptr<list_matcher>> lists;
    std::vector<std::shared_ptr<regex_matcher>> regexes;
    std::array<std::vector<std::uint32_t>, model::event_kind_count> rules_by_kind;       // rule indexes
    std::array<std::vector<std::uint32_t>, model::event_kind_count> aggregates_by_kind;  // aggregates fed by that kind (not shared)
    std::vector<shared_list> shared_lists;
    // The event-list layout beyond the lists (layout_of): aggregates kept alone past the eighth
    // of their list, and lists the layout before had whose members are all gone.
    std::set<std::string> kept_alone;
    std::set<std::string> emptied_lists;
    // The intelligence lists the rules read (intel_source::retain after the set is installed).
    std::set<std::string> intel_lists;
    // The aggregates as written (a `for` reading of one is not another): what operators are told.
    std::size_t aggregate_definitions() const {
        std::size_t n = 0;
        for (const auto& a : aggregates) n += a.has_for ? 0 : 1;
        return n;
    }
    std::array<std::vector<std::uint32_t>, model::event_kind_count> shared_lists_by_kind;  // shared_lists indexes
    std::array<std::vector<list_probe>, model::event_kind_count> list_probes_by_kind;     // each (field, list) once
    // One slot per distinct (field, list) that in_list nodes look up: macros expanded into
    // several rules and `where` filters test the same lookup many times for one record (the
    // shipped packs: 19 lookups per call attempt, 8 of them repeats); a miss is remembered.
    std::uint32_t list_memo_slots = 0;
    std::vector<keyword_scan> keyword_scans;  // node::keyword_scan
    // One slot per distinct test that appears more than once (node::result_memo).
    std::uint32_t result_memo_slots = 0;
    // Stateful derived fields the rules read (kept only when some rule needs them).
    bool needs_gap = false;
    bool needs_idle = false;
    bool needs_first_contact = false;
    bool needs_concurrency = false;
    std::string version;  // "sha256:…" of the loaded content
    std::string_view interned_version;  // the same text, interned (decision::ruleset_version)
    std::string content;  // the loaded text, for the decision log's ruleset_versions
    std::size_t list_entries = 0;
};

}  // namespace ringfence::engine
