// ringfence rules check|test PATH...: rule authors validate and test packs before rollout,
// through the same load path as the daemon.
#include <fmt/format.h>

#include <cstdio>
#include <set>
#include <string>

#include "app/daemon_config.hpp"
#include "tools/ringfence/cli_common.hpp"
#include "tools/ringfence/commands.hpp"
#include "tools/ringfence/rule_pack_tests.hpp"

namespace ringfence::cli {

namespace {

constexpr const char* rules_usage =
    "usage: ringfence rules check [--json] [--config FILE] PATH...\n"
    "       ringfence rules test [--config FILE] PATH...\n"
    "  PATH: rule-pack files or folders, loaded in order (as rules.paths). Without PATH, the\n"
    "  configured rules.paths. check prints errors and warnings (file:line:column, or JSON)\n"
    "  and exits 1 on errors; test runs the packs' test cases and exits 1 on a failure.\n";

void print_diagnostics(const std::vector<common::diagnostic>& diags, bool json) {
    for (const auto& d : diags) std::printf("%s\n", json ? d.to_json().c_str() : d.to_text().c_str());
}

}  // namespace

int cmd_rules(std::vector<std::string> args) {
    if (args.empty()) {
        std::fputs(rules_usage, stderr);
        return 2;
    }
    const std::string what = args[0];
    args.erase(args.begin());
    common_options opts;
    std::string error;
    if (!take_common_options(args, opts, error)) {
        std::fprintf(stderr, "ringfence rules: %s\n", error.c_str());
        return 2;
    }
    bool json = false;
    std::vector<std::string> paths;
    for (const auto& a : args) {
        if (a == "--json") json = true;
        else if (a.rfind("--", 0) == 0) {
            std::fprintf(stderr, "ringfence rules: unknown option '%s'\n%s", a.c_str(), rules_usage);
            return 2;
        } else paths.push_back(a);
    }
    auto cfg = app::load_daemon_config(config_file_of(opts), opts.overrides);
    if (!cfg.value) {
        print_diagnostics(cfg.diagnostics, false);
        return 1;
    }
    engine::rule_engine_settings settings = cfg.value->engine;
    if (!paths.empty()) settings.rule_paths = paths;
    if (settings.rule_paths.empty()) {
        std::fputs("ringfence rules: no rule paths given and none configured (rules.paths)\n", stderr);
        return 2;
    }
    settings.windows.memory_cap_bytes = 256 << 20;
    // Tests seed intelligence lists into a store of their own, in memory: never the
    // daemon's database. check reads none: intelligence lists are empty, their uses checked
    // (and the packs' tests run on such a store, for what is wrong in their own items).
    std::shared_ptr<intel::intel_store> intel;
    if (what == "test" || what == "check") {
        auto store = intel::intel_store::open(":memory:");
        if (!store.value) {
            print_diagnostics(store.diagnostics, false);
            return 1;
        }
        intel = *store.value;
        settings.intel = intel;
    }
    auto eng = engine::rule_engine::create(settings);

    if (what == "check") {
        // A test whose own items are wrong (a record that does not parse, an intel entry or
        // subscriber that is not valid, a rule no pack defines) makes the pack wrong: found by
        // running the tests, whose pass or fail is `rules test`'s to say.
        if (eng.value) {
            auto plan = model::numbering_plan::load(cfg.value->numbering);
            if (!plan.value) {
                print_diagnostics(plan.diagnostics, json);
                return 1;
            }
            for (const auto& d : (*eng.value)->last_loaded().items.test_diagnostics) eng.diagnostics.push_back(d);
            for (auto& r : run_pack_tests(**eng.value, *plan.value, intel.get()).results)
                for (auto& d : r.invalid) eng.diagnostics.push_back(std::move(d));
        }
        print_diagnostics(eng.diagnostics, json);
        int errors = 0, warnings = 0;
        for (const auto& d : eng.diagnostics) (d.level == common::severity::error ? errors : warnings)++;
        // The summary: a line of text, or with --json a last JSON line of its own shape
        // ({"summary": {...}}), so a script gets the counts and the version as the text has them.
        std::string summary = json ? "{\"summary\":{" : "";
        if (eng.value) {
            const auto rs = (*eng.value)->current();
            const auto& items = (*eng.value)->last_loaded().items;
            // Definitions, not items: an override is not another list or macro, and a
            // `for FIELD` reading of an aggregate keeps no state of its own.
            std::set<std::string> list_names, macro_names;
            for (const auto& l : items.lists) list_names.insert(l.name);
            for (const auto& m : items.macros) macro_names.insert(m.name);
            const std::size_t aggregates = rs->aggregate_definitions();
            summary += json ? fmt::format("\"files\":{},\"rules_enabled\":{},\"lists\":{},\"list_entries\":{},\"macros\":{},\"aggregates\":{},\"tests\":{},"
                                          "\"errors\":{},\"warnings\":{},\"version\":\"{}\"}}}}",
                                          items.files.size(), rs->rules.size(), list_names.size(), rs->list_entries, macro_names.size(), aggregates,
                                          items.tests.size(), errors, warnings, rs->version)
                            : fmt::format("{} files: {} rules enabled, {} lists ({} entries), {} macros, {} aggregates, {} tests; {} errors, {} warnings; version {}",
                                          items.files.size(), rs->rules.size(), list_names.size(), rs->list_entries, macro_names.size(), aggregates,
                                          items.tests.size(), errors, warnings, rs->version);
        } else {
            summary += json ? fmt::format("\"errors\":{},\"warnings\":{}}}}}", errors, warnings) : fmt::format("{} errors, {} warnings", errors, warnings);
        }
        std::printf("%s\n", summary.c_str());
        return errors > 0 ? 1 : 0;
    }
    if (what == "test") {
        if (!eng.value) {
            print_diagnostics(eng.diagnostics, false);
            return 1;
        }
        auto plan = model::numbering_plan::load(cfg.value->numbering);
        if (!plan.value) {
            print_diagnostics(plan.diagnostics, false);
            return 1;
        }
        print_diagnostics(eng.diagnostics, false);  // warnings
        // A test item that is not well formed is not run: said, and the run fails.
        const auto& test_problems = (*eng.value)->last_loaded().items.test_diagnostics;
        print_diagnostics(test_problems, false);
        const auto report = run_pack_tests(**eng.value, *plan.value, intel.get());
        for (const auto& r : report.results) {
            std::printf("%s %s (%s:%d)\n", r.failures.empty() ? "PASS" : "FAIL", r.name.c_str(), r.loc.file.c_str(), r.loc.line);
            for (const auto& f : r.failures) std::printf("    %s\n", f.c_str());
        }
        std::printf("%d passed, %d failed\n", report.passed(), report.failed());
        if (report.results.empty() && test_problems.empty()) std::printf("no test cases in the given packs\n");
        return report.failed() > 0 || common::has_errors(test_problems) ? 1 : 0;
    }
    std::fprintf(stderr, "ringfence rules: unknown subcommand '%s'\n%s", what.c_str(), rules_usage);
    return 2;
}

}  // namespace ringfence::cli
