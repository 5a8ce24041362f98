// ringfence bench ingest: starts ringfenced (or uses --target), drives it with the load
// generator, and reports records/s, client-side latency percentiles and the decision log's
// rows/s (time until every decision is committed in the SQLite file).
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "tools/ringfence/cli_common.hpp"
#include "tools/ringfence/commands.hpp"
#include "tools/ringfence/daemon_child.hpp"
#include "tools/ringfence/jsonl_load_generator.hpp"

namespace ringfence::cli {

namespace {

constexpr const char* bench_usage =
    "usage: ringfence bench ingest [--connections N] [--records N] [--rate R] [--window W]\n"
    "                              [--mix call|sms|mixed] [--durability async|reply_after_commit]\n"
    "                              [--threads N] [--target HOST:PORT] [--config FILE] [--set K=V]...\n"
    "       ringfence bench engine [--records N] [--keys N] [--intel-numbers N] [--intel-domains N] [--keywords N]\n"
    "                             [--only calls|attempts|lifecycles|sms]\n"
    "       ringfence bench smpp [--pdus N] [--hep-packets N]\n"
    "  Without --target, starts ringfenced (beside this binary) on a free loopback port with its\n"
    "  decision log in a temporary directory, and also measures the log's rows/s.\n";

std::uint64_t count_rows(const std::string& db_path) {
    sqlite3* db = nullptr;
    std::uint64_t n = 0;
    if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 1000);
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM decisions", -1, &st, nullptr) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            n = static_cast<std::uint64_t>(sqlite3_column_int64(st, 0));
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return n;
}

std::uint32_t percentile(const std::vector<std::uint32_t>& sorted, double p) {
    if (sorted.empty()) return 0;
    const auto idx = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1));
    return sorted[idx];
}

int bench_ingest(std::vector<std::string> args) {
    common_options opts;
    std::string error;
    if (!take_common_options(args, opts, error)) {
        std::fprintf(stderr, "ringfence bench ingest: %s\n", error.c_str());
        return 2;
    }
    load_settings load;
    auto bad = [](const std::string& why) {
        std::fprintf(stderr, "ringfence bench ingest: %s\n%s", why.c_str(), bench_usage);
        return 2;
    };
    parsed_args p;
    if (!parse(args, {"--connections", "--records", "--rate", "--window", "--mix", "--durability", "--threads", "--target"}, {"--help"}, p,
               error))
        return bad(error);
    if (has_flag(p, "--help")) {
        std::printf("%s", bench_usage);
        return 0;
    }
    if (!p.words.empty()) return bad(fmt::format("unknown option '{}'", terminal_safe(p.words[0])));
    std::uint64_t connections = static_cast<std::uint64_t>(load.connections), window = load.window, thread_count = 1;
    if (!count_option(p, "--connections", 1, 10'000, connections, error) ||
        !count_option(p, "--records", 1, 1'000'000'000'000, load.records, error) ||
        !count_option(p, "--window", 1, 1'000'000, window, error) || !count_option(p, "--threads", 1, 256, thread_count, error))
        return bad(error);
    load.connections = static_cast<int>(connections);
    load.window = static_cast<std::uint32_t>(window);
    const int threads = static_cast<int>(thread_count);
    if (p.options.count("--rate") && !parse_rate("--rate", p.options["--rate"], load.rate, error)) return bad(error);
    if (p.options.count("--mix")) load.mix = p.options["--mix"];
    if (load.mix != "call" && load.mix != "sms" && load.mix != "mixed")
        return bad(fmt::format("--mix is call, sms or mixed, not '{}'", terminal_safe(load.mix)));
    const std::string durability = p.options.count("--durability") ? p.options["--durability"] : "async";
    const std::string target = p.options.count("--target") ? p.options["--target"] : "";
    if (durability != "async" && durability != "reply_after_commit") {
        std::fprintf(stderr, "ringfence bench ingest: --durability is async or reply_after_commit\n");
        return 2;
    }

    daemon_child daemon;
    std::string db_path;
    std::filesystem::path state;
    if (target.empty()) {
        state = std::filesystem::temp_directory_path() / fmt::format("ringfence-bench-{}", ::getpid());
        std::filesystem::create_directories(state);
        // The log is waited for only when the config (with the --set overrides) keeps it on.
        auto loaded = load_plan_or_report(opts);
        if (!loaded.value) return 2;
        if (loaded.value->config.decision_log.enabled) db_path = (state / "decisions.sqlite").string();
        std::vector<std::string> dargs{"--config", config_file_of(opts),
                                       "--set", "state_dir=" + state.string(),
                                       "--set", "ingest.jsonl.tcp=127.0.0.1:0",
                                       "--set", "ingest.jsonl.unix=",
                                       "--set", "ingest.threads=" + std::to_string(threads),
                                       "--set", "decision_log.durability=" + durability,
                                       "--set", "log.stats_interval_s=0"};
        for (const auto& o : opts.overrides) {
            dargs.push_back("--set");
            dargs.push_back(o.key + "=" + o.value);
        }
        const std::string binary = executable_dir() + "/ringfenced";
        if (auto err = daemon.start(binary, dargs, (state / "ringfenced.log").string()); !err.empty()) {
            std::fprintf(stderr, "ringfence bench ingest: %s\n", err.c_str());
            return 1;
        }
        load.port = daemon.port();
    } else {
        const auto colon = target.rfind(':');
        std::uint64_t port = 0;
        if (colon == std::string::npos || colon == 0 || !parse_count("--target's port", std::string_view(target).substr(colon + 1), 1, 65535, port, error))
            return bad(colon == std::string::npos || colon == 0 ? fmt::format("--target is HOST:PORT, not '{}'", terminal_safe(target)) : error);
        load.host = target.substr(0, colon);
        load.port = static_cast<std::uint16_t>(port);
    }

    std::printf("ringfence bench ingest: %d connections, %llu records (%s), window %u, rate %s, durability %s, %d io thread(s)\n",
                load.connections, static_cast<unsigned long long>(load.records), load.mix.c_str(), load.window,
                load.rate > 0 ? fmt::format("{:.0f}/s", load.rate).c_str() : "unlimited",
                target.empty() ? durability.c_str() : "(as configured)", threads);
    const auto started = std::chrono::steady_clock::now();
    load_result r = run_load(load);
    if (!r.failure.empty()) {
        std::fprintf(stderr, "ringfence bench ingest: %s\n", r.failure.c_str());
        return 1;
    }
    // In async mode replies do not wait for the log: what the writer had not committed when
    // the last reply came was waiting in its queue.
    const std::uint64_t rows_at_last_reply = db_path.empty() ? 0 : count_rows(db_path);
    // A paced run's p99 per tenth of its replies (in the order they came): a long run shows
    // whether the tail is steady or comes from one stretch (a number-index run appended,
    // a checkpoint, other work on the machine).
    if (load.rate > 0 && r.latencies_us.size() >= 10'000) {
        std::string tenths;
        const std::size_t step = r.latencies_us.size() / 10;
        for (std::size_t i = 0; i < 10; ++i) {
            std::vector<std::uint32_t> part(r.latencies_us.begin() + static_cast<std::ptrdiff_t>(i * step),
                                            r.latencies_us.begin() + static_cast<std::ptrdiff_t>((i + 1) * step));
            std::sort(part.begin(), part.end());
            tenths += fmt::format(" {}", percentile(part, 0.99));
        }
        std::printf("latency_us p99 by tenth of the run:%s\n", tenths.c_str());
    }
    std::sort(r.latencies_us.begin(), r.latencies_us.end());
    std::printf("records/s: %.0f  (%llu replies in %.3f s; %llu error replies)\n",
                static_cast<double>(r.replies) / r.seconds, static_cast<unsigned long long>(r.replies), r.seconds,
                static_cast<unsigned long long>(r.error_replies));
    std::printf("latency_us: p50=%u p99=%u p99.9=%u max=%u\n", percentile(r.latencies_us, 0.50),
                percentile(r.latencies_us, 0.99), percentile(r.latencies_us, 0.999),
                r.latencies_us.empty() ? 0 : r.latencies_us.back());

    int code = r.error_replies == 0 ? 0 : 1;
    if (target.empty() && db_path.empty()) std::printf("log rows/s: decision log off\n");
    if (!db_path.empty()) {
        // Wait until the log holds every decision; rows/s counts from the first record sent.
        std::uint64_t rows = 0;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
        while ((rows = count_rows(db_path)) < r.replies && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        const double rows_per_s = static_cast<double>(rows) / secs;
        std::printf("log rows/s: %.0f  (%llu rows committed %.3f s after the first record)\n", rows_per_s,
                    static_cast<unsigned long long>(rows), secs);
        // Replies faster than the log are a burst the queue absorbs, not a rate the daemon
        // keeps: once decision_log.queue_capacity rows wait, reading pauses (backpressure) and
        // a longer run settles near the log's rate. Say so beside the figure.
        const double replies_per_s = static_cast<double>(r.replies) / r.seconds;
        if (rows_at_last_reply < r.replies && rows_per_s < 0.95 * replies_per_s)
            std::printf("sustained: the log's rate, ~%.0f records/s: %llu decisions were still queued for the log at the last "
                        "reply; a run long enough to fill decision_log.queue_capacity settles there\n",
                        rows_per_s, static_cast<unsigned long long>(r.replies - rows_at_last_reply));
        const int status = daemon.stop();
        if (rows < r.replies) {
            std::fprintf(stderr, "ringfence bench ingest: the log holds %llu of %llu decisions\n",
                         static_cast<unsigned long long>(rows), static_cast<unsigned long long>(r.replies));
            code = 1;
        }
        if (status != 0) {
            std::fprintf(stderr, "ringfence bench ingest: ringfenced exited with %d (log: %s)\n", status,
                         (state / "ringfenced.log").c_str());
            code = 1;
        } else {
            std::error_code ec;
            std::filesystem::remove_all(state, ec);
        }
    }
    return code;
}

}  // namespace

int cmd_bench(std::vector<std::string> args) {
    if (args.empty() || args[0] == "--help") {
        std::fputs(bench_usage, args.empty() ? stderr : stdout);
        return args.empty() ? 2 : 0;
    }
    const std::string what = args[0];
    args.erase(args.begin());
    if (what == "ingest") return bench_ingest(std::move(args));
    if (what == "engine") return bench_engine(std::move(args));
    if (what == "subscribers") return bench_subscribers(std::move(args));
    if (what == "replay") return bench_replay(std::move(args));
    if (what == "smpp") return bench_smpp(std::move(args));
    std::fprintf(stderr, "ringfence bench: unknown benchmark '%s' (ingest, engine, subscribers, replay, smpp)\n", what.c_str());
    return 2;
}

}  // namespace ringfence::cli
