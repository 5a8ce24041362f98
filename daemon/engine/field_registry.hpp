// Every field a condition, reason or aggregate can name: its type, which events carry it,
// and (for enumerations) the values it can take, so typos are load errors, not silent misses.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ringfence::engine {

enum class field_type : std::uint8_t { text, number, boolean, text_set };
std::string_view to_string(field_type t) noexcept;

enum class field_id : std::uint16_t {
    kind, id, time_ms,
    caller_raw, caller_e164, caller_country, caller_type, caller_is_home,
    callee_raw, callee_e164, callee_country, callee_type, callee_is_home,
    asserted_raw, asserted_e164, asserted_country, asserted_type, asserted_is_home,
    diversion_raw, diversion_e164, diversion_country, diversion_type, diversion_is_home,
    origin_kind, origin_trunk, origin_ip, origin_user_agent, origin_ip_country,
    call_ring_ms, call_talk_ms, call_cause,
    sms_sender, sms_sender_is_alpha, sms_text, sms_text_folded, sms_text_compact, sms_text_compact_no_links, sms_parts, sms_length,
    sms_urls, sms_domains, sms_bank_accounts, sms_lookalike_domains, sms_hosts,
    identity_mismatch, local_hour,
    call_gap_ms, call_idle_ms, call_first_contact, caller_concurrent_calls,
    // caller.subscriber.* then callee.subscriber.*, in subscriber_attribute order.
    caller_subscriber_first,
    callee_subscriber_first = caller_subscriber_first + 11,
    subscriber_last = callee_subscriber_first + 11,
    extra,  // extra.<name>: text (the field's text as sent)
};

// The attributes of caller.subscriber.* and callee.subscriber.* (the subscriber database).
enum class subscriber_attribute : std::uint8_t {
    exists, status, status_since, verified, age_days, sims_per_owner, owner_type, population_match,
    biometric_verified, reverify_pending, bank_link_verified,
};
inline constexpr int subscriber_attribute_count = 11;

// The message's text in any of its forms: personal data the decision log keeps only where
// decision_log.record_content says; evidence names the keyword that matched, not the text.
inline bool is_message_text(field_id id) {
    return id == field_id::sms_text || id == field_id::sms_text_folded || id == field_id::sms_text_compact ||
           id == field_id::sms_text_compact_no_links;
}
// What decision_log.record_content withholds: the message's text and the sender's extra
// fields. Evidence and reasons never carry them.
inline bool is_private_content(field_id id) { return is_message_text(id) || id == field_id::extra; }
inline bool is_subscriber_field(field_id id) { return id >= field_id::caller_subscriber_first && id < field_id::subscriber_last; }
inline bool is_callee_subscriber_field(field_id id) { return id >= field_id::callee_subscriber_first && id < field_id::subscriber_last; }
inline subscriber_attribute subscriber_attribute_of(field_id id) {
    const auto first = is_callee_subscriber_field(id) ? field_id::callee_subscriber_first : field_id::caller_subscriber_first;
    return static_cast<subscriber_attribute>(static_cast<int>(id) - static_cast<int>(first));
}

// attempts: call.attempt only (the call history is of attempts: a gap or a first contact
// is an attempt's, and an answer or end has none).
enum class field_scope : std::uint8_t { any, calls, attempts, sms };

// The records that carry field id (field_def::scope), from the id alone: read for every field
// of every record, so without a table lookup. A test checks it against all_fields().
inline field_scope scope_of(field_id id) {
    if (id >= field_id::diversion_raw && id <= field_id::diversion_is_home) return field_scope::calls;
    if (id >= field_id::call_ring_ms && id <= field_id::call_cause) return field_scope::calls;
    if (id >= field_id::sms_sender && id <= field_id::sms_hosts) return field_scope::sms;
    if (id == field_id::call_gap_ms || id == field_id::call_idle_ms || id == field_id::call_first_contact) return field_scope::attempts;
    if (id == field_id::caller_concurrent_calls) return field_scope::calls;
    return field_scope::any;
}

struct field_def {
    field_id id;
    std::string_view name;
    field_type type;
    field_scope scope;
    std::vector<std::string_view> allowed;  // non-empty: the only values it can take
    std::string_view doc;
};

struct field_ref {
    field_id id = field_id::kind;
    std::string extra_name;  // for extra.<name>
    const field_def* def = nullptr;
    std::string name() const;
};

// Looks a field up by name; extra.<anything> is always found. nullopt when unknown.
std::optional<field_ref> find_field(std::string_view name);
const std::vector<field_def>& all_fields();

}  // namespace ringfence::engine
