// ringfence subscribers import|due|show|schema: the subscriber-verification database from
// the operator's side. import validates the carrier's CSV whole and applies it in one step
// (or, with --dry-run, says what it would change); due lists whose lifecycle status changes
// on a day, for the carrier's systems to notify; show prints what the engine reads for a
// number; schema prints the generated DDL or reference.
#include <pwd.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "common/json_writer.hpp"
#include "common/sha256.hpp"
#include "common/time_zone.hpp"
#include "model/civil_date.hpp"
#include "model/e164_integer.hpp"
#include "subscribers/csv_reader.hpp"
#include "subscribers/subscriber_database.hpp"
#include "subscribers/subscriber_import.hpp"
#include "subscribers/subscriber_index.hpp"
#include "subscribers/subscriber_schema.hpp"
#include "tools/ringfence/cli_common.hpp"
#include "tools/ringfence/commands.hpp"

namespace ringfence::cli {

namespace {

constexpr const char* usage =
    "usage: ringfence subscribers COMMAND [--config FILE] [--set key=value]...\n"
    "  import [--mode full|delta] [--dry-run] FILE.csv   load the carrier's export (docs/subscribers.md)\n"
    "  due --date YYYY-MM-DD [--json]                     subscribers whose lifecycle status changes that day\n"
    "  show [--date YYYY-MM-DD] NUMBER...                 what rules read for each number\n"
    "  schema --sql|--markdown                            the database schema, generated from its declaration\n";

int fail_usage(const std::string& why) {
    if (!why.empty()) std::fprintf(stderr, "ringfence subscribers: %s\n", why.c_str());
    std::fputs(usage, stderr);
    return 2;
}

std::int32_t today_utc() {
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    return static_cast<std::int32_t>(now / 86400);
}

// A delete row for a number the database does not hold changes nothing: most often a number
// already deleted, sometimes a mistyped one. Said, so that the second is noticed.
void warn_absent_deletions(const std::string& file, const subscribers::import_changes& c) {
    if (c.absent_deletions == 0) return;
    std::fprintf(stderr, "%s: warning: %zu delete row%s named numbers the database does not hold (nothing to delete)\n", file.c_str(),
                 c.absent_deletions, c.absent_deletions == 1 ? "" : "s");
}

int run_import(const std::vector<std::string>& args, const common_options& opts) {
    parsed_args p;
    std::string error;
    if (!parse(args, {"--mode"}, {"--dry-run"}, p, error)) return fail_usage(error);
    const std::string mode_text = p.options.count("--mode") ? p.options["--mode"] : "full";
    const bool dry_run = has_flag(p, "--dry-run");
    if (p.words.size() != 1 || (mode_text != "full" && mode_text != "delta")) return fail_usage("import takes [--mode full|delta] [--dry-run] FILE.csv");
    const auto mode = mode_text == "full" ? subscribers::import_mode::full : subscribers::import_mode::delta;
    auto setup = load_plan_or_report(opts);
    if (!setup.value) return 1;
    const std::string& db_path = setup.value->config.subscribers.path;
    if (db_path.empty()) {
        std::fputs("ringfence subscribers: subscribers.path is \"\" in the configuration: no database to import into\n", stderr);
        return 1;
    }
    const std::string& file = p.words[0];
    subscribers::mapped_file mapped;
    if (!mapped.open(file, error)) {
        std::fprintf(stderr, "%s: %s\n", file.c_str(), error.c_str());
        return 1;
    }
    const auto started = std::chrono::steady_clock::now();
    const auto parsed =
        subscribers::parse_subscriber_csv(mapped.bytes(), setup.value->config.subscriber_import, *setup.value->plan, mode, today_utc() + 1);
    for (const auto& c : parsed.ignored_columns) std::fprintf(stderr, "%s:1: warning: column '%s' is not read\n", file.c_str(), terminal_safe(c).c_str());
    if (!parsed.ok()) {
        for (const auto& problem : parsed.problems)
            std::fprintf(stderr, "%s:%zu: %s%s\n", file.c_str(), problem.line,
                         problem.column.empty() ? "" : terminal_safe(fmt::format("column '{}': ", problem.column)).c_str(), terminal_safe(problem.reason).c_str());
        if (parsed.problem_count > parsed.problems.size())
            std::fprintf(stderr, "%s: ... and %zu more problems\n", file.c_str(), parsed.problem_count - parsed.problems.size());
        std::fprintf(stderr, "%s: refused: %zu problem%s in %zu rows; nothing was applied\n", file.c_str(), parsed.problem_count,
                     parsed.problem_count == 1 ? "" : "s", parsed.rows);
        return 1;
    }
    const double parse_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (std::filesystem::exists(db_path)) {
        // A file there that is not a readable subscriber database is never replaced: it may be
        // another application's file at a mistyped path. If it is ours and damaged, the
        // operator moves it aside, knowingly.
        if (!subscribers::open_subscriber_database(db_path, error)) {
            std::fprintf(stderr, "ringfence subscribers: %s\n", error.c_str());
            if (mode == subscribers::import_mode::full)
                std::fprintf(stderr,
                             "ringfence subscribers: nothing was replaced. If %s is the subscriber database and it is damaged, move it aside "
                             "(mv %s %s.damaged) and import the full file again; its import history (import_runs) stays in the moved file.\n",
                             db_path.c_str(), db_path.c_str(), db_path.c_str());
            return 1;
        }
    }
    subscribers::import_changes changes;
    if (dry_run) {
        if (auto e = subscribers::compare_with_database(db_path, parsed, changes); !e.empty()) {
            std::fprintf(stderr, "ringfence subscribers: %s\n", e.c_str());
            return 1;
        }
        std::printf("dry run: %s %zu rows valid; would insert %zu, update %zu, delete %zu, leave %zu unchanged in %s\n", file.c_str(), parsed.rows,
                    changes.inserted, changes.updated, changes.deleted, changes.unchanged, db_path.c_str());
        warn_absent_deletions(file, changes);
        return 0;
    }
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(db_path).parent_path(), ec);
    subscribers::import_source source;
    source.file_name = std::filesystem::path(file).filename().string();
    source.sha256 = common::sha256_hex(mapped.bytes());
    source.actor_uid = static_cast<std::int64_t>(::getuid());
    const passwd* pw = ::getpwuid(::getuid());
    source.actor = pw ? pw->pw_name : std::to_string(::getuid());
    if (auto e = subscribers::apply_import(db_path, parsed, source, changes); !e.empty()) {
        std::fprintf(stderr, "ringfence subscribers: import failed, nothing applied: %s\n", e.c_str());
        return 1;
    }
    const double total_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf("imported %s (%s, %zu rows) into %s in %.1f s (validation %.1f s): inserted %zu, updated %zu, deleted %zu, unchanged %zu\n",
                file.c_str(), mode_text.c_str(), parsed.rows, db_path.c_str(), total_s, parse_s, changes.inserted, changes.updated, changes.deleted,
                changes.unchanged);
    warn_absent_deletions(file, changes);
    return 0;
}

int run_due(const std::vector<std::string>& args, const common_options& opts) {
    parsed_args p;
    std::string error;
    if (!parse(args, {"--date"}, {"--json"}, p, error)) return fail_usage(error);
    const bool json = has_flag(p, "--json");
    if (!p.words.empty() || !p.options.count("--date")) return fail_usage("due takes --date YYYY-MM-DD [--json]");
    const std::string date_text = p.options["--date"];
    const auto day = model::parse_iso_date(date_text);
    if (!day) return fail_usage(fmt::format("'{}' is not a date (YYYY-MM-DD)", date_text));
    auto setup = load_plan_or_report(opts);
    if (!setup.value) return 1;
    const auto& cfg = setup.value->config.subscribers;
    auto db = subscribers::open_subscriber_database(cfg.path, error);
    if (!db) {
        std::fprintf(stderr, "ringfence subscribers: %s\n", error.c_str());
        return 1;
    }
    if (!json) std::puts("msisdn,from,to,since");
    std::size_t n = 0;
    error = subscribers::for_each_subscriber(
        db,
        [&](const subscribers::subscriber_row& r) {
            const auto before = subscribers::effective_state(r.status, r.status_since, *day - 1, cfg.lifecycle);
            const auto on = subscribers::effective_state(r.status, r.status_since, *day, cfg.lifecycle);
            if (before.status == on.status || on.since != *day) return;
            ++n;
            if (json)
                std::printf("{\"msisdn\":\"+%lld\",\"from\":\"%s\",\"to\":\"%s\",\"since\":\"%s\"}\n", static_cast<long long>(r.msisdn),
                            std::string(to_string(before.status)).c_str(), std::string(to_string(on.status)).c_str(), model::iso_date(on.since).c_str());
            else
                std::printf("+%lld,%s,%s,%s\n", static_cast<long long>(r.msisdn), std::string(to_string(before.status)).c_str(),
                            std::string(to_string(on.status)).c_str(), model::iso_date(on.since).c_str());
        },
        "status IN ('notified', 'one_way_locked', 'two_way_locked')");
    if (!error.empty()) {
        std::fprintf(stderr, "ringfence subscribers: %s\n", error.c_str());
        return 1;
    }
    std::fprintf(stderr, "%zu subscribers change status on %s\n", n, date_text.c_str());
    return 0;
}

int run_show(const std::vector<std::string>& args, const common_options& opts) {
    parsed_args p;
    std::string error;
    if (!parse(args, {"--date"}, {}, p, error)) return fail_usage(error);
    if (p.words.empty()) return fail_usage("show takes NUMBER...");
    std::optional<std::int32_t> day;
    if (p.options.count("--date")) {
        day = model::parse_iso_date(p.options["--date"]);
        if (!day) return fail_usage(fmt::format("'{}' is not a date (YYYY-MM-DD)", p.options["--date"]));
    }
    auto setup = load_plan_or_report(opts);
    if (!setup.value) return 1;
    if (!day) {
        // Today as the rules read it: the calendar day in engine.time_zone, not UTC's (from
        // 00:00 to 07:00 in Viet Nam the two differ, and a lock due today already applies).
        std::string why;
        const auto tz = common::time_zone::load(setup.value->config.engine.time_zone, why);
        if (!tz) {
            std::fprintf(stderr, "ringfence subscribers show: 'engine.time_zone': %s\n", why.c_str());
            return 1;
        }
        day = tz->local_day(std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    }
    const auto& cfg = setup.value->config.subscribers;
    auto index = subscribers::subscriber_index::load(cfg.path, error);
    if (!index) {
        std::fprintf(stderr, "ringfence subscribers: %s\n", error.c_str());
        return 1;
    }
    int code = 0;
    model::number_info n;
    for (const auto& raw : p.words) {
        std::string out = "{\"number\":";
        common::append_json_string(out, raw);
        // As the import reads the msisdn column (E.164 digits with no '+' too); a number of
        // another country is read as the plan reads it (and exists in no subscriber table).
        auto key = subscribers::msisdn_key(*setup.value->plan, raw, n);
        if (!key && !n.e164.empty()) key = model::e164_to_integer(n.e164);
        if (!key) {
            out += ",\"error\":\"not a number the numbering plan reads\"}";
            code = 1;
        } else {
            const auto f = index->facts(*key, *day, cfg.lifecycle);
            out += fmt::format(",\"e164\":\"{}\",\"date\":\"{}\",\"exists\":{}", n.e164, model::iso_date(*day), f.exists);
            if (f.exists)
                out += fmt::format(
                    ",\"status\":\"{}\",\"status_since\":\"{}\",\"verified\":{},\"age_days\":{},\"sims_per_owner\":{},\"owner_type\":\"{}\","
                    "\"population_match\":\"{}\",\"biometric_verified\":{},\"reverify_pending\":{},\"bank_link_verified\":{}",
                    to_string(f.status), model::iso_date(f.status_since), f.verified, f.age_days, f.sims_per_owner, to_string(f.owner), to_string(f.match),
                    f.biometric_verified, f.reverify_pending, f.bank_link_verified);
            out += '}';
        }
        std::puts(out.c_str());
    }
    return code;
}

}  // namespace

int cmd_subscribers(std::vector<std::string> args) {
    common_options opts;
    std::string error;
    if (!take_common_options(args, opts, error)) return fail_usage(error);
    if (args.empty()) return fail_usage("");
    const std::string sub = args[0];
    args.erase(args.begin());
    if (sub == "import") return run_import(std::move(args), opts);
    if (sub == "due") return run_due(std::move(args), opts);
    if (sub == "show") return run_show(std::move(args), opts);
    if (sub == "schema") {
        if (args.size() == 1 && args[0] == "--sql") std::fputs(subscribers::subscriber_schema_sql().c_str(), stdout);
        else if (args.size() == 1 && args[0] == "--markdown") std::fputs(subscribers::subscriber_schema_markdown().c_str(), stdout);
        else return fail_usage("schema takes --sql or --markdown");
        return 0;
    }
    return fail_usage(fmt::format("unknown subcommand '{}'", sub));
}

}  // namespace ringfence::cli
