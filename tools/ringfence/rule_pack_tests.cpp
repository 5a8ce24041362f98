#include "tools/ringfence/rule_pack_tests.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "decode/jsonl/record_parser.hpp"
#include "ingest/record_line_processor.hpp"
#include "subscribers/subscriber_import.hpp"
#include "subscribers/subscriber_index.hpp"
#include "intel/intel_editor.hpp"
#include "intel/intel_import.hpp"
#include "intel/intel_values.hpp"

namespace ringfence::cli {

namespace {

std::string fired_text(const engine::decision& d) {
    std::vector<std::string> names;
    for (const auto& r : d.rules) names.push_back(r.shadow ? r.rule + " (shadow)" : r.rule);
    return fmt::format("[{}]", fmt::join(names, ", "));
}

// Quotes a CSV field when it needs it.
std::string csv_field(const std::string& v) {
    if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
    std::string out = "\"";
    for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

// The test's subscribers, through the same validation as `ringfence subscribers import`.
// Fields a test leaves out take the values of an ordinary verified, active subscriber.
std::shared_ptr<const subscribers::subscriber_index> test_subscribers(const engine::test_item& t, const model::numbering_plan& plan,
                                                                      pack_test_result& result) {
    static const std::map<std::string, std::string, std::less<>> defaults{
        {"imsi", ""}, {"owner_type", "individual"}, {"population_match", "matched"}, {"population_match_date", ""}, {"matched_fields", "6"},
        {"biometric_verified", "1"}, {"reverify_pending", "0"}, {"status", "active"}, {"status_since", "2024-01-01"},
        {"activated_on", "2024-01-01"}, {"bank_link_verified", "1"}};
    const auto& fields = subscribers::import_fields();
    std::string csv;
    for (std::size_t i = 0; i < fields.size(); ++i) csv += (i ? "," : "") + std::string(fields[i]);
    csv += '\n';
    // Each finding at its own subscriber's line.
    const auto loc_of_row = [&](std::size_t row) -> const engine::source_loc& {
        return row < t.subscriber_locs.size() ? t.subscriber_locs[row] : t.subscribers_loc;
    };
    for (std::size_t r = 0; r < t.subscribers.size(); ++r) {
        const auto& row = t.subscribers[r];
        for (const auto& [k, v] : row)
            if (std::find(fields.begin(), fields.end(), k) == fields.end())
                result.add_invalid(loc_of_row(r), fmt::format("test subscriber field '{}' is not an import field", k));
        for (std::size_t i = 0; i < fields.size(); ++i) {
            std::string value;
            auto it = std::find_if(row.begin(), row.end(), [&](const auto& kv) { return kv.first == fields[i]; });
            if (it != row.end()) value = it->second;
            else if (fields[i] == "owner_id_hash") {
                auto m = std::find_if(row.begin(), row.end(), [](const auto& kv) { return kv.first == "msisdn"; });
                value = "owner-" + (m == row.end() ? std::string() : m->second);  // one owner per SIM unless the test says
            } else if (auto d = defaults.find(fields[i]); d != defaults.end()) value = d->second;
            csv += (i ? "," : "") + csv_field(value);
        }
        csv += '\n';
    }
    const auto parsed = subscribers::parse_subscriber_csv(csv, {}, plan, subscribers::import_mode::full);
    for (const auto& p : parsed.problems) {
        // The CSV's line 1 is its header: line n is subscriber n - 1.
        const auto& at = loc_of_row(p.line >= 2 ? static_cast<std::size_t>(p.line - 2) : 0);
        result.add_invalid(at, fmt::format("test subscriber {}: {}{}", p.line - 1, p.column.empty() ? "" : p.column + ": ", p.reason));
    }
    subscribers::subscriber_index::builder b;
    for (const auto& r : parsed.upserts) b.add(r);
    return b.finish();
}

// Puts a test's intel entries into the store (and takes the previous test's out), then
// refreshes it so the engine sees exactly these. Problems become the test's failures.
void seed_intel(const engine::test_item& t, const engine::rule_items& items, const model::numbering_plan& plan, intel::intel_store& store,
                pack_test_result& result) {
    std::vector<std::string>& failures = result.failures;
    static const auto utc = [] {
        std::string why;
        return common::time_zone::load("UTC", why);
    }();
    intel::intel_editor editor(store.connection(), "ringfence rules test");
    std::vector<intel::list_row> lists;
    if (auto err = editor.lists(lists, 0); !err.empty()) {
        failures.push_back("intel store: " + err);
        return;
    }
    for (const auto& l : lists) {  // the previous test's entries out
        std::vector<intel::entry_row> rows;
        editor.entries(l, true, 0, rows);
        for (const auto& r : rows) {
            bool found = false;
            editor.remove(l, r.value, 0, found);
        }
    }
    for (const auto& e : t.intel) {
        const std::string where = fmt::format("{}:{}", e.loc.file, e.loc.line);
        const auto decl = std::find_if(items.lists.begin(), items.lists.end(), [&](const auto& l) { return l.name == e.list && l.intel; });
        if (decl == items.lists.end()) {
            result.add_invalid(e.loc, fmt::format("'{}' is not a list declared with intel: KIND", e.list));
            continue;
        }
        const engine::intel_kind kind = *engine::parse_intel_kind(decl->intel->text);
        std::optional<intel::list_row> row;
        editor.find_list(e.list, row, 0);
        if (!row) {
            editor.create_list(e.list, kind, "", 0);
            editor.find_list(e.list, row, 0);
        }
        std::string why;
        const auto value = intel::normalise_value(kind, e.value, plan, why);
        const auto source = intel::parse_entry_source(e.source);
        // Record times in tests are fixed, so an expiry may lie in the past of the wall clock.
        const auto expires = utc ? intel::parse_expiry(e.expires, *utc, 0, why) : std::nullopt;
        if (!value || !source || !expires || !row) {
            result.add_invalid(e.loc, fmt::format("intel entry '{}' for {}: {}", e.value, e.list, !source ? "unknown source" : why));
            continue;
        }
        intel::new_entry n{value->value, value->bank_code, *source, e.reason, *expires};
        bool replaced = false;
        if (auto err = editor.add(*row, n, 0, replaced); !err.empty()) failures.push_back(fmt::format("{}: {}", where, err));
    }
    const auto r = store.refresh(0);
    if (!r.ok) failures.push_back("intel store: " + r.error);
}

}  // namespace

void pack_test_result::add_invalid(const engine::source_loc& at, std::string message) {
    failures.push_back(fmt::format("{}:{}: {}", at.file, at.line, message));
    common::diagnostic d;
    d.level = common::severity::error;
    d.code = "RULES_BAD_TEST";
    d.message = fmt::format("test '{}': {}", name, message);
    d.file = at.file;
    d.line = at.line;
    d.column = at.column;
    invalid.push_back(std::move(d));
}

int pack_test_report::passed() const {
    return static_cast<int>(std::count_if(results.begin(), results.end(), [](const auto& r) { return r.failures.empty(); }));
}

int pack_test_report::failed() const { return static_cast<int>(results.size()) - passed(); }

pack_test_report run_pack_tests(engine::rule_engine& eng, const model::numbering_plan& plan, intel::intel_store* intel) {
    pack_test_report report;
    decode::record_json_parser parser(plan);
    const auto& items = eng.last_loaded().items;
    // A record with no time gets the previous record's time plus a second (the first one a
    // fixed start), so runs repeat exactly and untimed records follow timed ones in order.
    const std::int64_t start_ms = 1'795'000'000'000;
    std::map<std::pair<std::string, std::string>, const engine::source_loc*> test_names;  // per file: a local pack may adapt a shipped test
    for (const auto& t : items.tests) {
        pack_test_result result{t.name, t.loc, {}, {}};
        // Two tests of one name: a report line (and a failure) would not say which one.
        if (const auto [at, fresh] = test_names.emplace(std::pair{t.loc.file, t.name}, &t.loc); !fresh)
            result.add_invalid(t.loc, fmt::format("a test of this name is defined at {}:{}: give each test its own name", at->second->file,
                                                                   at->second->line));
        eng.reset_state();
        // Every test decides with its own subscriber database (empty unless it lists some),
        // never the operator's.
        if (!eng.subscriber_source()) eng.set_subscriber_source(std::make_shared<subscribers::subscriber_source>(subscribers::lifecycle_periods{}));
        eng.subscriber_source()->install(test_subscribers(t, plan, result));
        if (intel) seed_intel(t, items, plan, *intel, result);
        else if (!t.intel.empty()) result.failures.push_back("this test seeds intel entries but no intel store was given");
        std::map<std::string, engine::decision> decided;
        bool all_parsed = true;
        model::record rec;
        std::int64_t next_ms = start_ms;
        for (std::size_t i = 0; i < t.records_json.size(); ++i) {
            auto st = parser.parse(t.records_json[i], next_ms, rec);
            ingest::keep_emergency_call(parser, t.records_json[i], next_ms, rec, eng, st);  // as the daemon reads a line
            if (!st.ok) {
                all_parsed = false;
                result.add_invalid(t.record_locs[i],
                                   fmt::format("record {} does not parse: {} ({})", i + 1, st.message, st.code()));
                continue;
            }
            next_ms = rec.time_ms + 1000;
            engine::decision d;
            eng.decide(rec, d);
            decided[rec.id] = std::move(d);
        }
        for (const auto& e : t.expect) {
            const std::string where = fmt::format("{}:{}", e.loc.file, e.loc.line);
            // A rule name that no pack defines would pass an exclusion vacuously and fail an
            // inclusion with a puzzling message: said as what it is. The engine's own
            // overrides are named like rules, so a test can expect them.
            for (const auto* names : {&e.rules, &e.rules_include, &e.rules_exclude}) {
                if (!*names) continue;
                for (const auto& name : **names)
                    if (name != engine::emergency_override_rule && name != engine::protected_override_rule &&
                        std::none_of(items.rules.begin(), items.rules.end(), [&](const auto& r) { return r.name == name; }))
                        result.add_invalid(e.loc, fmt::format("record '{}': no loaded pack defines a rule '{}'", e.id, name));
            }
            auto it = decided.find(e.id);
            if (it == decided.end()) {
                // No record of the test has the id: a test that cannot be read (rules check says
                // so). A record that did not parse is reported as such, and may be the one named.
                if (all_parsed) result.add_invalid(e.loc, fmt::format("no record of this test has the id '{}'", e.id));
                else result.failures.push_back(fmt::format("{}: no record with id '{}' was decided", where, e.id));
                continue;
            }
            const engine::decision& d = it->second;
            const std::string got = fmt::format("{} {}", engine::to_string(d.final_action), fired_text(d));
            if (!e.action.empty() && engine::to_string(d.final_action) != e.action)
                result.failures.push_back(fmt::format("{}: record '{}': expected {}, got {}", where, e.id, e.action, got));
            std::vector<std::string> fired;
            for (const auto& r : d.rules) fired.push_back(r.rule);
            std::sort(fired.begin(), fired.end());
            if (e.rules) {
                auto want = *e.rules;
                std::sort(want.begin(), want.end());
                if (want != fired)
                    result.failures.push_back(fmt::format("{}: record '{}': expected rules [{}], got {}", where, e.id, fmt::join(want, ", "), got));
            }
            if (e.rules_include) {
                for (const auto& r : *e.rules_include)
                    if (!std::binary_search(fired.begin(), fired.end(), r))
                        result.failures.push_back(fmt::format("{}: record '{}': expected rule {} to fire, got {}", where, e.id, r, got));
            }
            if (e.rules_exclude) {
                for (const auto& r : *e.rules_exclude)
                    if (std::binary_search(fired.begin(), fired.end(), r))
                        result.failures.push_back(fmt::format("{}: record '{}': expected rule {} not to fire, got {}", where, e.id, r, got));
            }
        }
        report.results.push_back(std::move(result));
    }
    eng.reset_state();
    return report;
}

}  // namespace ringfence::cli
