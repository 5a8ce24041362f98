#include "engine/field_registry.hpp"

#include <deque>

namespace ringfence::engine {

namespace {

const std::vector<std::string_view> kinds{"call.attempt", "call.answer", "call.end", "sms.submit", "sms.deliver"};
const std::vector<std::string_view> number_types{"unknown", "mobile", "fixed", "toll_free", "premium", "shared_cost",
                                                 "voip", "satellite", "short_code", "alphanumeric"};
const std::vector<std::string_view> origin_kinds{"", "home_mobile", "home_fixed", "interconnect", "international", "voip", "ott"};

std::vector<field_def> make_fields() {
    using T = field_type;
    using S = field_scope;
    std::vector<field_def> f{
        {field_id::kind, "kind", T::text, S::any, kinds, "the event kind"},
        {field_id::id, "id", T::text, S::any, {}, "the sender's record id"},
        {field_id::time_ms, "time_ms", T::number, S::any, {}, "record time, epoch milliseconds"},
        {field_id::origin_kind, "origin.kind", T::text, S::any, origin_kinds, "where the record entered the network"},
        {field_id::origin_trunk, "origin.trunk", T::text, S::any, {}, "trunk or peer name"},
        {field_id::origin_ip, "origin.ip", T::text, S::any, {}, "source IP address"},
        {field_id::origin_user_agent, "origin.user_agent", T::text, S::any, {}, "SIP User-Agent or client name"},
        {field_id::origin_ip_country, "origin.ip_country", T::text, S::any, {}, "ISO country of origin.ip from engine.ip_country_db (empty without one)"},
        {field_id::call_ring_ms, "call.ring_ms", T::number, S::calls, {}, "ringing time, ms"},
        {field_id::call_talk_ms, "call.talk_ms", T::number, S::calls, {}, "talk time, ms"},
        {field_id::call_cause, "call.cause", T::text, S::calls, {}, "end cause as sent"},
        {field_id::sms_sender, "sms.sender", T::text, S::sms, {}, "the sender as presented (number or brandname)"},
        {field_id::sms_sender_is_alpha, "sms.sender_is_alpha", T::boolean, S::sms, {}, "the sender is a brandname"},
        {field_id::sms_text, "sms.text", T::text, S::sms, {}, "message text"},
        {field_id::sms_text_folded, "sms.text_folded", T::text, S::sms, {}, "text without diacritics, lower case, spacing folded"},
        {field_id::sms_text_compact, "sms.text_compact", T::text, S::sms, {}, "sms.text_folded with its spaces left out: 'c.h.u.y.e.n k.h.o.a.n' reads 'chuyenkhoan'"},
        {field_id::sms_text_compact_no_links, "sms.text_compact_no_links", T::text, S::sms, {},
         "sms.text_compact with each link read as the word 'link': the words written for the reader, not a link's path"},
        {field_id::sms_parts, "sms.parts", T::number, S::sms, {}, "concatenated parts"},
        {field_id::sms_length, "sms.length", T::number, S::sms, {}, "text length in characters"},
        {field_id::sms_urls, "sms.urls", T::text_set, S::sms, {}, "URLs written in the text"},
        {field_id::sms_domains, "sms.domains", T::text_set, S::sms, {}, "registered domain of each URL, and its look-alike skeleton"},
        {field_id::sms_bank_accounts, "sms.bank_accounts", T::text_set, S::sms, {}, "bank account numbers written in the text"},
        {field_id::sms_lookalike_domains, "sms.lookalike_domains", T::text_set, S::sms, {},
         "for each URL whose registered domain is written with look-alike characters (vietc0mbank.com.vn), the domain it imitates (vietcombank.com.vn)"},
        {field_id::sms_hosts, "sms.hosts", T::text_set, S::sms, {},
         "the whole host of each URL, subdomains and all, in ASCII and lower case (vietcombank.com.vn.dang-nhap.net), "
         "after the user info it is written with (vietcombank.com.vn@evil.net); a host written with look-alike characters also as the host it imitates"},
        {field_id::identity_mismatch, "identity.mismatch", T::boolean, S::any, {}, "presented and asserted caller differ"},
        {field_id::local_hour, "local_hour", T::number, S::any, {}, "hour of the record time in the configured time zone"},
        {field_id::call_gap_ms, "call.gap_ms", T::number, S::attempts, {}, "time since the same caller's previous call attempt"},
        {field_id::call_idle_ms, "call.idle_ms", T::number, S::attempts, {},
         "time since the same caller's previous call ended (its call.end): the gap between two calls, whatever their length"},
        {field_id::call_first_contact, "call.first_contact", T::boolean, S::attempts, {}, "the caller did not call this callee within the look-back"},
        {field_id::caller_concurrent_calls, "caller.concurrent_calls", T::number, S::calls, {}, "answered calls of the caller still in progress"},
    };
    struct party {
        const char* prefix;
        field_id raw, e164, country, type, is_home;
        S scope;
    };
    for (const party& p : {party{"caller", field_id::caller_raw, field_id::caller_e164, field_id::caller_country, field_id::caller_type, field_id::caller_is_home, S::any},
                           party{"callee", field_id::callee_raw, field_id::callee_e164, field_id::callee_country, field_id::callee_type, field_id::callee_is_home, S::any},
                           party{"asserted", field_id::asserted_raw, field_id::asserted_e164, field_id::asserted_country, field_id::asserted_type, field_id::asserted_is_home, S::any},
                           // The number a call was diverted (forwarded) from: SIP Diversion, or the switch's field.
                           party{"diversion", field_id::diversion_raw, field_id::diversion_e164, field_id::diversion_country, field_id::diversion_type,
                                 field_id::diversion_is_home, S::calls}}) {
        // Names live in static storage that never moves: field_def holds views of them.
        static std::deque<std::string> names;
        auto name = [&](const char* suffix) -> std::string_view {
            names.push_back(std::string(p.prefix) + "." + suffix);
            return names.back();
        };
        f.push_back({p.raw, name("raw"), T::text, p.scope, {}, "the number as presented"});
        f.push_back({p.e164, name("e164"), T::text, p.scope, {}, "E.164 form (+84…); empty for short codes and brandnames"});
        f.push_back({p.country, name("country"), T::text, p.scope, {}, "ISO 3166 country"});
        f.push_back({p.type, name("type"), T::text, p.scope, number_types, "number type from the numbering plan"});
        f.push_back({p.is_home, name("is_home"), T::boolean, p.scope, {}, "the number is domestic"});
    }
    static const std::vector<std::string_view> statuses{"active", "notified", "one_way_locked", "two_way_locked", "terminated"};
    static const std::vector<std::string_view> owner_types{"individual", "business"};
    static const std::vector<std::string_view> matches{"unchecked", "matched", "mismatch"};
    struct attribute {
        const char* name;
        field_type type;
        const std::vector<std::string_view>* allowed;
        const char* doc;
    };
    const attribute attributes[subscriber_attribute_count] = {
        {"exists", T::boolean, nullptr, "the number is in the subscriber database"},
        {"status", T::text, &statuses, "lifecycle status on the record's day (stored status advanced by the configured periods)"},
        {"status_since", T::text, nullptr, "day that status began (YYYY-MM-DD)"},
        {"verified", T::boolean, nullptr, "owner matched the population database and biometrics were verified"},
        {"age_days", T::number, nullptr, "days since the subscription was activated"},
        {"sims_per_owner", T::number, nullptr, "subscriptions held by the same owner (identity-document hash)"},
        {"owner_type", T::text, &owner_types, "individual or business"},
        {"population_match", T::text, &matches, "result of the population-database check"},
        {"biometric_verified", T::boolean, nullptr, "the owner's biometrics were verified"},
        {"reverify_pending", T::boolean, nullptr, "a device change awaits re-verification"},
        {"bank_link_verified", T::boolean, nullptr, "the bank account registered with the number belongs to this subscriber"},
    };
    for (const char* party : {"caller", "callee"}) {
        static std::deque<std::string> names;
        const auto first = std::string_view(party) == "caller" ? field_id::caller_subscriber_first : field_id::callee_subscriber_first;
        for (int i = 0; i < subscriber_attribute_count; ++i) {
            names.push_back(std::string(party) + ".subscriber." + attributes[i].name);
            const auto id = static_cast<field_id>(static_cast<int>(first) + i);
            f.push_back({id, names.back(), attributes[i].type, S::any, attributes[i].allowed ? *attributes[i].allowed : std::vector<std::string_view>{},
                         attributes[i].doc});
        }
    }
    return f;
}

}  // namespace

std::string_view to_string(field_type t) noexcept {
    switch (t) {
        case field_type::text: return "text";
        case field_type::number: return "number";
        case field_type::boolean: return "boolean";
        case field_type::text_set: return "set of text";
    }
    return "?";
}

const std::vector<field_def>& all_fields() {
    static const std::vector<field_def> fields = make_fields();
    return fields;
}

std::string field_ref::name() const { return id == field_id::extra ? "extra." + extra_name : std::string(def ? def->name : ""); }

std::optional<field_ref> find_field(std::string_view name) {
    if (name.rfind("extra.", 0) == 0 && name.size() > 6) {
        static const field_def extra_def{field_id::extra, "extra.*", field_type::text, field_scope::any, {}, "a field the wire form does not define"};
        return field_ref{field_id::extra, std::string(name.substr(6)), &extra_def};
    }
    for (const auto& f : all_fields())
        if (f.name == name) return field_ref{f.id, {}, &f};
    return std::nullopt;
}

}  // namespace ringfence::engine
