// ringfence bench subscribers: the subscriber database at carrier scale. Writes a CSV of N
// generated subscribers in the import contract, imports it with the real `ringfence
// subscribers import` (timed end to end: validation, SQLite, fsync, rename), builds the
// in-memory index as the daemon does (time, bytes per subscriber), then measures lookups
// per second alone and the rule engine's records/s on calls from those subscribers with the
// database attached, against the same engine without it.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>

#include "app/daemon_config.hpp"
#include "engine/rule_engine.hpp"
#include "model/civil_date.hpp"
#include "model/numbering_plan.hpp"
#include "subscribers/subscriber_index.hpp"
#include "tools/ringfence/cli_common.hpp"
#include "tools/ringfence/commands.hpp"

namespace ringfence::cli {

namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t) { return std::chrono::duration<double>(clock_type::now() - t).count(); }

std::string number_of(std::uint64_t i) { return fmt::format("+849{:08}", i % 100'000'000); }

// Statuses in the proportions a carrier sweeping junk SIMs might see: mostly active.
bool write_csv(const fs::path& file, std::uint64_t rows) {
    std::FILE* f = std::fopen(file.c_str(), "wb");
    if (!f) return false;
    std::string buf = "msisdn,imsi,owner_id_hash,owner_type,population_match,population_match_date,matched_fields,biometric_verified,"
                      "reverify_pending,status,status_since,activated_on,bank_link_verified\n";
    std::mt19937_64 rng(11);
    const std::int32_t base = static_cast<std::int32_t>(model::days_from_civil(2020, 1, 1));
    const char* statuses[] = {"active", "notified", "one_way_locked", "two_way_locked", "terminated"};
    const char* matches[] = {"matched", "mismatch", "unchecked"};
    for (std::uint64_t i = 0; i < rows; ++i) {
        const std::uint64_t x = rng();
        const unsigned pct = static_cast<unsigned>(x % 100);
        const int status = pct < 90 ? 0 : pct < 94 ? 1 : pct < 97 ? 2 : pct < 99 ? 3 : 4;
        const int match = status == 0 ? (pct % 10 == 0 ? 2 : 0) : 1;
        // Every date before 2026-09-26: the import refuses a status_since after today, and
        // dates up to 2027-01-03 made this bench fail from the day they passed it.
        const std::int32_t activated = base + static_cast<std::int32_t>((x >> 8) % 2400);
        const std::int32_t since = status == 0 ? activated : base + 2400 + static_cast<std::int32_t>((x >> 20) % 60);
        // About three SIMs per owner: consecutive numbers share an owner.
        const std::uint64_t owner = (i / 3) * 0x9E3779B97F4A7C15ULL;
        fmt::format_to(std::back_inserter(buf), "{},45204{:010},{:016x}{:016x},{},{},{},{},{},{},{},{},{},{}\n", number_of(i), i, owner, ~owner,
                       pct % 20 == 0 ? "business" : "individual", matches[match], match == 2 ? "" : model::iso_date(activated + 1), match == 0 ? 6 : 2,
                       match == 0 ? 1 : 0, (x >> 40) % 50 == 0 ? 1 : 0, statuses[status], model::iso_date(since), model::iso_date(activated),
                       (x >> 48) % 4 == 0 ? 0 : 1);
        if (buf.size() > (1 << 20)) {
            std::fwrite(buf.data(), 1, buf.size(), f);
            buf.clear();
        }
    }
    std::fwrite(buf.data(), 1, buf.size(), f);
    return std::fclose(f) == 0;
}

}  // namespace

int bench_subscribers(std::vector<std::string> args) {
    common_options copts;
    std::string error;
    if (!take_common_options(args, copts, error)) {
        std::fprintf(stderr, "ringfence bench subscribers: %s\n", error.c_str());
        return 2;
    }
    std::uint64_t rows = 10'000'000, records = 2'000'000;
    std::string dir_arg;
    constexpr const char* usage = "usage: ringfence bench subscribers [--rows N] [--records N] [--dir DIR]\n";
    parsed_args p;
    if (!parse(args, {"--rows", "--records", "--dir"}, {}, p, error) || !p.words.empty() ||
        !count_option(p, "--rows", 1, 1'000'000'000, rows, error) || !count_option(p, "--records", 1, 1'000'000'000, records, error)) {
        if (error.empty()) error = fmt::format("unknown option '{}'", terminal_safe(p.words[0]));
        std::fprintf(stderr, "ringfence bench subscribers: %s\n%s", error.c_str(), usage);
        return 2;
    }
    if (p.options.count("--dir")) dir_arg = p.options["--dir"];
    const std::string config_file = config_file_of(copts);
    auto cfg = app::load_daemon_config(config_file, copts.overrides);
    for (const auto& d : cfg.diagnostics) std::fprintf(stderr, "%s\n", d.to_text().c_str());
    if (!cfg.value) return 1;
    auto plan = model::numbering_plan::load(cfg.value->numbering);
    for (const auto& d : plan.diagnostics) std::fprintf(stderr, "%s\n", d.to_text().c_str());
    if (!plan.value) return 1;

    const fs::path dir = dir_arg.empty() ? fs::temp_directory_path() / fmt::format("ringfence-bench-subscribers-{}", ::getpid()) : fs::path(dir_arg);
    fs::create_directories(dir);
    const fs::path csv = dir / "subscribers.csv";
    const fs::path db = dir / "subscribers.sqlite";
    fs::remove(db);

    auto t = clock_type::now();
    if (!write_csv(csv, rows)) {
        std::fprintf(stderr, "ringfence bench subscribers: cannot write %s\n", csv.c_str());
        return 1;
    }
    std::printf("ringfence bench subscribers: %llu subscribers, CSV %.0f MB written in %.1f s\n", static_cast<unsigned long long>(rows),
                static_cast<double>(fs::file_size(csv)) / 1e6, seconds_since(t));

    std::fflush(stdout);  // the child writes to the same stdout
    const std::string cli = (fs::path(executable_dir()) / "ringfence").string();
    const std::string command = fmt::format("'{}' subscribers import --config '{}' --set subscribers.path='{}' '{}'", cli, config_file, db.string(), csv.string());
    t = clock_type::now();
    const int rc = std::system(command.c_str());
    const double import_s = seconds_since(t);
    if (rc != 0) {
        std::fprintf(stderr, "ringfence bench subscribers: the import failed (%d)\n", rc);
        return 1;
    }
    std::printf("import (ringfence subscribers import, end to end): %.1f s, %.0f rows/s, database %.0f MB\n", import_s,
                static_cast<double>(rows) / import_s, static_cast<double>(fs::file_size(db)) / 1e6);

    t = clock_type::now();
    std::shared_ptr<const subscribers::subscriber_index> index = subscribers::subscriber_index::load(db.string(), error);
    if (!index) {
        std::fprintf(stderr, "ringfence bench subscribers: %s\n", error.c_str());
        return 1;
    }
    std::printf("index build: %.1f s; %zu subscribers, %zu owners, %zu bytes: %.1f bytes per subscriber\n", seconds_since(t), index->size(),
                index->owners(), index->bytes(), static_cast<double>(index->bytes()) / static_cast<double>(index->size()));

    // Lookups alone: random subscribers (half of them absent from the database).
    {
        std::mt19937_64 rng(5);
        std::vector<std::int64_t> keys(1 << 20);
        for (auto& k : keys) k = 849'0000'0000LL + static_cast<std::int64_t>(rng() % (rows * 2));
        const std::int32_t day = static_cast<std::int32_t>(model::days_from_civil(2026, 11, 28));
        std::uint64_t found = 0;
        const std::uint64_t n = std::max<std::uint64_t>(records * 5, 1'000'000);
        t = clock_type::now();
        for (std::uint64_t i = 0; i < n; ++i) found += index->facts(keys[i & (keys.size() - 1)], day, cfg.value->subscribers.lifecycle).exists;
        const double secs = seconds_since(t);
        std::printf("lookups: %.0f per second on one core (%llu lookups, %llu found)\n", static_cast<double>(n) / secs, static_cast<unsigned long long>(n),
                    static_cast<unsigned long long>(found));
    }

    // The engine with every shipped pack, on calls from the generated subscribers.
    auto engine_rate = [&](bool with_subscribers) -> double {
        engine::rule_engine_settings s = cfg.value->engine;
        if (with_subscribers) {
            auto source = std::make_shared<subscribers::subscriber_source>(cfg.value->subscribers.lifecycle);
            source->install(index);
            s.subscribers = source;
        }
        auto created = engine::rule_engine::create(s);
        if (!created.value) return 0;
        engine::rule_engine& eng = **created.value;
        std::mt19937_64 rng(9);
        std::vector<model::record> calls(100'000);
        for (auto& r : calls) {
            r.clear();
            r.id.assign(1, 'b');  // not = "b": g++ 12 warns of a false overlap (-Wrestrict) here
            r.kind = model::event_kind::call_attempt;
            plan.value->normalize(number_of(rng() % rows), r.caller);
            plan.value->normalize(number_of(rng() % rows), r.callee);
            r.origin.kind = model::origin_kind::home_mobile;
        }
        engine::decision d;
        std::uint64_t blocked = 0;
        const std::int64_t start = 1'795'800'000'000;  // 2026-11-27
        t = clock_type::now();
        for (std::uint64_t i = 0; i < records; ++i) {
            model::record& r = calls[i % calls.size()];
            r.time_ms = start + static_cast<std::int64_t>(i / 100);
            eng.decide(r, d);
            blocked += d.final_action == engine::action::block;
        }
        const double secs = seconds_since(t);
        std::printf("engine, call.attempt, subscriber database %s: %.0f records/s on one core (%llu blocked of %llu)\n", with_subscribers ? "on " : "off",
                    static_cast<double>(records) / secs, static_cast<unsigned long long>(blocked), static_cast<unsigned long long>(records));
        return static_cast<double>(records) / secs;
    };
    // Off, on, off again: the two "off" runs show how much the machine itself moved.
    const double off1 = engine_rate(false);
    const double on = engine_rate(true);
    const double off = std::max(off1, engine_rate(false));
    if (off > 0 && on > 0) std::printf("subscriber rules cost: %.0f%% of the engine's rate\n", 100.0 * (off - on) / off);
    if (dir_arg.empty()) {
        std::error_code ec;
        fs::remove_all(dir, ec);
    }
    return 0;
}

}  // namespace ringfence::cli
