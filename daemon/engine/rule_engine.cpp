#include "engine/rule_engine.hpp"

#include "model/dial_string.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>

#include "common/json_writer.hpp"
#include "engine/eval_context.hpp"
#include "engine/fast_leaf.hpp"
#include "engine/regex_matcher.hpp"
#include "engine/lists/string_hash.hpp"
#include "engine/rule_compiler.hpp"
#include "engine/rule_text.hpp"
#include "engine/state/window_snapshot.hpp"

namespace ringfence::engine {

namespace {

// Every rule name the packs define, switched off or not.
std::vector<std::string> defined_rule_names(const rule_items& items) {
    std::vector<std::string> names;
    for (const auto& r : items.rules) names.push_back(r.name);
    return names;
}

// A reason is a line an operator reads, logged with every decision: a field's text is cut at
// this many bytes and a set lists this many elements (an SMS can carry thousands of links).
constexpr std::size_t max_reason_field_bytes = 256;
constexpr std::size_t max_reason_set_elements = 5;

// Appends text to out, cut at max_reason_field_bytes on a character boundary ("…" marks a cut).
void append_reason_text(std::string& out, std::string_view text) {
    if (text.size() <= max_reason_field_bytes) {
        out.append(text);
        return;
    }
    std::size_t end = max_reason_field_bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    out.append(text.substr(0, end));
    out.append("…");
}

// A field's value as a reason shows it.
void append_reason_value(std::string& out, const field_value& v) {
    switch (v.type) {
        case field_type::text: append_reason_text(out, v.text); break;
        case field_type::number: out += fmt::format("{}", v.number); break;
        case field_type::boolean: out += v.boolean ? "true" : "false"; break;
        case field_type::text_set: {
            const std::size_t shown = std::min(v.set->size(), max_reason_set_elements);
            for (std::size_t i = 0; i < shown; ++i) {
                if (i > 0) out += ", ";
                append_reason_text(out, (*v.set)[i]);
            }
            if (shown < v.set->size()) out += fmt::format(" and {} more", v.set->size() - shown);
            break;
        }
    }
}

// A value that renders as nothing in a reason: a field the record does not carry, or an
// empty text or set (an SMS with no sender given reads "SMS ... carries a link", not
// "SMS from  carries"); it is left out with its separators as a missing field is.
bool renders_empty(const field_value& v) {
    if (!v.present) return true;
    if (v.type == field_type::text) return v.text.empty();
    if (v.type == field_type::text_set) return v.set == nullptr || v.set->empty();
    return false;
}

// What may stand between fields and say nothing on its own.
bool is_separator(char c) { return c == ' ' || c == ',' || c == ';' || c == '/' || c == '-' || c == ':' || c == '|'; }
bool is_open(char c) { return c == '(' || c == '['; }
bool is_close(char c) { return c == ')' || c == ']'; }

// A reason with a field the record does not carry, as pieces: the field renders as nothing,
// and so do the separators it leaves with nothing on one side ("international ingress
// presents", not a double space; "(VN)" for "({asserted.country}, {diversion.country})" with
// only the first; "(US)" with only the second) and brackets left empty by it ("promotes
// gambling" for "promotes gambling ({sms.domains})" with no link), nested ones too.
// Each piece is a run of the reason's own text or of one field's rendered value (kept in
// `values`), by offset: the pieces of every render on a thread share one buffer, so a
// reason with a missing field costs no allocation once the buffers have grown.
struct reason_piece {
    enum class kind : std::uint8_t { word, separator, open, close, absent } k;
    const char* base = nullptr;  // the reason part's text, or nullptr: an offset into values
    std::size_t at = 0;
    std::size_t size = 0;
    bool weak = false;        // a separator beside a field left out (or brackets removed)
    bool held_absent = false;  // open: a field inside was left out
};

std::string render_with_absent_fields(eval_context& ctx, const compiled_rule& r) {
    using K = reason_piece::kind;
    thread_local std::vector<reason_piece> p;
    thread_local std::string values;
    p.clear();
    values.clear();
    for (const auto& part : r.reason) {
        if (part.is_field) {
            const field_value v = ctx.get(part.field);
            if (renders_empty(v)) {
                p.push_back({K::absent});
            } else {
                const std::size_t at = values.size();
                append_reason_value(values, v);
                p.push_back({K::word, nullptr, at, values.size() - at});
            }
            continue;
        }
        for (std::size_t i = 0; i < part.text.size(); ++i) {
            const char c = part.text[i];
            const K k = is_open(c) ? K::open : is_close(c) ? K::close : is_separator(c) ? K::separator : K::word;
            // A run of word or separator characters is one piece (contiguous in the text).
            if ((k == K::word || k == K::separator) && !p.empty() && p.back().k == k && p.back().base == part.text.data() &&
                p.back().at + p.back().size == i) {
                ++p.back().size;
            } else {
                p.push_back({k, part.text.data(), i, 1});
            }
        }
    }
    const auto text_of = [&](const reason_piece& q) {
        return q.base != nullptr ? std::string_view(q.base + q.at, q.size) : std::string_view(values).substr(q.at, q.size);
    };
    auto drop = [&](std::size_t i) { p.erase(p.begin() + static_cast<std::ptrdiff_t>(i)); };
    // Takes piece i out as a field left out: its neighbouring separators turn weak and the
    // brackets around it remember it.
    auto leave_out = [&](std::size_t i) {
        if (i > 0 && p[i - 1].k == K::separator) p[i - 1].weak = true;
        if (i + 1 < p.size() && p[i + 1].k == K::separator) p[i + 1].weak = true;
        int depth = 0;
        for (std::size_t j = i; j-- > 0;) {
            if (p[j].k == K::close) ++depth;
            if (p[j].k == K::open && depth-- == 0) {
                p[j].held_absent = true;
                break;
            }
        }
        drop(i);
    };
    for (bool changed = true; changed;) {
        changed = false;
        for (std::size_t i = 0; i < p.size(); ++i) {
            if (p[i].k == K::absent) {
                leave_out(i);
                changed = true;
                break;
            }
            // Brackets a left-out field emptied go as that field does.
            if (p[i].k == K::open && p[i].held_absent && i + 1 < p.size() && p[i + 1].k == K::close) {
                drop(i + 1);
                p[i].k = K::absent;
                changed = true;
                break;
            }
            if (p[i].k != K::separator || !p[i].weak) continue;
            const bool at_edge = i == 0 || i + 1 == p.size() || p[i - 1].k == K::open || p[i + 1].k == K::close;
            if (at_edge) {  // nothing on one side: it separates nothing
                drop(i);
                changed = true;
                break;
            }
            // Two separators that met: one stays, the one written beside a value if either,
            // else the one with a space ("pre-{trunk} x" reads "pre x", not "pre-x").
            if (p[i + 1].k == K::separator || p[i - 1].k == K::separator) {
                const auto spaced = [&](const reason_piece& q) { return text_of(q).find(' ') != std::string_view::npos; };
                if (p[i - 1].k == K::separator || !p[i + 1].weak || (spaced(p[i + 1]) && !spaced(p[i]))) {
                    drop(i);
                } else {
                    drop(i + 1);
                }
                changed = true;
                break;
            }
        }
    }
    std::string out;
    for (const auto& piece : p) out += text_of(piece);
    return out;
}

void render_reason(eval_context& ctx, const compiled_rule& r, std::string& out) {
    out.clear();
    for (const auto& p : r.reason) {
        if (!p.is_field) {
            out += p.text;
            continue;
        }
        const field_value v = ctx.get(p.field);
        if (renders_empty(v)) {  // not "0" or "false": the record does not say
            out = render_with_absent_fields(ctx, r);
            // Nothing left (every field of the reason missing): what a rule with no reason
            // says, so a decision never gives an auditor an empty reason.
            if (out.find_first_not_of(" \t") == std::string::npos) out = r.desc.empty() ? r.name : r.desc;
            return;
        }
        append_reason_value(out, v);
    }
}

// One eval_context per thread and rule set: it holds per-record caches sized for the set.
eval_context& context_for(const std::shared_ptr<const compiled_ruleset>& rs, const common::time_zone& tz, state::window_store& w,
                          const subscribers::subscriber_source* subs, const geoip::ip_country_db* ip_countries) {
    thread_local std::shared_ptr<const compiled_ruleset> owner;
    thread_local const state::window_store* owner_windows = nullptr;
    thread_local const common::time_zone* owner_tz = nullptr;
    thread_local const subscribers::subscriber_source* owner_subs = nullptr;
    thread_local const geoip::ip_country_db* owner_ip_countries = nullptr;
    thread_local std::unique_ptr<eval_context> ctx;
    if (owner != rs || owner_windows != &w || owner_tz != &tz || owner_subs != subs || owner_ip_countries != ip_countries || !ctx) {
        ctx.reset();
        owner = rs;
        owner_windows = &w;
        owner_tz = &tz;
        owner_subs = subs;
        owner_ip_countries = ip_countries;
        ctx = std::make_unique<eval_context>(*rs, tz, w, subs, ip_countries);
    }
    return *ctx;
}

// The window-state adds of one record, gathered first and applied as one batch (so their
// cache misses overlap: window_store::add_batch), then handed to the rules as values. Keys
// are views that stay valid for the record (eval_context::key_of).
struct aggregate_batch {
    std::vector<state::batched_add> adds;
    // Per add: the aggregate it answers, a shared list (shared_tag | its index) whose
    // members it answers, or none.
    std::vector<std::uint32_t> aggregate_of;
    static constexpr std::uint32_t no_aggregate = ~std::uint32_t{0};
    static constexpr std::uint32_t shared_tag = 0x80000000u;

    void clear() {
        adds.clear();
        aggregate_of.clear();
    }
    void push(std::uint32_t spec_id, std::string_view key, const state::observation& o, std::uint32_t aggregate) {
        state::batched_add a;
        a.spec_id = spec_id;
        a.key = key;
        a.o = o;
        a.want_value = aggregate != no_aggregate;
        adds.push_back(a);
        aggregate_of.push_back(aggregate);
    }
};

// The value hash of one `of` value: a number by its bits (no text is formatted on the hot
// path), text by its bytes.
std::uint64_t value_hash_of(const field_value& v, std::string_view element) {
    if (v.type == field_type::number)
        return lists::hash_string(std::string_view(reinterpret_cast<const char*>(&v.number), sizeof v.number));
    return lists::hash_string(v.type == field_type::text_set ? element : v.text);
}

void update_aggregates(eval_context& ctx, const compiled_ruleset& rs, state::window_store& windows) {
    thread_local aggregate_batch batch;
    thread_local std::vector<std::string_view> set_keys;    // `by` a set: its elements
    thread_local std::vector<std::string_view> set_values;  // `of` a set: its elements
    batch.clear();
    const model::record& rec = ctx.rec();
    const bool saved = ctx.collect_evidence;
    ctx.collect_evidence = false;
    for (const std::uint32_t a : rs.aggregates_by_kind[static_cast<int>(rec.kind)]) {
        const aggregate_def& d = rs.aggregates[a];
        set_keys.clear();
        if (d.keyed_by_set) {
            ctx.set_keys(d.by, set_keys, d.by_except);
        } else if (const std::string_view key = ctx.key_of(d); !key.empty()) {
            set_keys.push_back(key);
        }
        if (set_keys.empty()) continue;
        state::observation o;
        o.time_ms = rec.time_ms;
        o.matched = d.where == no_node || evaluate(ctx, d.where);
        field_value of_value;
        set_values.clear();
        if (d.has_of) {
            of_value = ctx.get(d.of);
            if (!of_value.present) o.matched = false;
            o.amount = of_value.number;
            if (of_value.type == field_type::text_set) {
                ctx.set_keys(d.of, set_values);  // distinct of a set: each element is a value
                if (set_values.empty()) o.matched = false;
            }
        }
        using fn = state::window_function;
        if (!o.matched && d.fn != fn::ratio) continue;
        o.outgoing = true;
        // Added now like any other, so records decided at once count each other; taken back
        // if the decision blocks (settle_unless_blocked).
        if (d.unless_blocked)
            for (const std::string_view key : set_keys) ctx.unless_blocked_adds.push_back({d.spec_id, std::string(key), o});
        const std::size_t values = set_values.empty() ? 1 : set_values.size();
        for (const std::string_view key : set_keys) {
            for (std::size_t v = 0; v < values; ++v) {
                if (d.has_of) o.value_hash = value_hash_of(of_value, set_values.empty() ? std::string_view() : set_values[v]);
                // The value is read after the key's last add, which counts this record whole.
                batch.push(d.spec_id, key, o, v + 1 == values ? a : aggregate_batch::no_aggregate);
            }
        }
        if (d.fn == fn::outgoing_share) {
            const std::string_view callee = rec.callee.e164.empty() ? std::string_view(rec.callee.raw) : std::string_view(rec.callee.e164);
            if (!callee.empty()) {
                o.outgoing = false;
                batch.push(d.spec_id, callee, o, aggregate_batch::no_aggregate);
            }
        }
    }
    // Shared lists: one add for all members, each member's filter a flag bit.
    for (const std::uint32_t index : rs.shared_lists_by_kind[static_cast<int>(rec.kind)]) {
        const shared_list& l = rs.shared_lists[index];
        const std::string_view key = ctx.key_of(rs.aggregates[l.members.front()]);
        if (key.empty()) continue;
        state::observation o;
        o.time_ms = rec.time_ms;
        o.layout = l.layout;
        for (std::size_t bit = 0; bit < l.members.size(); ++bit) {
            const aggregate_def& d = rs.aggregates[l.members[bit]];
            if (d.where == no_node || evaluate(ctx, d.where)) o.flags = static_cast<std::uint8_t>(o.flags | 1u << bit);
        }
        o.matched = o.flags != 0;
        if (!o.matched && !l.keeps_unmatched) continue;  // nothing to keep: members read the state when asked
        batch.push(l.spec_id, key, o, aggregate_batch::shared_tag | index);
    }
    ctx.collect_evidence = saved;
    windows.add_batch(batch.adds);
    for (std::size_t i = 0; i < batch.adds.size(); ++i) {
        const std::uint32_t a = batch.aggregate_of[i];
        if (a == aggregate_batch::no_aggregate) continue;
        if ((a & aggregate_batch::shared_tag) != 0) {
            const shared_list& l = rs.shared_lists[a & ~aggregate_batch::shared_tag];
            for (std::size_t bit = 0; bit < l.members.size(); ++bit) ctx.set_aggregate_value(l.members[bit], batch.adds[i].members[bit]);
            continue;
        }
        if (rs.aggregates[a].keyed_by_set)
            ctx.add_aggregate_element(a, batch.adds[i].key, batch.adds[i].value);
        else
            ctx.set_aggregate_value(a, batch.adds[i].value);
    }
}

// The `unless blocked` adds of the record this thread decided last, and the engine that
// decided it, kept until the next one (settle_last may change their fate after decide).
thread_local std::vector<eval_context::unless_blocked_add> last_unless_blocked;
thread_local const void* last_unless_blocked_engine = nullptr;

// A record the decision blocked was not let through: its `unless blocked` adds are taken
// back (or, blocked and then let through after all, made again).
void settle_unless_blocked(const std::vector<eval_context::unless_blocked_add>& adds, bool let_through, state::window_store& windows) {
    for (const eval_context::unless_blocked_add& a : adds) {
        if (let_through)
            windows.add(a.spec_id, a.key, a.o);
        else
            windows.retract(a.spec_id, a.key, a.o);
    }
}

// Starts loading the list entries the rules of this kind will look up (intelligence lists
// of millions: each lookup is a cache miss), so those loads overlap the record's window and
// call-history work instead of following it.
void prefetch_list_lookups(eval_context& ctx, const compiled_ruleset& rs) {
    for (const list_probe& p : rs.list_probes_by_kind[static_cast<int>(ctx.rec().kind)]) {
        const field_value v = ctx.get(p.field);
        if (v.present && v.type == field_type::text) rs.lists[p.list]->prefetch(v.text);
    }
}

}  // namespace

void append_evidence_json(std::string& out, const eval_context& ctx) {
    const compiled_ruleset& rs = ctx.ruleset();
    out += '{';
    bool first_section = true;
    auto section = [&](const char* name, evidence_item::kind k) {
        bool any = false;
        for (const auto& e : ctx.evidence) {
            if (e.k != k) continue;
            if (!any) {
                if (!first_section) out += ',';
                first_section = false;
                out += '"';
                out += name;
                out += "\":[";
            } else {
                out += ',';
            }
            any = true;
            out += '{';
            switch (k) {
                case evidence_item::kind::aggregate:
                    out += "\"aggregate\":";
                    common::append_json_string(out, rs.aggregates[e.index].text);
                    if (e.withheld) {
                        out += ",\"key_withheld\":true";
                    } else {
                        out += ",\"key\":";
                        common::append_json_string(out, e.value);
                    }
                    out += ",\"value\":";
                    common::append_json_double(out, e.number);
                    out += ",\"op\":";
                    common::append_json_string(out, condition::to_string(e.cmp));
                    out += ",\"threshold\":";
                    common::append_json_double(out, e.threshold);
                    break;
                case evidence_item::kind::list:
                    out += "\"list\":";
                    common::append_json_string(out, rs.lists[e.index]->name());
                    out += ",\"field\":";
                    common::append_json_string(out, e.field);
                    if (!e.value.empty()) {  // none for a keyword found in the message's text
                        out += ",\"value\":";
                        common::append_json_string(out, e.value);
                    }
                    out += ",\"entry\":";
                    common::append_json_string(out, e.entry);
                    if (!e.source.empty()) {  // an intelligence list: where the entry came from, and why
                        out += ",\"source\":";
                        common::append_json_string(out, e.source);
                        out += ",\"reason\":";
                        common::append_json_string(out, e.reason);
                    }
                    break;
                case evidence_item::kind::regex:
                    out += "\"field\":";
                    common::append_json_string(out, e.field);
                    out += ",\"pattern\":";
                    out += rs.regexes[e.index]->pattern_json();
                    break;
                case evidence_item::kind::field:
                    out += "\"field\":";
                    common::append_json_string(out, e.field);
                    out += ",\"value\":";
                    common::append_json_string(out, e.value);
                    break;
            }
            out += '}';
        }
        if (any) out += ']';
    };
    section("aggregates", evidence_item::kind::aggregate);
    section("lists", evidence_item::kind::list);
    section("patterns", evidence_item::kind::regex);
    section("subscriber", evidence_item::kind::field);
    out += '}';
}

rule_engine::rule_engine(const rule_engine_settings& settings, common::time_zone tz)
    : settings_(settings), tz_(std::move(tz)), windows_(std::make_unique<state::window_store>(settings.windows)), activity_(std::make_unique<call_activity>(settings.activity)) {
    for (const auto& n : settings_.emergency_numbers) emergency_dialled_.push_back(model::dial_string::scan(n));
}

namespace {
common::loaded<std::unique_ptr<rule_engine>> failed(std::vector<common::diagnostic> diags) {
    common::loaded<std::unique_ptr<rule_engine>> out;
    out.diagnostics = std::move(diags);
    return out;
}
}  // namespace

common::loaded<std::unique_ptr<rule_engine>> rule_engine::create(const rule_engine_settings& settings) {
    return create_from_text(settings, {});
}

common::loaded<std::unique_ptr<rule_engine>> rule_engine::create_from_text(
    const rule_engine_settings& settings, const std::vector<std::pair<std::string, std::string>>& documents) {
    std::string why;
    auto tz = common::time_zone::load(settings.time_zone, why);
    if (!tz) return failed({{common::severity::error, "CONFIG_BAD_VALUE", fmt::format("'engine.time_zone': '{}': {}", settings.time_zone, why), "", 0, 0}});
    std::unique_ptr<rule_engine> e(new rule_engine(settings, std::move(*tz)));
    if (!settings.ip_country_db.empty()) {
        std::string error;
        e->ip_countries_ = geoip::ip_country_db::open(settings.ip_country_db, error);
        if (!e->ip_countries_) return failed({{common::severity::error, "CONFIG_BAD_VALUE", fmt::format("'engine.ip_country_db': {}", error), "", 0, 0}});
    }
    auto ids = [raw = e.get()](const std::string& fp) { return raw->spec_id(fp); };
    // The layout the snapshot to be restored was written with, so its state fits (an
    // unreadable snapshot is reported when it is restored, not here).
    std::optional<event_list_layout> before;
    std::error_code ec;
    if (!settings.state_snapshot_path.empty() && std::filesystem::exists(settings.state_snapshot_path, ec)) {
        std::vector<state::stored_spec> stored;
        if (state::read_window_snapshot_specs(settings.state_snapshot_path, stored).empty()) before = layout_of(stored);
    }
    const event_list_layout* layout = before ? &*before : nullptr;
    loaded_ruleset loaded = documents.empty() ? load_ruleset(settings.rule_paths, ids, settings.intel.get(), layout)
                                              : load_ruleset_text(documents, ids, settings.intel.get(), layout);
    common::loaded<std::unique_ptr<rule_engine>> out;
    out.diagnostics = loaded.diagnostics;
    if (!loaded.ok()) return out;
    auto protected_diags = e->load_protected();
    out.diagnostics.insert(out.diagnostics.end(), protected_diags.begin(), protected_diags.end());
    if (common::has_errors(protected_diags)) return out;
    e->install(loaded.rules);
    if (settings.intel) settings.intel->retain(loaded.rules->intel_lists);
    for (auto& d : check_protected_numbers(*loaded.rules, *e->protected_, settings.protected_numbers.override_rules, defined_rule_names(loaded.items)))
        out.diagnostics.push_back(std::move(d));
    e->loaded_ = std::move(loaded);
    out.value = std::move(e);
    return out;
}

std::uint32_t rule_engine::spec_id(const std::string& fingerprint) {
    std::lock_guard lock(ids_mu_);
    auto [it, inserted] = spec_ids_.try_emplace(fingerprint, static_cast<std::uint32_t>(spec_ids_.size()));
    return it->second;
}

void rule_engine::install(std::shared_ptr<const compiled_ruleset> rs) {
    // Window-state ids stay the same for an aggregate across reloads, so records still in
    // flight on the previous rule set read the right state. Ids no loaded aggregate uses any
    // more hold a placeholder that never receives events.
    std::size_t count = 0;
    {
        std::lock_guard lock(ids_mu_);
        count = spec_ids_.size();
    }
    std::vector<state::window_spec> specs(count);
    for (std::size_t i = 0; i < count; ++i)
        specs[i] = {static_cast<std::uint32_t>(i), state::window_function::count, 1, fmt::format("unused:{}", i), {}};
    for (const auto& a : rs->aggregates)
        if (!a.shared()) specs[a.spec_id] = {a.spec_id, a.fn, a.window_ms, a.fingerprint, {}};
    for (const auto& l : rs->shared_lists)
        specs[l.spec_id] = {l.spec_id, state::window_function::count, l.window_ms, l.fingerprint, l.definitions};
    windows_->set_specs(std::move(specs));
    std::lock_guard lock(current_mu_);
    current_ = std::move(rs);
    generation_.store(next_generation(), std::memory_order_release);
}

std::vector<common::diagnostic> rule_engine::load_protected() {
    auto loaded = protected_numbers::load(settings_.protected_numbers.files);
    if (loaded.value) {
        std::lock_guard lock(current_mu_);
        protected_ = std::make_shared<const protected_numbers>(std::move(*loaded.value));
        generation_.store(next_generation(), std::memory_order_release);
    }
    return loaded.diagnostics;
}

std::shared_ptr<const protected_numbers> rule_engine::protected_numbers_snapshot() const {
    std::lock_guard lock(current_mu_);
    return protected_;
}

const protected_number* rule_engine::protected_party(const model::record& rec, const decision& d, const protected_numbers& numbers) const {
    if (numbers.size() == 0) return nullptr;
    for (const auto& r : d.rules) {
        if (r.shadow || r.rule_action != action::block) continue;
        const auto& allowed = settings_.protected_numbers.override_rules;
        if (std::find(allowed.begin(), allowed.end(), r.rule) != allowed.end()) return nullptr;  // the operator let this rule block them
    }
    auto find = [&](const model::number_info& n) -> const protected_number* {
        if (!n.present) return nullptr;
        if (const auto* p = numbers.find(n.raw)) return p;
        return numbers.find(n.e164);
    };
    if (const auto* p = find(rec.callee)) return p;
    // A protected number presented from abroad, VoIP or OTT is spoofing: that stays blockable.
    const auto k = rec.origin.kind;
    const bool home_ingress = k == model::origin_kind::unspecified || k == model::origin_kind::home_mobile || k == model::origin_kind::home_fixed ||
                              k == model::origin_kind::interconnect;
    return home_ingress ? find(rec.caller) : nullptr;
}

std::shared_ptr<const compiled_ruleset> rule_engine::current() const {
    std::lock_guard lock(current_mu_);
    return current_;
}

rule_engine::reload_outcome rule_engine::reload() {
    std::lock_guard lock(reload_mu_);
    reload_outcome out;
    auto ids = [this](const std::string& fp) { return spec_id(fp); };
    const event_list_layout running = layout_of(*current());  // kept, so unchanged aggregates keep their state
    loaded_ruleset loaded = load_ruleset(settings_.rule_paths, ids, settings_.intel.get(), &running);
    out.diagnostics = loaded.diagnostics;
    // The intel source serves the lists of the set that runs after this: a failed reload's
    // new lists are let go again.
    auto serve = [&](const compiled_ruleset& rs) {
        if (settings_.intel) settings_.intel->retain(rs.intel_lists);
    };
    if (!loaded.ok()) {
        serve(*current());
        reloads_failed_.fetch_add(1);
        return out;
    }
    out.version = loaded.rules->version;
    // The protected numbers are read again with the rules: a bad file fails the reload.
    auto protected_diags = load_protected();
    out.diagnostics.insert(out.diagnostics.end(), protected_diags.begin(), protected_diags.end());
    if (common::has_errors(protected_diags)) {
        serve(*current());
        reloads_failed_.fetch_add(1);
        return out;
    }
    for (auto& d : check_protected_numbers(*loaded.rules, *protected_numbers_snapshot(), settings_.protected_numbers.override_rules,
                                           defined_rule_names(loaded.items)))
        out.diagnostics.push_back(std::move(d));
    out.swapped_at_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    install(loaded.rules);
    serve(*loaded.rules);
    loaded_ = std::move(loaded);
    out.swapped = true;
    reloads_ok_.fetch_add(1);
    return out;
}

void rule_engine::reset_state() {
    windows_ = std::make_unique<state::window_store>(settings_.windows);
    activity_ = std::make_unique<call_activity>(settings_.activity);
    install(current());
}

std::string rule_engine::save_state(const std::string& sqlite_path) const {
    return windows_->save_snapshot(sqlite_path, [this](state::window_snapshot_writer& w) {
        return activity_->save([&w](int part, int shard, std::uint64_t key, std::int64_t value) { return w.write_history(part, shard, key, value); });
    });
}

std::string rule_engine::load_state(const std::string& sqlite_path) {
    if (std::string error = windows_->load_snapshot(sqlite_path); !error.empty()) return error;
    std::string error = state::read_call_history(sqlite_path, [this](int part, int shard, std::uint64_t key, std::int64_t value) {
        activity_->restore(part, shard, key, value);
    });
    activity_->finish_restore();
    return error;
}

rule_engine_stats rule_engine::stats() const {
    return {reloads_ok_.load(), reloads_failed_.load(), records_.load(std::memory_order_relaxed), emergency_overrides_.load(std::memory_order_relaxed),
            protected_overrides_.load(std::memory_order_relaxed)};
}

namespace {

// True when a and b dial the same number as the numbering plan reads them (separators left
// out: "11 3", "1-1-3" and "(113)" are 113). Scanning allocates nothing.
bool same_dialled(const model::dial_string& x, const model::dial_string& y) {
    return x.kind == model::dial_string::form::digits && y.kind == model::dial_string::form::digits && x.plus == y.plus &&
           x.digits() == y.digits();
}

}  // namespace

bool rule_engine::is_emergency_callee(const model::record& rec) const {
    if (!rec.callee.present) return false;
    // Asked for every record about to be blocked or warned: the callee is scanned once, the emergency
    // numbers were scanned when the engine was made.
    const model::dial_string callee = model::dial_string::scan(rec.callee.raw);
    for (std::size_t i = 0; i < settings_.emergency_numbers.size(); ++i)
        if (same_dialled(callee, emergency_dialled_[i]) || (!rec.callee.e164.empty() && rec.callee.e164 == settings_.emergency_numbers[i]))
            return true;
    return false;
}

void rule_engine::decide(const model::record& rec, decision& out) { decide_as(rec, out, true); }

void rule_engine::decide_observed(const model::record& rec, decision& out) { decide_as(rec, out, false); }

// Matched rules whose strings (name, reason, evidence) keep their buffers for the next
// record of this thread: a blocked SMS matches three to five rules, and building each anew
// cost more allocations than the rest of its decision.
namespace {

constexpr std::size_t max_spare_rules = 64;
thread_local std::vector<matched_rule> spare_rules;

void recycle_rules(decision& out) {
    for (auto& m : out.rules)
        if (spare_rules.size() < max_spare_rules) spare_rules.push_back(std::move(m));
    out.clear();
}

// A new matched rule at the end of out.rules, every field empty.
matched_rule& add_rule(decision& out) {
    if (spare_rules.empty()) return out.rules.emplace_back();
    matched_rule& m = out.rules.emplace_back(std::move(spare_rules.back()));
    spare_rules.pop_back();
    m.rule.clear();
    m.priority.clear();
    m.rule_action = action::warn;
    m.shadow = false;
    m.reason.clear();
    m.evidence_json.clear();
    return m;
}

}  // namespace

void rule_engine::decide_as(const model::record& rec, decision& out, bool block_stops) {
    recycle_rules(out);
    // Nothing to settle until this record's adds are known (a throw below leaves none).
    last_unless_blocked.clear();
    last_unless_blocked_engine = this;
    // This thread's view of the rule set and the protected numbers, taken again only after
    // they change: a lock and two shared counts per record were ~2% of a call's decision.
    struct thread_view {
        std::uint64_t generation = 0;
        std::shared_ptr<const compiled_ruleset> rules;
        std::shared_ptr<const protected_numbers> protected_now;
    };
    thread_local thread_view view;
    if (view.generation != generation_.load(std::memory_order_acquire)) {
        std::lock_guard lock(current_mu_);
        view.generation = generation_.load(std::memory_order_relaxed);
        view.rules = current_;
        view.protected_now = protected_;
    }
    const std::shared_ptr<const compiled_ruleset>& rs = view.rules;
    const std::shared_ptr<const protected_numbers>& protected_now = view.protected_now;
    records_.fetch_add(1, std::memory_order_relaxed);
    out.ruleset_version = rs->interned_version;
    eval_context& ctx = context_for(rs, tz_, *windows_, settings_.subscribers.get(), ip_countries_.get());
    ctx.begin(rec);
    prefetch_list_lookups(ctx, *rs);
    if (rs->needs_gap || rs->needs_idle || rs->needs_first_contact || rs->needs_concurrency) {
        const auto r = activity_->observe(rec, {rs->needs_gap, rs->needs_idle, rs->needs_first_contact, rs->needs_concurrency});
        ctx.gap_ms = r.gap_ms;
        ctx.idle_ms = r.idle_ms;
        ctx.first_contact = r.first_contact;
        ctx.concurrent_calls = r.concurrent_calls;
    }
    update_aggregates(ctx, *rs, *windows_);

    bool any_allow = false, any_block = false, any_warn = false;
    for (const std::uint32_t ri : rs->rules_by_kind[static_cast<int>(rec.kind)]) {
        const compiled_rule& r = rs->rules[ri];
        // Most rules do not fire: they are tested without evidence (no evidence items built
        // and taken back, a shared test's true reused as it is), most of them stopped by a
        // gate before their first node, and one that fires is tested again for its evidence.
        // The second pass decides: an intelligence list published between the two can change
        // the answer, and a rule fires only on the evaluation whose evidence it logs.
        ctx.collect_evidence = false;
        if (!gates_pass(rec, r) || !evaluate(ctx, r.root)) continue;
        ctx.collect_evidence = true;
        ctx.evidence.clear();
        if (!evaluate(ctx, r.root)) continue;
        matched_rule& m = add_rule(out);
        m.rule = r.name;
        m.priority = r.priority;
        m.rule_action = r.act;
        m.shadow = r.shadow;
        render_reason(ctx, r, m.reason);
        append_evidence_json(m.evidence_json, ctx);
        if (!r.shadow) {
            any_allow |= r.act == action::allow;
            any_block |= r.act == action::block;
            any_warn |= r.act == action::warn;
        }
    }
    out.final_action = any_allow ? action::allow : any_block ? action::block : any_warn ? action::warn : action::allow;
    // Emergency calls go through whatever the rules (or a lock) say, unwarned too (a switch
    // may play an announcement or divert on warn); the decision keeps the rules that matched
    // and says why it was allowed.
    if (out.final_action != action::allow && is_emergency_callee(rec)) {
        emergency_overrides_.fetch_add(1, std::memory_order_relaxed);
        matched_rule m;
        m.rule = emergency_override_rule;
        m.priority = "emergency";
        m.rule_action = action::allow;
        m.reason = fmt::format("callee {} is an emergency number: never blocked or warned", rec.callee.raw);
        m.evidence_json = "{}";
        out.rules.push_back(std::move(m));
        out.final_action = action::allow;  // nothing below applies to an allowed record
    }
    if (out.final_action == action::block && protected_now) {
        if (const protected_number* p = protected_party(rec, out, *protected_now)) {
            protected_overrides_.fetch_add(1, std::memory_order_relaxed);
            matched_rule m;
            m.rule = protected_override_rule;
            m.priority = "notice";
            m.rule_action = action::allow;
            m.reason = fmt::format("{} is a protected number ({}): not blocked unless protected_numbers.override_rules names the rule", p->number,
                                   p->name.empty() ? p->category : p->name);
            m.evidence_json = "{}";
            out.rules.push_back(std::move(m));
            out.final_action = action::allow;
        }
    }
    if (block_stops && out.final_action == action::block && !ctx.unless_blocked_adds.empty())
        settle_unless_blocked(ctx.unless_blocked_adds, false, *windows_);
    last_unless_blocked.swap(ctx.unless_blocked_adds);
}

void rule_engine::settle_last(action decided, action effective) {
    if (last_unless_blocked_engine != this) return;  // this thread's last record was another engine's
    const bool was_let_through = decided != action::block;
    const bool let_through = effective != action::block;
    if (was_let_through != let_through && !last_unless_blocked.empty()) settle_unless_blocked(last_unless_blocked, let_through, *windows_);
}

}  // namespace ringfence::engine
