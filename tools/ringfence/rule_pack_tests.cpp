#include "tools/ringfence/rule_pack_tests.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "decode/jsonl/record_parser.hpp"

namespace ringfence::cli {

namespace {

std::string fired_text(const engine::decision& d) {
    std::vector<std::string> names;
    for (const auto& r : d.rules) names.push_back(r.shadow ? r.rule + " (shadow)" : r.rule);
    return fmt::format("[{}]", fmt::join(names, ", "));
}

}  // namespace

int pack_test_report::passed() const {
    return static_cast<int>(std::count_if(results.begin(), results.end(), [](const auto& r) { return r.failures.empty(); }));
}

int pack_test_report::failed() const { return static_cast<int>(results.size()) - passed(); }

pack_test_report run_pack_tests(engine::rule_engine& eng, const model::numbering_plan& plan) {
    pack_test_report report;
    decode::record_json_parser parser(plan);
    const auto& items = eng.last_loaded().items;
    // Records with no time get one a second apart from a fixed start, so runs repeat exactly.
    const std::int64_t base_ms = 1'795'000'000'000;
    for (const auto& t : items.tests) {
        pack_test_result result{t.name, t.loc, {}};
        eng.reset_state();
        std::map<std::string, engine::decision> decided;
        model::record rec;
        for (std::size_t i = 0; i < t.records_json.size(); ++i) {
            const auto st = parser.parse(t.records_json[i], base_ms + static_cast<std::int64_t>(i) * 1000, rec);
            if (!st.ok) {
                result.failures.push_back(fmt::format("{}:{}: record {} does not parse: {} ({})", t.record_locs[i].file,
                                                      t.record_locs[i].line, i + 1, st.message, st.code()));
                continue;
            }
            engine::decision d;
            eng.decide(rec, d);
            decided[rec.id] = std::move(d);
        }
        for (const auto& e : t.expect) {
            auto it = decided.find(e.id);
            const std::string where = fmt::format("{}:{}", e.loc.file, e.loc.line);
            if (it == decided.end()) {
                result.failures.push_back(fmt::format("{}: no record with id '{}' was decided", where, e.id));
                continue;
            }
            const engine::decision& d = it->second;
            const std::string got = fmt::format("{} {}", engine::to_string(d.final_action), fired_text(d));
            if (engine::to_string(d.final_action) != e.action)
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
        }
        report.results.push_back(std::move(result));
    }
    eng.reset_state();
    return report;
}

}  // namespace ringfence::cli
