#include "app/daemon.hpp"

#include <utility>  // Boost 1.74 Asio misses it under C++20 with g++ 12

#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <thread>

#include "app/pipeline_parts.hpp"
#include "common/exclusive_files.hpp"
#include "app/control_server.hpp"
#include "app/systemd_notifier.hpp"
#include "common/log.hpp"
#include "common/thread_name.hpp"
#include "ingest/capture/live_capture.hpp"
#include "ingest/capture/passive_decider.hpp"
#include "ingest/hep/hep_listener.hpp"
#include "ingest/jsonl_server.hpp"
#include "store/decision_log_database.hpp"

namespace ringfence::app {

namespace asio = boost::asio;
using common::log;
using common::log_level;

namespace {

// Each client holds a descriptor, and the SQLite files, captures and listeners a few dozen
// more. The soft limit (1024 outside systemd, where max_connections is 1024 too) is raised
// to the hard one; past what that leaves, clients are refused (jsonl_server), and said here.
void raise_descriptor_limit(std::size_t max_connections) {
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return;
    if (rl.rlim_cur < rl.rlim_max) {
        rlimit raised = rl;
        raised.rlim_cur = rl.rlim_max;
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) rl = raised;
    }
    constexpr std::size_t reserved = 64;
    if (rl.rlim_cur != RLIM_INFINITY && max_connections + reserved > rl.rlim_cur)
        log(log_level::warning,
            "ingest.jsonl.max_connections is {} but the open-file limit is {}: past about {} clients, new ones are refused (raise LimitNOFILE)",
            max_connections, static_cast<std::uint64_t>(rl.rlim_cur), rl.rlim_cur > reserved ? rl.rlim_cur - reserved : 0);
}

constexpr auto shutdown_deadline = std::chrono::seconds(30);

void print_diagnostics(const std::vector<common::diagnostic>& diags) {
    for (const auto& d : diags)
        log(d.level == common::severity::error ? log_level::error : log_level::warning, "{}", d.to_text());
}

// SIGTERM or SIGINT that arrives while the daemon starts (before asio's signal_set takes
// the signals over): remembered, so a stop asked for during a long start ends it cleanly
// (exit 0) instead of killing it by the default action.
// SIGHUP then (a log rotation, an operator's reload) must not kill it either: the rule
// packs are read again once it serves, in case they changed while it started.
volatile std::sig_atomic_t signal_during_start = 0;
volatile std::sig_atomic_t hangup_during_start = 0;

extern "C" void remember_start_signal(int sig) {
    if (sig == SIGHUP)
        hangup_during_start = 1;
    else
        signal_during_start = sig;
}

void catch_signals_during_start() {
    struct sigaction action {};
    action.sa_handler = remember_start_signal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGTERM, &action, nullptr);
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGHUP, &action, nullptr);
}

class daemon_process {
public:
    explicit daemon_process(const daemon_options& options) : options_(options) {}

    int run() {
        catch_signals_during_start();
        int code = startup();
        if (code < 0) code = serve();
        teardown();
        // Decisions were made that the log could not keep (their lines got not_logged
        // errors): the run did not end clean, and the exit code says so to systemd.
        if (code == 0 && rows_lost_ > 0) {
            log(log_level::error, "{} decisions could not be written to the decision log; exiting with status 1", rows_lost_);
            code = 1;
        }
        return code;
    }

private:
    // Each step returns -1 to go on, or the exit code to stop with.
    int startup() {
        for (auto step : {&daemon_process::load_config, &daemon_process::load_parts, &daemon_process::open_log,
                          &daemon_process::start_listeners, &daemon_process::start_capture}) {
            const int code = (this->*step)();
            if (code >= 0) return code;
            if (signal_during_start != 0 && !options_.check_only) {
                log(log_level::notice, "signal {} while starting: stopping before serving", static_cast<int>(signal_during_start));
                return 0;
            }
        }
        return -1;
    }

    int load_config() {
        auto cfg = load_daemon_config(options_.config_file, options_.overrides);
        print_diagnostics(cfg.diagnostics);
        if (!cfg.value) {
            log(log_level::error, "configuration {} has errors; not starting", options_.config_file);
            return 1;
        }
        config_ = std::move(*cfg.value);
        common::log_level level = log_level::info;
        common::parse_log_level(config_.log.level, level);
        common::set_log_level(level);
        return -1;
    }

    // What a start would find wrong with the places the configuration names, before it opens
    // any of them: checked by --check and by a start alike, so the check fails whenever the
    // start would, with a message that names the setting.
    std::vector<std::string> state_path_problems() const {
        namespace fs = std::filesystem;
        std::vector<std::string> out;
        std::error_code ec;
        fs::path dir = fs::path(config_.state_dir).lexically_normal();
        if (!dir.has_filename() && dir != dir.root_path()) dir = dir.parent_path();  // "/srv/ringfence/" is "/srv/ringfence"
        const auto status = fs::status(dir, ec);
        if (fs::exists(status) && !fs::is_directory(status)) {
            out.push_back(fmt::format("state_dir {} is not a directory", config_.state_dir));
            return out;
        }
        fs::path existing = dir;  // the directory a start writes in, or would create it in
        while (!existing.empty() && !fs::exists(existing, ec) && existing.has_parent_path() && existing.parent_path() != existing)
            existing = existing.parent_path();
        if (::access(existing.c_str(), W_OK | X_OK) != 0)
            out.push_back(fmt::format("state_dir {}: {} is not writable by uid {} ({})", config_.state_dir, existing.string(), ::geteuid(),
                                      std::strerror(errno)));
        const std::pair<const char*, const std::string*> files[] = {
            {"decision_log.path", config_.decision_log.enabled ? &config_.decision_log.settings.path : nullptr},
            {"intel.path", &config_.intel.path},
            {"subscribers.path", &config_.subscribers.path},
        };
        for (const auto& [key, path] : files) {
            if (path == nullptr || path->empty()) continue;
            const auto file_status = fs::status(*path, ec);
            if (fs::exists(file_status) && !fs::is_regular_file(file_status))
                out.push_back(fmt::format("{} {} is not a regular file (a SQLite database file is needed)", key, *path));
        }
        for (const auto& [key, path] : {std::pair<const char*, const std::string*>{"control.unix", &config_.control_path},
                                       {"ingest.jsonl.unix", &config_.jsonl.unix_path}}) {
            if (path->empty()) continue;
            const fs::path parent = fs::path(*path).lexically_normal().parent_path();
            if (!parent.empty() && parent != dir && !fs::is_directory(parent, ec))
                out.push_back(fs::exists(parent, ec) ? fmt::format("{} {}: {} is not a directory", key, *path, parent.string())
                                                     : fmt::format("{} {}: the directory {} does not exist", key, *path, parent.string()));
        }
        // Two settings naming one file: the second to open it would find the first's socket or
        // database there and refuse the start (the daemon itself "another process").
        struct place {
            const char* key;
            const std::string* path;  // null or empty: not used
            bool database;            // SQLite and the lock keep files beside it
            std::vector<fs::path> files{};
        };
        place places[] = {
            {"decision_log.path", config_.decision_log.enabled ? &config_.decision_log.settings.path : nullptr, true},
            {"intel.path", &config_.intel.path, true},
            {"subscribers.path", &config_.subscribers.path, true},
            {"engine.state.snapshot_path", &config_.state_snapshot_path, true},
            {"ingest.jsonl.unix", &config_.jsonl.unix_path, false},
            {"control.unix", &config_.control_path, false},
        };
        // Compared as the file system finds them (a folder reached through a symbolic link is
        // the folder), a database with the files kept beside it.
        for (place& p : places) {
            if (p.path == nullptr || p.path->empty()) continue;
            const fs::path at = fs::weakly_canonical(fs::path(*p.path), ec);
            p.files.push_back(ec ? fs::path(*p.path).lexically_normal() : at);
            if (p.database)
                for (const char* beside : {"-wal", "-shm", "-journal", ".lock"}) p.files.push_back(fs::path(p.files.front().string() + beside));
        }
        for (std::size_t i = 0; i < std::size(places); ++i)
            for (std::size_t j = i + 1; j < std::size(places); ++j) {
                const place& a = places[i];
                const place& b = places[j];
                if (a.files.empty() || b.files.empty()) continue;
                if (a.files.front() == b.files.front())
                    out.push_back(fmt::format("{} and {} name the same file {}: each needs its own", a.key, b.key, *a.path));
                else if (!b.database && std::find(a.files.begin(), a.files.end(), b.files.front()) != a.files.end())
                    out.push_back(fmt::format("{} {} is a file SQLite keeps beside {} {}: give it a path of its own", b.key, *b.path, a.key, *a.path));
            }
        return out;
    }

    // --check: whether the addresses a start listens on can be bound now (another process
    // on one stops a start). Each is bound and closed at once; nothing listens.
    std::string listen_problems() const {
        std::string out;
        const auto probe = [&](const char* key, const endpoint& at, bool udp) {
            if (!at.enabled || at.port == 0) return;
            boost::system::error_code ec;
            const auto address = asio::ip::make_address(at.host, ec);
            if (ec) return;  // the configuration's own check names a bad address
            asio::io_context io;
            if (udp) {
                asio::ip::udp::socket s(io);
                const asio::ip::udp::endpoint ep(address, at.port);
                s.open(ep.protocol(), ec);
                if (!ec) s.bind(ep, ec);
            } else {
                asio::ip::tcp::acceptor a(io);
                const asio::ip::tcp::endpoint ep(address, at.port);
                a.open(ep.protocol(), ec);
                if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
                if (!ec) a.bind(ep, ec);
            }
            if (ec) out += fmt::format("{}{}: cannot listen on {}:{}: {}", out.empty() ? "" : "; ", key, at.host, at.port, ec.message());
        };
        probe("ingest.jsonl.tcp", config_.jsonl.tcp, false);
        probe("ingest.hep.tcp", config_.hep.tcp, false);
        probe("ingest.hep.udp", config_.hep.udp, true);
        // A socket path another process listens on stops a start as a taken port does.
        for (const auto& [key, path] : {std::pair<const char*, const std::string*>{"ingest.jsonl.unix", &config_.jsonl.unix_path},
                                       {"control.unix", &config_.control_path}})
            if (!path->empty())
                if (auto why = common::probe_unix_socket_path(*path); !why.empty())
                    out += fmt::format("{}{}: cannot listen: {}", out.empty() ? "" : "; ", key, why);
        return out;
    }

    int load_parts() {
        auto problems = state_path_problems();
        if (config_.capture.enabled)
            for (const auto& name : config_.capture.live.interfaces)
                if (!ingest::capture::interface_exists(name))
                    problems.push_back(fmt::format("{}: capture.interfaces: no network interface '{}' on this machine", options_.config_file, name));
        if (!problems.empty()) {
            for (const auto& p : problems) log(log_level::error, "{}", p);
            log(log_level::error, "{}", options_.check_only ? "a start would fail" : "not starting");
            return 1;
        }
        // The rules are laid out as the snapshot the daemon restores was written (its state
        // then fits whatever the packs changed since).
        config_.engine.state_snapshot_path = config_.state_snapshot_path;
        // --check validates without creating state: a missing intel database reads as empty.
        auto parts = load_pipeline_parts(config_, options_.check_only ? intel_open::if_exists : intel_open::create);
        print_diagnostics(parts.diagnostics);
        if (!parts.value) {
            log(log_level::error, "the numbering plan, rule packs, subscriber database or intel database have errors (above); {}",
                options_.check_only ? "a start would fail" : "not starting");
            return 1;
        }
        parts_ = std::move(*parts.value);
        if (parts_.rules && config_.state_snapshot_path.empty())
            log(log_level::warning, "engine.state.snapshot_path is empty: window state is not saved, and every restart begins with empty windows");
        if (options_.check_only) {
            // The decision log file as a start would find it: another program's database or
            // a log from a newer ringfence stops a start, so it fails the check too.
            // A file another daemon holds stops a start (one daemon per log and snapshot).
            for (const std::string* held : {config_.decision_log.enabled ? &config_.decision_log.settings.path : nullptr,
                                            parts_.rules ? &config_.state_snapshot_path : nullptr}) {
                if (held == nullptr || held->empty()) continue;
                if (auto why = common::probe_file_lock(*held); !why.empty()) {
                    log(log_level::error, "{}; a start would fail", why);
                    return 1;
                }
            }
            if (config_.decision_log.enabled) {
                const auto log_diags = store::check_decision_log_file(config_.decision_log.settings.path);
                print_diagnostics(log_diags);
                if (common::has_errors(log_diags)) {
                    log(log_level::error, "the decision log {} cannot be used; a start would fail", config_.decision_log.settings.path);
                    return 1;
                }
            }
            if (parts_.rules && !config_.state_snapshot_path.empty()) {
                if (auto why = snapshot_path_problem(config_.state_snapshot_path); !why.empty()) {
                    log(log_level::error, "{}; a start would fail", why);
                    return 1;
                }
                // Read as a start reads it: one it cannot read is moved aside at the start.
                std::error_code ec;
                if (std::filesystem::exists(config_.state_snapshot_path, ec))
                    if (auto err = parts_.rules->load_state(config_.state_snapshot_path); !err.empty())
                        log(log_level::warning, "window state snapshot {} cannot be read ({}): a start moves it aside and begins with empty window state",
                            config_.state_snapshot_path, err);
            }
            if (auto why = listen_problems(); !why.empty()) {
                log(log_level::error, "{}; a start would fail", why);
                return 1;
            }
            log(log_level::info, "configuration {} is valid", options_.config_file);
            return 0;
        }
        // One daemon per window state: a second one would restore the same snapshot and
        // overwrite the first one's at its stop, losing the other's counts.
        if (parts_.rules && !config_.state_snapshot_path.empty()) {
            if (auto why = snapshot_path_problem(config_.state_snapshot_path); !why.empty()) {
                log(log_level::error, "{}; not starting", why);
                return 1;
            }
            std::error_code ec;
            std::filesystem::create_directories(std::filesystem::path(config_.state_snapshot_path).parent_path(), ec);
            if (auto why = state_lock_.take(config_.state_snapshot_path); !why.empty()) {
                log(log_level::error, "cannot use the window state snapshot: {}; not starting", why);
                return 1;
            }
        }
        if (parts_.rules) {
            const auto rs = parts_.rules->current();
            log(log_level::info, "rules {}: {} rules, {} aggregates, {} list entries", rs->version, rs->rules.size(),
                rs->aggregate_definitions(), rs->list_entries);
            restore_state();
            if (parts_.intel) {
                const auto st = parts_.intel->stats();
                log(log_level::info, "intel database {}: {} lists in use, {} entries; checked for changes every {} ms", parts_.intel->path(), st.lists,
                    st.entries, config_.intel.refresh_interval_ms);
            }
        } else {
            log(log_level::warning, "no rule packs configured (rules.paths): every record is allowed");
        }
        return -1;
    }

    // Something at the snapshot path that no snapshot can be written to (a directory): a
    // daemon that could never save its window state must not start as if it could.
    static std::string snapshot_path_problem(const std::string& path) {
        std::error_code ec;
        const auto status = std::filesystem::status(path, ec);
        if (ec || !std::filesystem::exists(status) || std::filesystem::is_regular_file(status)) return {};
        return fmt::format("the window state snapshot {} is not a file (engine.state.snapshot_path names a file)", path);
    }

    // A snapshot that cannot be read (damaged, not SQLite) is kept for whoever looks into it,
    // under another name, so that the state saved from now on goes to a file that works.
    void restore_state() {
        const std::string& path = config_.state_snapshot_path;
        std::error_code ec;
        if (path.empty() || !std::filesystem::exists(path, ec)) return;
        if (auto err = parts_.rules->load_state(path); !err.empty()) {
            parts_.rules->reset_state();  // what was read before the error goes too: the state starts empty, as said below
            const auto now = std::chrono::system_clock::now().time_since_epoch();
            const std::string aside = fmt::format("{}.unreadable-{}", path, std::chrono::duration_cast<std::chrono::seconds>(now).count());
            std::filesystem::rename(path, aside, ec);
            for (const char* companion : {"-wal", "-shm", "-journal"}) {  // never to be read with another file
                std::error_code companion_ec;
                if (!ec && std::filesystem::exists(path + companion, companion_ec))
                    std::filesystem::rename(path + companion, aside + companion, ec);
            }
            if (ec)
                log(log_level::error, "window state snapshot {} not restored: {}; it could not be moved aside ({}), so saving the state will fail",
                    path, err, ec.message());
            else
                log(log_level::error, "window state snapshot {} not restored: {}; moved aside to {}, the window state starts empty", path, err,
                    aside);
        } else
            log(log_level::info, "window state restored from {} ({} keys)", path, parts_.rules->windows().stats().keys);
    }

    void save_state() {
        if (!parts_.rules || config_.state_snapshot_path.empty()) return;
        std::error_code ec;
        std::filesystem::create_directories(std::filesystem::path(config_.state_snapshot_path).parent_path(), ec);
        if (auto err = parts_.rules->save_state(config_.state_snapshot_path); !err.empty())
            log(log_level::error, "window state snapshot {} failed: {}", config_.state_snapshot_path, err);
    }

    // first_used_ms: when the set started to decide (a reload's swap); 0 at start, where no
    // record has been decided yet.
    void record_ruleset_version(std::int64_t first_used_ms = 0) {
        if (!parts_.rules || !log_writer_) return;
        const auto rs = parts_.rules->current();
        log_writer_->record_ruleset_version(rs->version, rs->content, first_used_ms);
    }

    // Picks up changes to the intel database: the lists whose revision moved get a new
    // snapshot, swapped in under the records being decided. A failure keeps the old ones.
    void refresh_intel() {
        if (!parts_.intel || !parts_.intel->changed()) return;
        const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        const auto r = parts_.intel->refresh(now);
        if (!r.ok) log(log_level::error, "intel refresh failed; still deciding with the lists read before: {}", r.error);
        for (const auto& l : r.rebuilt) log(log_level::info, "intel list {} refreshed", l);
    }

    // Off the io threads: SIGHUP reloads, intel refreshes and periodic state snapshots.
    void maintenance_loop() {
        auto next_snapshot = std::chrono::steady_clock::now() + std::chrono::seconds(config_.state_snapshot_interval_s);
        const auto intel_interval = std::chrono::milliseconds(config_.intel.refresh_interval_ms);
        auto next_intel = std::chrono::steady_clock::now() + intel_interval;
        while (!stopping_) {
            std::this_thread::sleep_for(std::chrono::milliseconds(std::min(50, config_.intel.refresh_interval_ms)));
            if (std::chrono::steady_clock::now() >= next_intel) {
                refresh_intel();
                next_intel = std::chrono::steady_clock::now() + intel_interval;
            }
            if (reload_requested_.exchange(false) && parts_.rules) {
                auto r = parts_.rules->reload();
                print_diagnostics(r.diagnostics);
                if (r.swapped) {
                    log(log_level::notice, "rules reloaded: {}", r.version);
                    record_ruleset_version(r.swapped_at_ms);
                } else {
                    log(log_level::error, "rule reload failed; still deciding with {}", parts_.rules->current()->version);
                }
            }
            if (config_.state_snapshot_interval_s > 0 && std::chrono::steady_clock::now() >= next_snapshot) {
                save_state();
                next_snapshot = std::chrono::steady_clock::now() + std::chrono::seconds(config_.state_snapshot_interval_s);
            }
        }
    }

    int open_log() {
        // The state directory holds the control socket and the window-state snapshot even
        // when the log and the intel database are configured elsewhere.
        if (!config_.state_dir.empty()) {
            std::error_code ec;
            std::filesystem::create_directories(config_.state_dir, ec);
            if (ec) {
                log(log_level::error, "cannot create state_dir {}: {}; not starting", config_.state_dir, ec.message());
                return 1;
            }
        }
        if (!config_.decision_log.enabled) {
            log(log_level::warning, "decision_log.enabled is false: decisions are answered but not logged");
            return -1;
        }
        const auto& path = config_.decision_log.settings.path;
        std::error_code ec;
        std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
        // One writer per log: a second daemon on the same file would interleave its rows.
        if (auto why = log_lock_.take(path); !why.empty()) {
            log(log_level::error, "cannot open the decision log: {}; not starting", why);
            return 1;
        }
        auto writer = store::decision_log_writer::open(config_.decision_log.settings);
        print_diagnostics(writer.diagnostics);
        if (!writer.value) {
            log(log_level::error, "cannot open the decision log {}; not starting", path);
            return 1;
        }
        log_writer_ = std::move(*writer.value);
        log(log_level::info, "decision log {} ({})", path,
            config_.decision_log.mode == durability::async ? "async" : "reply_after_commit");
        record_ruleset_version();
        return -1;
    }

    int start_listeners() {
        context_.emplace(ingest::pipeline_context{*parts_.plan, *parts_.engine, log_writer_.get(),
                                                  config_.decision_log.mode == durability::reply_after_commit,
                                                  config_.decision_log.on_queue_full, counters_,
                                                  config_.jsonl.max_future_seconds * 1000});
        ingest::jsonl_server_settings s;
        s.tcp_enabled = config_.jsonl.tcp.enabled;
        s.tcp_host = config_.jsonl.tcp.host;
        s.tcp_port = config_.jsonl.tcp.port;
        s.unix_path = config_.jsonl.unix_path;
        s.max_connections = config_.jsonl.max_connections;
        s.limits.max_line_bytes = config_.jsonl.max_line_bytes;
        s.limits.max_pending_reply_bytes = config_.jsonl.max_pending_reply_bytes;
        raise_descriptor_limit(s.max_connections);
        server_.emplace(io_, *context_, s);
        if (auto err = server_->start(); !err.empty()) {
            log(log_level::error, "{}", err);
            return 1;
        }
        if (!config_.control_path.empty()) {
            control_.emplace(io_, parts_.rules, log_writer_.get());
            if (auto err = control_->start(config_.control_path); !err.empty()) {
                log(log_level::error, "{}", err);
                return 1;
            }
            log(log_level::info, "control socket {}", config_.control_path);
        }
        if (s.tcp_enabled) log(log_level::info, "listening for JSON lines on tcp {}:{}", s.tcp_host, server_->tcp_port());
        if (!s.unix_path.empty()) log(log_level::info, "listening for JSON lines on unix {}", s.unix_path);
        return start_hep();
    }

    // The context of passive decisions (capture, HEP): nobody waits, nothing is held for
    // the log's commit.
    void ensure_capture_context() {
        if (capture_context_) return;
        // A capture's times are its packets': the dialog clock resists a stray one, and HEP
        // agents' are checked against the arrival (hep_packet.hpp).
        capture_context_.emplace(ingest::pipeline_context{*parts_.plan, *parts_.engine, log_writer_.get(), false,
                                                          config_.decision_log.on_queue_full, counters_, 0});
    }

    int start_hep() {
        const auto& h = config_.hep;
        if (!h.udp.enabled && !h.tcp.enabled) return -1;
        ingest::hep_listener_settings s;
        s.udp_enabled = h.udp.enabled;
        s.udp_host = h.udp.host;
        s.udp_port = h.udp.port;
        s.tcp_enabled = h.tcp.enabled;
        s.tcp_host = h.tcp.host;
        s.tcp_port = h.tcp.port;
        s.auth_key = h.auth_key;
        s.max_connections = h.max_connections;
        s.tcp_idle_timeout = std::chrono::seconds(h.tcp_idle_timeout_s);
        // SIP payloads go through the SIP decoder (dialogs, records) and are decided
        // passively like captured traffic; the handler runs on the listener's strand, one
        // call at a time, which is what the pipeline needs.
        ensure_capture_context();
        hep_decider_.emplace(*capture_context_);
        // With the plan, as live capture and replay: an identity header the plan refuses is
        // left out of the record the same way whichever way the SIP came.
        hep_pipeline_.emplace(config_.capture, *hep_decider_, nullptr, parts_.plan.get());
        hep_.emplace(
            io_, s,
            [this](const ingest::hep_sip_message& m) {
                decode::packet::transport_packet p;
                p.time_us = m.time_us;
                p.protocol = m.ip_protocol;
                decode::packet::ip_address::parse(m.source_ip, p.src);
                decode::packet::ip_address::parse(m.destination_ip, p.dst);
                p.src_port = m.source_port;
                p.dst_port = m.destination_port;
                p.payload = m.payload;
                hep_pipeline_->on_mirrored_sip(p);
                // The dialogs' clock, not this packet's stamp: one agent whose clock is off
                // must not move the timeouts of every other agent's calls.
                hep_clock_ = {hep_pipeline_->sip_clock_us(), std::chrono::steady_clock::now()};
            },
            hep_counters_);
        // Timeouts advance when the agents fall quiet too (as a live capture's do): the
        // agents' clock, as of their last packet, moved on by the time passed here since,
        // so an agent whose clock is off (or a replayed capture) does not end calls early.
        hep_->on_idle([this] {
            if (hep_clock_.packet_us == 0) return;
            const auto since = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - hep_clock_.received);
            hep_pipeline_->idle(hep_clock_.packet_us + since.count());
        });
        if (auto err = hep_->start(); !err.empty()) {
            log(log_level::error, "{}", err);
            return 1;
        }
        if (s.udp_enabled) log(log_level::info, "listening for HEP on udp {}:{}", s.udp_host, hep_->udp_port());
        if (s.tcp_enabled) log(log_level::info, "listening for HEP on tcp {}:{}", s.tcp_host, hep_->tcp_port());
        log(log_level::info, "HEP SIP payloads are decoded into records and decided passively");
        return -1;
    }

    // Passive SIP capture (capture.enabled): one thread per interface, deciding into the
    // decision log; nobody waits for these decisions, so none is held for its commit.
    int start_capture() {
        if (!config_.capture.enabled) return -1;
        ensure_capture_context();
        for (const auto& interface : config_.capture.live.interfaces) {
            auto capture = std::make_unique<ingest::capture::live_capture>(interface, config_.capture, *capture_context_,
                                                                           config_.log.stats_interval_s);
            if (auto err = capture->start(); !err.empty()) {
                log(log_level::error, "{}", err);
                return 1;
            }
            captures_.push_back(std::move(capture));
        }
        return -1;
    }

    int serve() {
        asio::signal_set signals(io_, SIGTERM, SIGINT);
        signals.async_wait([this](const boost::system::error_code& ec, int sig) {
            if (!ec) begin_shutdown(sig);
        });
        // A signal between the last start step and the signal_set: stop as soon as serving.
        if (const int early = signal_during_start; early != 0) asio::post(io_, [this, early] { begin_shutdown(early); });
        asio::signal_set hangup(io_, SIGHUP);
        arm_hangup(hangup);
        if (hangup_during_start != 0) {
            log(log_level::notice, "SIGHUP while starting: reloading rule packs");
            reload_requested_ = true;
        }
        maintenance_ = std::thread([this] {
            common::name_this_thread("rf-maintenance");
            maintenance_loop();
        });
        if (parts_.subscriber_refresher) parts_.subscriber_refresher->start();
        asio::steady_timer stats_timer(io_);
        arm_stats(stats_timer);
        notifier_.emplace(io_);
        notifier_->ready("deciding");
        server_started_ = true;
        log(log_level::notice, "ringfenced ready");

        std::vector<std::thread> threads;
        for (int i = 1; i < config_.io_threads; ++i)
            threads.emplace_back([this] {
                common::name_this_thread("rf-io");
                io_.run();
            });
        io_.run();
        for (auto& t : threads) t.join();
        if (shutdown_thread_.joinable()) shutdown_thread_.join();
        return 0;
    }

    void arm_hangup(asio::signal_set& hangup) {
        hangup.async_wait([this, &hangup](const boost::system::error_code& ec, int) {
            if (ec || stopping_) return;
            log(log_level::notice, "SIGHUP: reloading rule packs");
            reload_requested_ = true;
            arm_hangup(hangup);
        });
    }

    void arm_stats(asio::steady_timer& timer) {
        if (config_.log.stats_interval_s <= 0) return;
        timer.expires_after(std::chrono::seconds(config_.log.stats_interval_s));
        timer.async_wait([this, &timer](const boost::system::error_code& ec) {
            if (ec || stopping_) return;
            log_stats();
            arm_stats(timer);
        });
    }

    void log_stats() {
        std::string line = counters_.summary();
        if (config_.hep.udp.enabled || config_.hep.tcp.enabled) line += " " + hep_counters_.summary();
        if (log_writer_) {
            const auto st = log_writer_->stats();
            line += fmt::format(" log.rows={} log.batches={} log.write_failures={} log.queue_depth={} log.rows_lost={}"
                                " log.number_index_runs={} log.unindexed_rows={} log.number_index_slices={}",
                                st.rows_committed, st.batches_committed, st.write_failures, st.queue_depth, st.rows_lost,
                                st.number_index_runs, st.number_unindexed_rows, st.number_index_slices);
        }
        if (parts_.rules) {
            const auto es = parts_.rules->stats();
            const auto ws = parts_.rules->windows().stats();
            line += fmt::format(" rules.reloads_ok={} rules.reloads_failed={} state.keys={} state.bytes={} state.evicted_idle={} state.evicted_memory={}"
                                " emergency_overrides={} protected_overrides={}",
                                es.reloads_ok, es.reloads_failed, ws.keys, ws.bytes, ws.evicted_idle, ws.evicted_memory, es.emergency_overrides,
                                es.protected_overrides);
        }
        if (parts_.subscriber_refresher) {
            const auto ss = parts_.subscriber_refresher->stats();
            line += fmt::format(" subscribers.count={} subscribers.bytes={} subscribers.refreshes_ok={} subscribers.refreshes_failed={}", ss.subscribers,
                                ss.bytes, ss.refreshes_ok, ss.refreshes_failed);
        }
        if (parts_.intel) {
            const auto is = parts_.intel->stats();
            line += fmt::format(" intel.lists={} intel.entries={} intel.refreshes={} intel.refresh_errors={}", is.lists, is.entries, is.refreshes,
                                is.refresh_errors);
        }
        log(log_level::info, "stats {}", line);
    }

    void begin_shutdown(int sig) {
        if (stopping_) return;
        stopping_ = true;
        log(log_level::notice, "signal {}: stopping; answering lines already read", sig);
        notifier_->stopping();
        server_->stop();
        if (hep_) hep_->stop();
        if (control_) control_->stop();
        for (auto& c : captures_) c->stop();  // decisions already made still reach the log
        // Off the io threads: sessions answer what they have read and close once their
        // replies are out (held ones leave as the writer commits); then the rest of the
        // log is flushed and the loop stops. A client that never reads is cut at the deadline.
        shutdown_thread_ = std::thread([this] {
            common::name_this_thread("rf-shutdown");
            const auto start = std::chrono::steady_clock::now();
            const auto deadline = start + shutdown_deadline;
            const std::uint64_t failures_before = log_writer_ ? log_writer_->stats().write_failures : 0;
            while (server_->active_sessions() > 0 && std::chrono::steady_clock::now() < deadline) {
                std::this_thread::sleep_for(std::chrono::milliseconds(5));
                // Sessions holding replies for a log that keeps failing would wait out the
                // deadline: give the log its last tries now, so their lines get not_logged
                // errors and the sessions can finish.
                if (log_writer_ && !log_writer_->closing() && std::chrono::steady_clock::now() - start > std::chrono::seconds(2) &&
                    log_writer_->stats().write_failures > failures_before) {
                    log(log_level::warning, "decision log is failing during shutdown: closing it now");
                    log_writer_->close();
                }
            }
            if (server_->active_sessions() > 0)
                log(log_level::warning, "{} connections still open after {} s; closing them", server_->active_sessions(),
                    shutdown_deadline.count());
            if (log_writer_) log_writer_->close();
            io_.stop();
        });
    }

    void teardown() {
        stopping_ = true;
        if (shutdown_thread_.joinable()) shutdown_thread_.join();
        if (maintenance_.joinable()) maintenance_.join();
        if (parts_.subscriber_refresher) parts_.subscriber_refresher->stop();
        if (server_started_) save_state();
        for (auto& c : captures_) c->stop();
        server_.reset();
        hep_.reset();
        if (hep_pipeline_) log(log_level::info, "hep sip {}", hep_pipeline_->summary());
        control_.reset();
        if (log_writer_) {
            log_writer_->close();
            log_stats();
            rows_lost_ = log_writer_->stats().rows_lost;
            log_writer_.reset();
        }
        if (server_started_) log(log_level::notice, "ringfenced stopped");
    }

    // Declaration order is destruction order in reverse: sessions die with io_, and they
    // still use the context, counters, plan and engine declared before it.
    daemon_options options_;
    daemon_config config_;
    pipeline_parts parts_;
    ingest::ingest_counters counters_;
    ingest::hep_counters hep_counters_;
    common::file_lock log_lock_;  // held while the log is written (released last)
    common::file_lock state_lock_;  // held while this process owns the window state snapshot
    std::unique_ptr<store::decision_log_writer> log_writer_;
    std::optional<ingest::pipeline_context> context_;
    std::optional<ingest::pipeline_context> capture_context_;
    std::vector<std::unique_ptr<ingest::capture::live_capture>> captures_;
    asio::io_context io_;
    std::optional<ingest::jsonl_server> server_;
    std::optional<ingest::capture::passive_decider> hep_decider_;
    std::optional<ingest::capture::capture_pipeline> hep_pipeline_;
    std::optional<ingest::hep_listener> hep_;  // after the pipeline its handler feeds
    struct agent_clock {
        std::int64_t packet_us = 0;  // the capture time of the last HEP packet (0: none yet)
        std::chrono::steady_clock::time_point received;
    } hep_clock_;  // on the HEP listener's strand
    std::optional<control_server> control_;
    std::optional<systemd_notifier> notifier_;
    std::thread shutdown_thread_;
    std::thread maintenance_;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> reload_requested_{false};
    bool server_started_ = false;
    std::uint64_t rows_lost_ = 0;  // rows the log gave up on, read at teardown
};

}  // namespace

int run_daemon(const daemon_options& options) {
    daemon_process p(options);
    return p.run();
}

}  // namespace ringfence::app
