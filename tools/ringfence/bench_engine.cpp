// ringfence bench engine: the rule engine alone, in this process, on one thread: every
// shipped pack loaded, large intelligence lists (police numbers, blocked domains) in a
// temporary intel database, a large keyword list given as an items file, window state
// filled with many active keys, then call and SMS records decided back to back. Reports
// records/s per core, bytes per active key, and the time of a full reload.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "app/daemon_config.hpp"
#include "engine/rule_engine.hpp"
#include "intel/intel_editor.hpp"
#include "intel/intel_store.hpp"
#include "model/numbering_plan.hpp"
#include "tools/ringfence/cli_common.hpp"
#include "tools/ringfence/commands.hpp"
#include "tools/ringfence/sms_text_generator.hpp"

namespace ringfence::cli {

namespace {

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

double seconds_since(clock_type::time_point t) { return std::chrono::duration<double>(clock_type::now() - t).count(); }

struct bench_options {
    std::uint64_t records = 1'000'000;
    std::uint64_t keys = 1'000'000;
    std::uint64_t intel_numbers = 1'000'000;
    std::uint64_t intel_domains = 100'000;
    std::uint64_t keywords = 5'000;
    std::vector<std::string> rule_paths;
    // Time one stream alone (for profiling): "attempts" (call attempts alone), "lifecycles"
    // (whole calls), "calls" (both) or "sms".
    std::string only;
};

std::string subscriber(std::uint64_t i) { return fmt::format("+849{:08}", i % 100'000'000); }

// Writes the keyword list and a local pack that appends it to the shipped packs.
std::string write_bench_pack(const fs::path& dir, const bench_options& o) {
    {
        std::ofstream f(dir / "keywords.txt");
        std::mt19937_64 rng(7);
        for (std::uint64_t i = 0; i < o.keywords; ++i) f << fmt::format("lure phrase {} {:x}\n", i, rng() % 0xFFFFFF);
    }
    const fs::path pack = dir / "bench-lists.yaml";
    std::ofstream(pack) << "- list: lures_vi\n  items_file: keywords.txt\n  override: {items: append}\n";
    return pack.string();
}

// Fills police_numbers and blocked_domains in a new intel database at path, as
// `ringfence lists import` would (one transaction per list). Returns "" or why not.
std::string write_bench_intel(const std::string& path, const bench_options& o) {
    auto store = intel::intel_store::open(path);
    if (!store.value) return store.diagnostics.empty() ? "cannot open" : store.diagnostics.front().to_text();
    intel::intel_editor editor((*store.value)->connection(), "ringfence bench engine");
    auto fill_list = [&](const char* name, engine::intel_kind kind, std::uint64_t n, auto value_of) -> std::string {
        if (auto err = editor.create_list(name, kind, "bench", 0); !err.empty()) return err;
        std::optional<intel::list_row> row;
        editor.find_list(name, row, 0);
        if (!row) return "list not created";
        std::vector<intel::new_entry> rows;
        rows.reserve(n);
        for (std::uint64_t i = 0; i < n; ++i) rows.push_back({value_of(i), {}, intel::entry_source::police, "bench entry", 0});
        std::int64_t added = 0, replaced = 0;
        return editor.import(*row, rows, "bench", "-", 0, added, replaced);
    };
    // Never a generated caller: every call attempt looks the number up and misses.
    if (auto err = fill_list("police_numbers", engine::intel_kind::number, o.intel_numbers, [](std::uint64_t i) { return fmt::format("+8470{:08}", i); });
        !err.empty())
        return err;
    return fill_list("blocked_domains", engine::intel_kind::domain, o.intel_domains, [](std::uint64_t i) { return fmt::format("scam-{}.top", i); });
}

void fill(model::record& r, const model::numbering_plan& plan, model::event_kind kind, std::int64_t t, const std::string& caller,
          const std::string& callee) {
    r.clear();
    r.id = "b";
    r.kind = kind;
    r.time_ms = t;
    plan.normalize(caller, r.caller);
    plan.normalize(callee, r.callee);
    r.origin.kind = model::origin_kind::interconnect;
    r.origin.trunk = "GW-1";
    r.origin.ip = "203.0.113.7";
}

// Whole calls as a switch reports them: an attempt, then for 60% an answer and an end
// after talk, for the rest an end after ringing with no answer. A call's answer comes
// 4,000-12,000 calls after its attempt and its end up to 80,000 calls after that, as on a
// busy network where thousands of calls start in between: its state is no longer in cache
// (records of a call back to back would find it there). Record times come from the run.
std::vector<model::record> whole_calls(std::size_t count, std::uint64_t keys, const model::numbering_plan& plan, std::mt19937_64& rng) {
    struct staged {
        std::uint64_t at;  // position in the stream, in calls
        std::size_t index;
    };
    std::vector<model::record> made;
    std::vector<staged> order;
    made.reserve(count * 3);
    for (std::size_t c = 0; c < count; ++c) {
        const std::string caller = subscriber(rng() % keys), callee = subscriber(rng() % keys);
        const bool answered = rng() % 10 < 6;
        const std::int64_t ring = answered ? 3'000 + static_cast<std::int64_t>(rng() % 12'000) : 1'000 + static_cast<std::int64_t>(rng() % 29'000);
        std::uint64_t at = c;
        order.push_back({at, made.size()});
        fill(made.emplace_back(), plan, model::event_kind::call_attempt, 0, caller, callee);
        at += 4'000 + rng() % 8'000;
        if (answered) {
            order.push_back({at, made.size()});
            model::record& answer = made.emplace_back();
            fill(answer, plan, model::event_kind::call_answer, 0, caller, callee);
            answer.call.present = true;
            answer.call.ring_ms = ring;
            at += 1 + rng() % 80'000;
        }
        order.push_back({at, made.size()});
        model::record& end = made.emplace_back();
        fill(end, plan, model::event_kind::call_end, 0, caller, callee);
        end.call.present = true;
        end.call.ring_ms = ring;
        end.call.talk_ms = answered ? 10'000 + static_cast<std::int64_t>(rng() % 290'000) : 0;
        end.call.cause = answered ? "normal" : "no_answer";
    }
    std::stable_sort(order.begin(), order.end(), [](const staged& a, const staged& b) { return a.at < b.at; });
    std::vector<model::record> stream;
    stream.reserve(order.size());
    for (const staged& e : order) stream.push_back(std::move(made[e.index]));
    return stream;
}

}  // namespace

int bench_engine(std::vector<std::string> args) {
    common_options copts;
    std::string error;
    if (!take_common_options(args, copts, error)) {
        std::fprintf(stderr, "ringfence bench engine: %s\n", error.c_str());
        return 2;
    }
    bench_options o;
    constexpr const char* usage =
        "usage: ringfence bench engine [--records N] [--keys N] [--intel-numbers N] [--intel-domains N] [--keywords N]\n"
        "                             [--only calls|attempts|lifecycles|sms]\n"
        "  --only: those records alone (calls: attempts and whole calls), without the intel lookup and memory figures\n";
    constexpr std::uint64_t most = 1'000'000'000;
    parsed_args p;
    if (!parse(args, {"--records", "--keys", "--intel-numbers", "--intel-domains", "--keywords", "--only"}, {}, p, error) ||
        !p.words.empty() || !count_option(p, "--records", 1, most, o.records, error) || !count_option(p, "--keys", 1, most, o.keys, error) ||
        !count_option(p, "--intel-numbers", 0, most, o.intel_numbers, error) ||
        !count_option(p, "--intel-domains", 0, most, o.intel_domains, error) || !count_option(p, "--keywords", 0, most, o.keywords, error)) {
        if (error.empty()) error = fmt::format("unknown option '{}'", terminal_safe(p.words[0]));
        std::fprintf(stderr, "ringfence bench engine: %s\n%s", error.c_str(), usage);
        return 2;
    }
    if (p.options.count("--only")) {
        o.only = p.options["--only"];
        if (o.only != "calls" && o.only != "attempts" && o.only != "lifecycles" && o.only != "sms") {
            std::fprintf(stderr, "ringfence bench engine: unknown option or value '--only %s'\n%s", terminal_safe(o.only).c_str(), usage);
            return 2;
        }
    }
    auto cfg = app::load_daemon_config(config_file_of(copts), copts.overrides);
    for (const auto& d : cfg.diagnostics) std::fprintf(stderr, "%s\n", d.to_text().c_str());
    if (!cfg.value) return 1;
    auto plan = model::numbering_plan::load(cfg.value->numbering);
    for (const auto& d : plan.diagnostics) std::fprintf(stderr, "%s\n", d.to_text().c_str());
    if (!plan.value) return 1;

    const fs::path dir = fs::temp_directory_path() / fmt::format("ringfence-bench-engine-{}", ::getpid());
    fs::create_directories(dir);
    engine::rule_engine_settings s = cfg.value->engine;
    s.rule_paths.push_back(write_bench_pack(dir, o));
    s.windows.memory_cap_bytes = std::size_t{8} << 30;

    auto t = clock_type::now();
    const std::string intel_path = (dir / "intel.sqlite").string();
    if (auto err = write_bench_intel(intel_path, o); !err.empty()) {
        std::fprintf(stderr, "ringfence bench engine: intel database: %s\n", err.c_str());
        return 1;
    }
    std::printf("intel import: %llu numbers and %llu domains in %.3f s\n", static_cast<unsigned long long>(o.intel_numbers),
                static_cast<unsigned long long>(o.intel_domains), seconds_since(t));
    auto store = intel::intel_store::open(intel_path);
    if (!store.value) return 1;
    s.intel = *store.value;

    t = clock_type::now();
    auto created = engine::rule_engine::create(s);
    const double load_s = seconds_since(t);
    for (const auto& d : created.diagnostics) std::fprintf(stderr, "%s\n", d.to_text().c_str());
    if (!created.value) return 1;
    engine::rule_engine& eng = **created.value;
    const auto rs = eng.current();
    std::printf("ringfence bench engine: %zu rules, %zu aggregates, %zu list entries (%llu intel numbers, %llu intel domains, %llu keywords)\n",
                rs->rules.size(), rs->aggregate_definitions(), rs->list_entries, static_cast<unsigned long long>(o.intel_numbers),
                static_cast<unsigned long long>(o.intel_domains), static_cast<unsigned long long>(o.keywords));
    std::printf("load: %.3f s\n", load_s);

    // Active keys: one call attempt from each of `keys` subscribers, each to a number of its
    // own (callee_offset further on), so callers and callees are as many keys again.
    constexpr std::uint64_t callee_offset = 7'777'777;
    model::record r;
    engine::decision d;
    std::int64_t now = 1'795'000'000'000;
    t = clock_type::now();
    for (std::uint64_t i = 0; i < o.keys; ++i) {
        fill(r, *plan.value, model::event_kind::call_attempt, now + static_cast<std::int64_t>(i / 1000), subscriber(i), subscriber(i + callee_offset));
        eng.decide(r, d);
    }
    now += static_cast<std::int64_t>(o.keys / 1000) + 1;
    const auto ws = eng.windows().stats();
    // The numbers that hold state: the callers and their callees (overlapping past callee_offset).
    const std::uint64_t numbers = o.keys <= callee_offset ? 2 * o.keys : o.keys + callee_offset;
    std::printf("window state: %llu subscribers active, %llu numbers with state, %zu entries, %zu bytes: %.0f bytes per active subscriber, "
                "%.0f per number with state (%.1f s to fill)\n",
                static_cast<unsigned long long>(o.keys), static_cast<unsigned long long>(numbers), ws.keys, ws.bytes,
                static_cast<double>(ws.bytes) / static_cast<double>(o.keys), static_cast<double>(ws.bytes) / static_cast<double>(numbers),
                seconds_since(t));

    // Records prepared up front so only decide() is timed.
    std::mt19937_64 rng(42);
    const std::size_t pool = 100'000;
    const bool all = o.only.empty();
    const bool run_attempts = all || o.only == "calls" || o.only == "attempts";
    const bool run_whole_calls = all || o.only == "calls" || o.only == "lifecycles";
    const bool run_sms = all || o.only == "sms";
    // A stream that does not run is not built, but its draws are made: every stream is the
    // same records whichever others run (tools/bench-instructions compares --only runs).
    std::vector<model::record> calls(run_attempts ? pool : 0), sms(run_sms ? pool : 0);
    // Each SMS of the pool has a text of its own (sms_text_generator.hpp).
    const std::vector<std::string> texts = run_sms ? generate_sms_texts(pool, 42, o.intel_domains) : std::vector<std::string>();
    for (std::size_t i = 0; i < pool; ++i) {
        if (run_attempts) {
            fill(calls[i], *plan.value, model::event_kind::call_attempt, 0, subscriber(rng() % o.keys), subscriber(rng() % o.keys));
        } else {
            rng.discard(2);
        }
        if (!run_sms) {
            rng.discard(2);
            continue;
        }
        fill(sms[i], *plan.value, i % 2 ? model::event_kind::sms_submit : model::event_kind::sms_deliver, 0, subscriber(rng() % o.keys),
             subscriber(rng() % o.keys));
        sms[i].sms.present = true;
        sms[i].sms.text = texts[i];
        sms[i].sms.sender = sms[i].caller.raw;
    }
    // Record time advances 1 ms every 1000 records: the traffic of a network at 1,000,000
    // records/s, so windows and idle sweeps see the record-time pace the target implies.
    //
    // Only decide() is timed, on records in cache as a reader leaves the lines it has just
    // parsed: each batch of 64 is copied from the pool (tens of megabytes, where every
    // record read is a cache miss the daemon does not have) into the same 64 records, and
    // the clock runs while they are decided. The rate with the copies counted is printed
    // too.
    auto run = [&](const std::vector<model::record>& recs, const char* what) {
        constexpr std::size_t batch = 64;
        std::vector<model::record> hot(batch);
        std::uint64_t blocked = 0;
        double deciding_s = 0;
        t = clock_type::now();
        for (std::uint64_t i = 0; i < o.records;) {
            const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(batch, o.records - i));
            for (std::size_t k = 0; k < n; ++k) {
                hot[k] = recs[(i + k) % recs.size()];
                hot[k].time_ms = now + static_cast<std::int64_t>((i + k) / 1000);
            }
            const auto started = clock_type::now();
            for (std::size_t k = 0; k < n; ++k) {
                eng.decide(hot[k], d);
                blocked += d.final_action == engine::action::block;
            }
            deciding_s += seconds_since(started);
            i += n;
        }
        now += static_cast<std::int64_t>(o.records / 1000) + 1;
        const double secs = seconds_since(t);
        std::printf("%s: %.0f records/s on one core (%llu records decided in %.3f s, %llu blocked; %.0f records/s with the copies)\n", what,
                    static_cast<double>(o.records) / deciding_s, static_cast<unsigned long long>(o.records), deciding_s,
                    static_cast<unsigned long long>(blocked), static_cast<double>(o.records) / secs);
    };
    if (run_attempts) run(calls, "call.attempt");
    if (run_whole_calls) run(whole_calls(pool, o.keys, *plan.value, rng), "call records (attempt, answer, end)");
    if (run_sms) run(sms, "sms");

    // One intelligence-list lookup on its own: the current snapshot read (no lock, no
    // shared count) and a hash probe, for numbers that are and are not listed. Twenty
    // million lookups: with all streams only (--only times a stream, and an e2e test under
    // the sanitizers spent most of its 24 s here).
    for (const auto& l : rs->lists) {
        if (!all || l->name() != "police_numbers" || o.intel_numbers == 0) continue;
        const std::uint64_t n = 10'000'000;
        std::vector<std::string> listed, unlisted;
        for (std::uint64_t i = 0; i < 1024; ++i) {
            listed.push_back(fmt::format("+8470{:08}", (i * 7919) % o.intel_numbers));
            unlisted.push_back(subscriber(i * 7919));
        }
        for (auto* values : {&listed, &unlisted}) {
            std::uint64_t hits = 0;
            t = clock_type::now();
            for (std::uint64_t i = 0; i < n; ++i) hits += l->match_at((*values)[i & 1023], now, nullptr);
            std::printf("intel lookup (%s): %.1f ns per match, %llu hits\n", values == &listed ? "listed" : "not listed",
                        seconds_since(t) * 1e9 / static_cast<double>(n), static_cast<unsigned long long>(hits));
        }
        std::printf("police_numbers in memory: %zu entries, %zu bytes (%.0f per entry)\n", l->size(), l->bytes(),
                    static_cast<double>(l->bytes()) / static_cast<double>(l->size()));
    }

    t = clock_type::now();
    auto reload = eng.reload();
    std::printf("full reload: %.3f s (%s)\n", seconds_since(t), reload.swapped ? "swapped" : "failed");
    std::error_code ec;
    fs::remove_all(dir, ec);
    return reload.swapped ? 0 : 1;
}

}  // namespace ringfence::cli
