#include "engine/eval_context.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <cmath>
#include <limits>

#include "common/utf8_check.hpp"
#include "engine/rule_text.hpp"
#include "model/civil_date.hpp"
#include "model/e164_integer.hpp"
#include "engine/text/bank_account_extractor.hpp"
#include "engine/text/sms_domains.hpp"
#include "engine/text/text_fold.hpp"
#include "engine/text/url_extractor.hpp"
#include "engine/text/url_key.hpp"

namespace ringfence::engine {

namespace {

field_value text_value(std::string_view s, bool present) {
    field_value v;
    v.type = field_type::text;
    v.present = present && !s.empty();
    v.text = s;
    return v;
}

field_value number_value(double n, bool present) {
    field_value v;
    v.type = field_type::number;
    v.present = present;
    v.number = n;
    return v;
}

field_value bool_value(bool b, bool present = true) {
    field_value v;
    v.type = field_type::boolean;
    v.present = present;
    v.boolean = b;
    return v;
}

}  // namespace

eval_context::eval_context(const compiled_ruleset& rs, const common::time_zone& tz, state::window_store& windows,
                           const subscribers::subscriber_source* subscribers, const geoip::ip_country_db* ip_countries)
    : rs_(rs), tz_(tz), windows_(windows), ip_countries_(ip_countries), subscribers_(subscribers), agg_values_(rs.aggregates.size()), agg_ready_(rs.aggregates.size()),
      agg_elements_(rs.aggregates.size()) {
    list_miss_stamp_.assign(rs.list_memo_slots, 0);
    result_stamp_.assign(rs.result_memo_slots, 0);
    keyword_scans_.resize(rs.keyword_scans.size());
    for (std::size_t k = 0; k < keyword_scans_.size(); ++k) keyword_scans_[k].first.assign(rs.keyword_scans[k].list_count, 0);
}

std::optional<std::string_view> eval_context::keyword_scan_hit(std::uint32_t scan, std::uint8_t bit, std::string_view text) {
    const keyword_scan& ks = rs_.keyword_scans[scan];
    keyword_scan_result& r = keyword_scans_[scan];
    if (r.stamp != record_stamp_) {
        r.stamp = record_stamp_;
        r.found = 0;
        // Occurrences come by end offset, the longest first at each: a list's first one is
        // what its own automaton's first_match gives.
        ks.automaton.for_each_match(text, [&](std::uint32_t keyword, std::size_t) {
            for (std::uint64_t fresh = ks.lists_of[keyword] & ~r.found; fresh != 0; fresh &= fresh - 1)
                r.first[static_cast<std::size_t>(std::countr_zero(fresh))] = keyword;
            r.found |= ks.lists_of[keyword];
        });
    }
    if ((r.found >> bit & 1) == 0) return std::nullopt;
    return ks.items[static_cast<std::size_t>(r.first[bit]) * ks.list_count + bit];
}

void eval_context::begin(const model::record& rec) {
    rec_ = &rec;
    ++record_stamp_;
    folded_ready_ = compact_ready_ = urls_ready_ = accounts_ready_ = plain_ready_ = false;
    excepts_used_ = 0;
    compact_no_links_ready_ = false;
    url_keys_ready_ = false;
    minute_ = -1;
    day_.reset();
    ip_country_ready_ = false;
    facts_ready_[0] = facts_ready_[1] = false;
    lowered_for_ = -1;
    composed_for_ = -1;
    marks_checked_.reset();
    marks_found_.reset();
    number_keys_.clear();
    std::fill(agg_ready_.begin(), agg_ready_.end(), 0);
    gap_ms.reset();
    idle_ms.reset();
    first_contact = true;
    concurrent_calls = 0;
    evidence.clear();
    unless_blocked_adds.clear();
}

void eval_context::derive_text() {
    if (folded_ready_) return;
    text::fold_text(rec_->sms.text, folded_);
    folded_ready_ = true;
}

std::string_view eval_context::plain_text() {
    if (!plain_ready_) {
        plain_view_ = text::unmask_ascii(rec_->sms.text, plain_) ? std::string_view(plain_) : std::string_view(rec_->sms.text);
        plain_ready_ = true;
    }
    return plain_view_;
}

void eval_context::derive_compact_without_links() {
    if (compact_no_links_ready_) return;
    derive_urls();
    // Each run of non-space characters that holds a link (as the URL extractor reads it,
    // defanged forms included) becomes the word "link". A word, not nothing: the words on
    // either side of a link must not run together into a phrase the message never wrote
    // ("truy cap <link> de doi diem").
    if (urls_.empty() && plain_text().data() == rec_->sms.text.data()) {
        // No link, and nothing unmasked: the text is sms.text's, and so is its compact form.
        compact_no_links_ = derive_compact();
    } else {
        text::replace_link_words(plain_text(), url_starts_, without_links_);
        text::fold_text(without_links_, folded_no_links_);
        text::compact_folded(folded_no_links_, compact_no_links_);
    }
    compact_no_links_ready_ = true;
}

const std::string& eval_context::derive_compact() {
    if (!compact_ready_) {
        derive_text();
        text::compact_folded(folded_, compact_);
        compact_ready_ = true;
    }
    return compact_;
}

void eval_context::derive_urls() {
    if (urls_ready_) return;
    // Both write over the last message's strings, keeping their buffers.
    text::extract_urls(plain_text(), urls_, url_starts_);
    text::collect_sms_domains(urls_, domains_, &written_domains_, &lookalike_domains_, &hosts_);
    urls_ready_ = true;
}

void eval_context::derive_accounts() {
    if (accounts_ready_) return;
    accounts_.clear();
    text::extract_bank_accounts(plain_text(), accounts_);
    accounts_ready_ = true;
}

int eval_context::minute_of_day() {
    if (minute_ < 0) minute_ = tz_.minute_of_day(rec_->time_ms);
    return minute_;
}

std::int32_t eval_context::local_day() {
    if (!day_) day_ = tz_.local_day(rec_->time_ms);
    return *day_;
}

const subscribers::subscriber_facts& eval_context::subscriber(bool callee) {
    const int party = callee ? 1 : 0;
    if (facts_ready_[party]) return facts_[party];
    facts_ready_[party] = true;
    facts_[party] = {};
    if (!subscribers_) return facts_[party];
    if (const std::uint64_t g = subscribers_->generation(); g != index_generation_) {
        index_ = subscribers_->current();
        index_generation_ = g;
    }
    const model::number_info& n = callee ? rec_->callee : rec_->caller;
    if (!index_ || !n.present) return facts_[party];
    if (const auto key = model::e164_to_integer(n.e164)) {
        facts_[party] = index_->facts(*key, local_day(), subscribers_->periods());
    }
    return facts_[party];
}

field_value eval_context::subscriber_value(const field_ref& f) {
    const bool callee = is_callee_subscriber_field(f.id);
    const subscribers::subscriber_facts& s = subscriber(callee);
    using A = subscriber_attribute;
    const A a = subscriber_attribute_of(f.id);
    if (a == A::exists) return bool_value(s.exists);
    // Every other attribute is absent for a number the database does not hold, so a test
    // such as `caller.subscriber.verified = false` does not fire on foreign numbers.
    switch (a) {
        case A::exists: break;
        case A::status: return text_value(subscribers::to_string(s.status), s.exists);
        case A::status_since: {
            // Formatted only when a rule or reason reads it.
            std::string& text = since_text_[callee ? 1 : 0];
            text.clear();
            if (s.exists) model::append_iso_date(text, s.status_since);
            return text_value(text, s.exists);
        }
        case A::verified: return bool_value(s.verified, s.exists);
        case A::age_days: return number_value(s.age_days, s.exists);
        case A::sims_per_owner: return number_value(s.sims_per_owner, s.exists);
        case A::owner_type: return text_value(subscribers::to_string(s.owner), s.exists);
        case A::population_match: return text_value(subscribers::to_string(s.match), s.exists);
        case A::biometric_verified: return bool_value(s.biometric_verified, s.exists);
        case A::reverify_pending: return bool_value(s.reverify_pending, s.exists);
        case A::bank_link_verified: return bool_value(s.bank_link_verified, s.exists);
    }
    return bool_value(false, false);
}

std::string_view eval_context::composed_text(const field_ref& f, std::string_view text) {
    // The folded texts drop combining marks as they fold: nothing to compose there.
    if (f.id == field_id::sms_text_folded || f.id == field_id::sms_text_compact || f.id == field_id::sms_text_compact_no_links) return text;
    const auto bit = static_cast<std::size_t>(f.id);
    if (f.id == field_id::extra) {  // several extra fields share the id: each is looked at
        if (!has_combining_mark(text)) return text;
    } else {
        if (!marks_checked_[bit]) {
            marks_checked_[bit] = true;
            marks_found_[bit] = has_combining_mark(text);
        }
        if (!marks_found_[bit]) return text;
    }
    const int id = static_cast<int>(f.id);
    if (composed_for_ != id || f.id == field_id::extra) {
        compose_text_into(text, composed_);
        composed_for_ = id;
    }
    return composed_;
}

std::string_view eval_context::lowered_text(const field_ref& f) {
    const int id = static_cast<int>(f.id);
    if (lowered_for_ != id || f.id == field_id::extra) {
        lower_text_into(get(f).text, lowered_);
        lowered_for_ = id;
    }
    return lowered_;
}

field_value eval_context::get_uncached(const field_ref& f) {
    const field_value v = compute(f);
    if (const auto id = static_cast<std::size_t>(f.id); keeps(id)) {
        field_cache_[id] = v;
        field_stamp_[id] = record_stamp_;
    }
    return v;
}

field_value eval_context::compute(const field_ref& f) {
    const model::record& r = *rec_;
    // A call's fields on an SMS record and an SMS's on a call (a record may carry both
    // objects): absent, as the compiler says when it warns that such a test is always false.
    const auto carries = [&r](field_scope scope) {
        switch (scope) {
            case field_scope::any: return true;
            case field_scope::calls: return model::is_call(r.kind);
            case field_scope::attempts: return r.kind == model::event_kind::call_attempt;
            case field_scope::sms: return model::is_sms(r.kind);
        }
        return true;
    };
    if (!carries(scope_of(f.id))) {
        field_value absent;
        absent.type = f.def != nullptr ? f.def->type : field_type::text;
        return absent;
    }
    if (is_subscriber_field(f.id)) return subscriber_value(f);
    auto number_party = [](const model::number_info& n, int part) -> field_value {
        switch (part) {
            case 0: return text_value(n.raw, n.present);
            case 1: return text_value(n.e164, n.present);
            case 2: return text_value(n.country, n.present);
            case 3: return text_value(n.present ? model::to_string(n.type) : std::string_view(), n.present);
            default: return bool_value(n.is_home, n.present);
        }
    };
    switch (f.id) {
        case field_id::kind: return text_value(model::to_string(r.kind), true);
        case field_id::id: return text_value(r.id, true);
        case field_id::time_ms: return number_value(static_cast<double>(r.time_ms), true);
        case field_id::caller_raw: return number_party(r.caller, 0);
        case field_id::caller_e164: return number_party(r.caller, 1);
        case field_id::caller_country: return number_party(r.caller, 2);
        case field_id::caller_type: return number_party(r.caller, 3);
        case field_id::caller_is_home: return number_party(r.caller, 4);
        case field_id::callee_raw: return number_party(r.callee, 0);
        case field_id::callee_e164: return number_party(r.callee, 1);
        case field_id::callee_country: return number_party(r.callee, 2);
        case field_id::callee_type: return number_party(r.callee, 3);
        case field_id::callee_is_home: return number_party(r.callee, 4);
        case field_id::asserted_raw: return number_party(r.asserted, 0);
        case field_id::asserted_e164: return number_party(r.asserted, 1);
        case field_id::asserted_country: return number_party(r.asserted, 2);
        case field_id::asserted_type: return number_party(r.asserted, 3);
        case field_id::asserted_is_home: return number_party(r.asserted, 4);
        case field_id::diversion_raw: return number_party(r.diversion, 0);
        case field_id::diversion_e164: return number_party(r.diversion, 1);
        case field_id::diversion_country: return number_party(r.diversion, 2);
        case field_id::diversion_type: return number_party(r.diversion, 3);
        case field_id::diversion_is_home: return number_party(r.diversion, 4);
        case field_id::origin_kind: return text_value(model::to_string(r.origin.kind), r.origin.kind != model::origin_kind::unspecified);
        case field_id::origin_trunk: return text_value(r.origin.trunk, true);
        case field_id::origin_ip: return text_value(r.origin.ip, true);
        case field_id::origin_user_agent: return text_value(r.origin.user_agent, true);
        case field_id::origin_ip_country:
            if (!ip_country_ready_) {
                ip_country_view_ = ip_countries_ ? ip_countries_->country(r.origin.ip, ip_country_) : std::string_view();
                ip_country_ready_ = true;
            }
            return text_value(ip_country_view_, true);
        case field_id::call_ring_ms:
        case field_id::call_talk_ms: {
            const std::optional<double> v = call_number(f.id);
            return number_value(v.value_or(0), v.has_value());
        }
        case field_id::call_cause: return text_value(r.call.cause, true);
        case field_id::sms_sender: return text_value(r.sms.sender, r.sms.present);
        case field_id::sms_sender_is_alpha: return bool_value(r.sms.sender_is_alpha, r.sms.present);
        case field_id::sms_text: return text_value(r.sms.text, r.sms.present);
        case field_id::sms_text_folded:
            derive_text();
            return text_value(folded_, r.sms.present);
        case field_id::sms_text_compact: return text_value(derive_compact(), r.sms.present);
        case field_id::sms_text_compact_no_links:
            derive_compact_without_links();
            return text_value(compact_no_links_, r.sms.present);
        case field_id::sms_parts: return number_value(static_cast<double>(r.sms.parts), r.sms.present);
        case field_id::sms_length: return number_value(static_cast<double>(common::utf8_characters(r.sms.text)), r.sms.present);
        case field_id::sms_urls:
        case field_id::sms_domains:
        case field_id::sms_lookalike_domains:
        case field_id::sms_hosts: {
            derive_urls();
            field_value v;
            v.type = field_type::text_set;
            v.set = f.id == field_id::sms_urls ? &urls_
                    : f.id == field_id::sms_domains ? &domains_
                    : f.id == field_id::sms_hosts   ? &hosts_
                                                    : &lookalike_domains_;
            v.present = !v.set->empty();
            return v;
        }
        case field_id::sms_bank_accounts: {
            derive_accounts();
            field_value v;
            v.type = field_type::text_set;
            v.set = &accounts_;
            v.present = !accounts_.empty();
            return v;
        }
        case field_id::identity_mismatch: {
            const bool both = r.asserted.present && r.caller.present;
            const std::string_view a = r.asserted.e164.empty() ? std::string_view(r.asserted.raw) : std::string_view(r.asserted.e164);
            const std::string_view c = r.caller.e164.empty() ? std::string_view(r.caller.raw) : std::string_view(r.caller.e164);
            return bool_value(both && a != c);
        }
        case field_id::local_hour: return number_value(minute_of_day() / 60, true);
        // One reading of a call's numbers, which node::call_number tests share.
        case field_id::call_gap_ms:
        case field_id::call_idle_ms:
        case field_id::caller_concurrent_calls: {
            const std::optional<double> v = call_number(f.id);
            return number_value(v.value_or(0), v.has_value());
        }
        case field_id::call_first_contact: {
            const std::optional<double> v = call_number(f.id);
            return bool_value(v.value_or(0) != 0, v.has_value());
        }
        case field_id::caller_subscriber_first:
        case field_id::callee_subscriber_first:
        case field_id::subscriber_last: break;  // answered above
        case field_id::extra:
            for (const auto& x : r.extra)
                if (x.name == f.extra_name) return text_value(x.text, x.type != model::extra_field::json_type::null);
            return text_value({}, false);
    }
    return {};
}

std::string_view eval_context::key_of(const aggregate_def& d) {
    if (!d.has_by) return "*";
    return key_text(d.by);
}

std::string_view eval_context::read_key_of(const aggregate_def& d) {
    return d.has_for ? key_text(d.for_field) : key_of(d);
}

std::string_view eval_context::key_text(const field_ref& f) {
    const field_value v = get(f);
    if (!v.present) return {};
    switch (v.type) {
        case field_type::text: return v.text;
        case field_type::number:
            return number_keys_.emplace_back(fmt::format("{}", v.number));
        case field_type::boolean: return v.boolean ? "true" : "false";
        case field_type::text_set: return {};
    }
    return {};
}

namespace {

// The account number of an sms.bank_accounts element: "VCB:0011004012345" and
// "0011004012345" are one account.
std::string_view account_digits(std::string_view element) {
    const std::size_t colon = element.find(':');
    return colon == std::string_view::npos ? element : element.substr(colon + 1);
}

}  // namespace

const std::vector<std::string>& eval_context::set_except(const field_ref& f, std::uint32_t list, const std::vector<std::string>& values) {
    for (std::size_t i = 0; i < excepts_used_; ++i)
        if (excepts_[i].field == f.id && excepts_[i].list == list) return excepts_[i].kept;
    if (excepts_used_ == excepts_.size()) excepts_.emplace_back();
    except_result& r = excepts_[excepts_used_++];
    r.field = f.id;
    r.list = list;
    std::size_t used = 0;
    const list_matcher& matcher = *rs_.lists[list];
    thread_local std::vector<std::string_view> listed_accounts;
    listed_accounts.clear();
    if (f.id == field_id::sms_bank_accounts) {
        // An account the list holds in either form (with its bank code or bare) is left out
        // in both forms.
        for (const std::string& element : values)
            if (matcher.match(element)) listed_accounts.push_back(account_digits(element));
    }
    // URL lists hold keys, as `in` compares them (values are the record's URLs, in order).
    const std::vector<std::string>* keys = f.id == field_id::sms_urls ? &url_keys() : nullptr;
    for (std::size_t i = 0; i < values.size(); ++i) {
        const std::string& element = values[i];
        if (f.id == field_id::sms_bank_accounts) {
            if (std::find(listed_accounts.begin(), listed_accounts.end(), account_digits(element)) != listed_accounts.end()) continue;
        } else if (matcher.match(keys != nullptr ? std::string_view((*keys)[i]) : std::string_view(element))) {
            continue;
        }
        if (used == r.kept.size()) r.kept.emplace_back();
        r.kept[used++].assign(element);
    }
    r.kept.resize(used);
    return r.kept;
}

const std::vector<std::string>& eval_context::url_keys() {
    if (!url_keys_ready_) {
        derive_urls();
        url_keys_.resize(urls_.size());
        for (std::size_t i = 0; i < urls_.size(); ++i) {
            text::url_key(urls_[i], url_keys_[i]);
            if (url_keys_[i].empty()) url_keys_[i] = urls_[i];
        }
        url_keys_ready_ = true;
    }
    return url_keys_;
}

void eval_context::set_keys(const field_ref& f, std::vector<std::string_view>& out, std::uint32_t except_list) {
    out.clear();
    const field_value v = get(f);
    if (!v.present || v.type != field_type::text_set || v.set == nullptr) return;
    // Each element in the one form that names it once: a URL by its key (as lists compare
    // it), a link by its registered domain as written (not also its look-alike form), an
    // account by its digits (not also with its bank code).
    const std::vector<std::string>* source = v.set;
    const list_matcher* except = except_list == operand::no_except ? nullptr : rs_.lists[except_list].get();
    if (f.id == field_id::sms_urls) {
        source = &url_keys();
    } else if (f.id == field_id::sms_domains) {
        source = &written_domains_;
    } else if (f.id == field_id::sms_bank_accounts && except != nullptr) {
        source = &set_except(f, except_list, *v.set);  // leaves an account out in both forms
        except = nullptr;
    }
    for (const std::string& e : *source) {
        std::string_view key = e;
        if (f.id == field_id::sms_bank_accounts) {
            if (e.find(':') != std::string::npos) continue;  // its bare form follows it
            key = account_digits(e);
        }
        if (key.empty() || std::find(out.begin(), out.end(), key) != out.end()) continue;
        if (except != nullptr && except->match(key)) continue;
        out.push_back(key);
        if (out.size() == max_set_keys) break;
    }
}

void eval_context::add_aggregate_element(std::uint32_t a, std::string_view key, double v) {
    if (!agg_ready_[a]) {
        agg_elements_[a].clear();
        agg_ready_[a] = 1;
    }
    agg_elements_[a].emplace_back(key, v);
}

const std::vector<std::pair<std::string_view, double>>& eval_context::aggregate_elements(std::uint32_t a) {
    if (agg_ready_[a]) return agg_elements_[a];
    const aggregate_def& d = rs_.aggregates[a];
    auto& elements = agg_elements_[a];
    elements.clear();
    // Read `for` a set: its elements as they are; `by` a set: as the state was fed.
    set_keys(d.has_for ? d.for_field : d.by, keys_scratch_, d.has_for ? operand::no_except : d.by_except);
    for (const std::string_view key : keys_scratch_) elements.emplace_back(key, windows_.value(d.spec_id, key, rec_->time_ms));
    agg_ready_[a] = 1;
    return elements;
}

double eval_context::aggregate_value(std::uint32_t a) {
    if (const aggregate_def& d = rs_.aggregates[a]; d.keyed_by_set) {
        double best = state::window_entry::empty_value(d.fn);
        for (const auto& [key, v] : aggregate_elements(a))
            if (!std::isnan(v) && (std::isnan(best) || v > best)) best = v;
        return best;
    }
    if (agg_ready_[a]) return agg_values_[a];
    const aggregate_def& d = rs_.aggregates[a];
    const std::string_view key = read_key_of(d);
    // No key (the record lacks the `by` or `for` field): no value, so every test on it is
    // false, as a test on a field the record does not carry is; 0 would make `< 1` fire.
    const double v = key.empty()  ? std::numeric_limits<double>::quiet_NaN()
                     : d.shared() ? windows_.member_value(d.spec_id, d.layout, d.member, key, rec_->time_ms)
                                  : windows_.value(d.spec_id, key, rec_->time_ms);
    set_aggregate_value(a, v);
    return v;
}

void eval_context::set_aggregate_value(std::uint32_t a, double v) {
    agg_values_[a] = v;
    agg_ready_[a] = 1;
}

}  // namespace ringfence::engine
