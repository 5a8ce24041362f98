// What evaluating one record needs: the record, its derived fields computed at most once
// and only when a rule reads them, the aggregate values for this record, and the evidence
// that true tests leave behind for the decision log.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time_zone.hpp"
#include "engine/compiled_ruleset.hpp"
#include "engine/state/window_store.hpp"
#include "geoip/ip_country_db.hpp"
#include "subscribers/subscriber_source.hpp"

namespace ringfence::engine {

// The value of a field on a record, viewed (valid while the record and context live).
struct field_value {
    field_type type = field_type::text;
    bool present = false;
    std::string_view text;
    double number = 0;
    bool boolean = false;
    const std::vector<std::string>* set = nullptr;
};

struct evidence_item {
    enum class kind : std::uint8_t { aggregate, list, regex, field } k;
    std::uint32_t index;  // aggregate, list or regex index (0 for field)
    std::string field;    // the field tested (lists, regexes)
    std::string value;    // the value that matched (lists) or the key (aggregates)
    std::string entry;    // the list entry that matched
    std::string source;   // intelligence lists: the entry's source and reason
    std::string reason;
    double number = 0;    // aggregate value
    double threshold = 0;
    condition::compare_op cmp = condition::compare_op::gt;
    bool withheld = false;  // the key is the message's text or an extra field: not shown
};

class eval_context {
public:
    // subscribers may be null (no subscriber database configured: subscriber.exists is false).
    eval_context(const compiled_ruleset& rs, const common::time_zone& tz, state::window_store& windows,
                 const subscribers::subscriber_source* subscribers = nullptr, const geoip::ip_country_db* ip_countries = nullptr);

    // Starts a record: clears every cached derived value.
    void begin(const model::record& rec);

    field_value get(const field_ref& f) {
        // A field of the record or derived from it alone is worked out once per record: the
        // rules of one event read the caller's number a dozen times.
        const auto id = static_cast<std::size_t>(f.id);
        if (id < cached_fields && field_stamp_[id] == record_stamp_) return field_cache_[id];
        return get_uncached(f);
    }
    int minute_of_day();
    // The record's local calendar day (days since 1970-01-01) in the configured time zone.
    std::int32_t local_day();
    // The subscriber-database facts of the caller (callee=false) or callee, on the record's day.
    const subscribers::subscriber_facts& subscriber(bool callee);
    // The value of aggregate a for the record being decided (its key from this record). For
    // an aggregate keyed by a set (`by sms.domains`): the largest of its elements' values.
    double aggregate_value(std::uint32_t a);
    void set_aggregate_value(std::uint32_t a, double v);
    // Aggregates keyed by a set field (aggregate_def::keyed_by_set): one value per element of
    // this record's set (a test on such an aggregate holds when it holds for any element, as
    // `in` does on a set).
    const std::vector<std::pair<std::string_view, double>>& aggregate_elements(std::uint32_t a);
    void add_aggregate_element(std::uint32_t a, std::string_view key, double v);
    // `f except list`: the elements of f's set (values) the list does not hold, kept until the
    // next record.
    const std::vector<std::string>& set_except(const field_ref& f, std::uint32_t list, const std::vector<std::string>& values);
    // The elements of f's set a window-state key is made of: each once, at most
    // max_set_keys of them (views valid for the record).
    static constexpr std::size_t max_set_keys = 32;
    // Elements that lists[except_list] holds are left out (operand::no_except: none).
    void set_keys(const field_ref& f, std::vector<std::string_view>& out, std::uint32_t except_list = operand::no_except);
    // The key of d from this record (a view into the record, or into text this context keeps
    // until the next record); empty when the record has no value for it.
    std::string_view key_of(const aggregate_def& d);
    // The key d's value is read at for this record: its `for` field, else its `by` key.
    std::string_view read_key_of(const aggregate_def& d);

    // The adds this record made to `unless blocked` aggregates (aggregate_def::unless_blocked):
    // made with the others, taken back when the decision blocks the record.
    struct unless_blocked_add {
        std::uint32_t spec_id = 0;
        std::string key;  // owned: the engine may settle after the record's buffers moved
        state::observation o;
    };
    std::vector<unless_blocked_add> unless_blocked_adds;

    // The per-record memo of list lookups that found nothing (node::memo slots).
    bool list_known_unmatched(std::uint32_t slot) const { return list_miss_stamp_[slot] == record_stamp_; }
    void note_list_unmatched(std::uint32_t slot) { list_miss_stamp_[slot] = record_stamp_; }
    // The per-record memo of shared tests' results (node::result_memo slots): the result
    // this record's evaluation gave, or nothing before one.
    std::optional<bool> remembered_result(std::uint32_t slot) const {
        const std::uint64_t m = result_stamp_[slot];
        if ((m >> 1) != record_stamp_) return std::nullopt;
        return (m & 1) != 0;
    }
    void remember_result(std::uint32_t slot, bool r) { result_stamp_[slot] = record_stamp_ << 1 | (r ? 1 : 0); }
    // The item of list `bit` of keyword scan `scan` (compiled_ruleset::keyword_scans) that
    // text holds, as that list's own lookup would give it; the text is scanned for all the
    // scan's lists once a record (every node of a scan reads one field in one way).
    std::optional<std::string_view> keyword_scan_hit(std::uint32_t scan, std::uint8_t bit, std::string_view text);

    // Stateful derived fields, set by the engine before rules run.
    std::optional<std::int64_t> gap_ms;
    std::optional<std::int64_t> idle_ms;
    bool first_contact = true;
    std::int64_t concurrent_calls = 0;

    bool collect_evidence = true;
    std::vector<evidence_item> evidence;
    list_hit_detail hit;  // reused for each list hit

    // A call's number field (call.ring_ms, call.talk_ms, call.gap_ms, call.idle_ms,
    // caller.concurrent_calls; call.first_contact as 0 or 1) as compute() reads it, without a
    // field_value: nullopt where the record does not carry it. node::call_number tests read it.
    std::optional<double> call_number(field_id id) const {
        const model::record& r = *rec_;
        const bool attempt = r.kind == model::event_kind::call_attempt;
        const auto of = [](const std::optional<std::int64_t>& v) -> std::optional<double> {
            return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
        };
        switch (id) {
            case field_id::call_ring_ms: return model::is_call(r.kind) ? of(r.call.ring_ms) : std::nullopt;
            case field_id::call_talk_ms: return model::is_call(r.kind) ? of(r.call.talk_ms) : std::nullopt;
            case field_id::call_gap_ms: return attempt ? of(gap_ms) : std::nullopt;
            case field_id::call_idle_ms: return attempt ? of(idle_ms) : std::nullopt;
            case field_id::call_first_contact: return attempt ? std::optional<double>(first_contact ? 1 : 0) : std::nullopt;
            case field_id::caller_concurrent_calls:
                return model::is_call(r.kind) ? std::optional<double>(static_cast<double>(concurrent_calls)) : std::nullopt;
            default: return std::nullopt;
        }
    }
    static bool is_call_number(field_id id) {
        return id == field_id::call_ring_ms || id == field_id::call_talk_ms || id == field_id::call_gap_ms || id == field_id::call_idle_ms ||
               id == field_id::call_first_contact || id == field_id::caller_concurrent_calls;
    }

    const model::record& rec() const { return *rec_; }
    const compiled_ruleset& ruleset() const { return rs_; }
    // sms.text lower-cased for icontains (cached).
    std::string_view lowered_text(const field_ref& f);
    // text, field f's value as read, as the case-sensitive tests read it: with combining
    // marks composed (rule_text.hpp); text itself when it holds none. (A derived field is
    // worked out on every get: the caller passes what it read.)
    std::string_view composed_text(const field_ref& f, std::string_view text);

private:
    void derive_text();
    void derive_urls();
    void derive_compact_without_links();
    void derive_accounts();
    field_value subscriber_value(const field_ref& f);
    std::string_view plain_text();
    // f's value as a window-state key ("" when absent or a set).
    std::string_view key_text(const field_ref& f);

    const compiled_ruleset& rs_;
    const common::time_zone& tz_;
    state::window_store& windows_;
    const model::record* rec_ = nullptr;

    bool folded_ready_ = false;
    std::string folded_;
    bool compact_ready_ = false;
    std::string compact_;
    const std::string& derive_compact();
    bool compact_no_links_ready_ = false;
    std::string without_links_;
    std::string folded_no_links_;
    std::string compact_no_links_;
    bool urls_ready_ = false;
    std::vector<std::string> urls_;
    std::vector<std::size_t> url_starts_;  // where each of urls_ begins in plain_text()
    std::vector<std::string> domains_;
    std::vector<std::string> lookalike_domains_;
    std::vector<std::string> hosts_;  // sms.hosts
    std::vector<std::string> written_domains_;  // registered domains as written, each once (aggregate keys)
    std::vector<std::string> url_keys_;         // url_key of each URL (aggregate keys)
    bool url_keys_ready_ = false;
    const std::vector<std::string>& url_keys();
    bool accounts_ready_ = false;
    std::vector<std::string> accounts_;
    // The SMS text as URL and account extraction read it (text::unmask_ascii): the record's
    // own text unless it holds full-width ASCII, odd full stops, zero-width characters or
    // no-break and narrow spaces.
    bool plain_ready_ = false;
    std::string plain_;
    std::string_view plain_view_;
    int minute_ = -1;
    std::optional<std::int32_t> day_;
    const geoip::ip_country_db* ip_countries_;
    bool ip_country_ready_ = false;
    char ip_country_[3] = {0, 0, 0};
    std::string_view ip_country_view_;
    const subscribers::subscriber_source* subscribers_;
    // This thread's copy of the subscriber index; re-read only when the source installs a new one.
    std::shared_ptr<const subscribers::subscriber_index> index_;
    std::uint64_t index_generation_ = ~std::uint64_t{0};
    bool facts_ready_[2] = {false, false};
    subscribers::subscriber_facts facts_[2];
    std::string since_text_[2];
    std::string lowered_;
    int lowered_for_ = -1;
    std::string composed_;
    int composed_for_ = -1;
    // Which fields were looked at for combining marks this record, and held some: a keyword
    // rule after another on the same text does not scan it again.
    static constexpr std::size_t mark_fields = static_cast<std::size_t>(field_id::extra) + 1;
    std::bitset<mark_fields> marks_checked_;
    std::bitset<mark_fields> marks_found_;
    // Number keys written as text, one per key asked for: each stays put until the next
    // record (a deque never moves its elements), so a key view outlives the next key_of.
    std::deque<std::string> number_keys_;
    // The record's fields and the subscriber database's facts, with the record_stamp_ each
    // was worked out for. Not kept: call.gap_ms and the others the engine sets after begin()
    // (their stamps are never written, so they never match) and extra.* (one id for every
    // extra field). A call attempt's rules read subscriber fields six times: each read went
    // through the facts and a switch.
    static constexpr std::size_t cached_fields = static_cast<std::size_t>(field_id::subscriber_last);
    static constexpr bool keeps(std::size_t id) noexcept {
        return id < cached_fields && (id < static_cast<std::size_t>(field_id::call_gap_ms) || id >= static_cast<std::size_t>(field_id::caller_subscriber_first));
    }
    field_value get_uncached(const field_ref& f);
    field_value compute(const field_ref& f);
    std::array<field_value, cached_fields> field_cache_;
    std::array<std::uint64_t, cached_fields> field_stamp_{};
    std::vector<std::uint64_t> list_miss_stamp_;  // per memo slot: the record_stamp_ of a miss
    std::vector<std::uint64_t> result_stamp_;     // per result slot: record_stamp_ << 1 | result
    struct keyword_scan_result {
        std::uint64_t stamp = 0;  // the record_stamp_ it was made for
        std::uint64_t found = 0;  // bit b: list b holds a keyword of the text
        std::vector<std::uint32_t> first;  // per list: the automaton's index of its first keyword
    };
    std::vector<keyword_scan_result> keyword_scans_;
    std::uint64_t record_stamp_ = 0;              // one per record (begin), so nothing is cleared
    std::vector<double> agg_values_;
    std::vector<std::uint8_t> agg_ready_;
    std::vector<std::vector<std::pair<std::string_view, double>>> agg_elements_;  // set-keyed aggregates
    std::vector<std::string_view> keys_scratch_;
    struct except_result {
        field_id field;
        std::uint32_t list;
        std::vector<std::string> kept;
    };
    std::vector<except_result> excepts_;  // this record's; the first excepts_used_ are live
    std::size_t excepts_used_ = 0;
};

// Evaluates node n for the context's record.
bool evaluate(eval_context& ctx, std::uint32_t n);

}  // namespace ringfence::engine
