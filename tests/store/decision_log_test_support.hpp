// Helpers for the decision log tests: a fresh temporary directory per test, entries with
// realistic content, a listener that records what it is told, and read-back through the
// sqlite3 C API (not through the code under test).
#pragma once

#include <sqlite3.h>
#include <stdlib.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "store/decision_log_writer.hpp"
#include "support/temp_directory.hpp"

namespace ringfence::store::test {

using ringfence::test::temp_directory;

struct notice {
    std::uint64_t up_to;
    bool ok;
    bool operator==(const notice&) const = default;
};

class recording_listener final : public commit_listener {
  public:
    void on_committed(std::uint64_t up_to, bool ok) override {
        std::lock_guard lock(mutex_);
        notices_.push_back({up_to, ok});
    }
    std::vector<notice> notices() const {
        std::lock_guard lock(mutex_);
        return notices_;
    }

  private:
    mutable std::mutex mutex_;
    std::vector<notice> notices_;
};

// A call attempt from a Vietnamese mobile to another, allowed by no rule.
inline decision_log_entry make_entry(int n, std::shared_ptr<commit_listener> listener = nullptr,
                                     std::uint64_t token = 0) {
    decision_log_entry e;
    e.rec.id = "rec-" + std::to_string(n);
    e.rec.kind = model::event_kind::call_attempt;
    e.rec.time_ms = 1795834800000 + n;
    e.rec.caller.present = true;
    e.rec.caller.raw = "0912" + std::to_string(100000 + n);
    e.rec.caller.e164 = "+84912" + std::to_string(100000 + n);
    e.rec.caller.country = "VN";
    e.rec.caller.type = model::number_type::mobile;
    e.rec.caller.is_home = true;
    e.rec.callee.present = true;
    e.rec.callee.raw = "0987654321";
    e.rec.callee.e164 = "+84987654321";
    e.rec.callee.country = "VN";
    e.rec.callee.type = model::number_type::mobile;
    e.rec.callee.is_home = true;
    e.dec.final_action = engine::action::allow;
    e.dec.ruleset_version = "rs-1";
    e.latency_us = 17;
    e.decided_at_ms = 1795834800500 + n;
    e.listener = std::move(listener);
    e.token = token;
    return e;
}

inline decision_log_settings settings_for(const std::string& path) {
    decision_log_settings s;
    s.path = path;
    return s;
}

// Every row of a query, each column as text, std::nullopt for NULL.
using row = std::vector<std::optional<std::string>>;

inline std::vector<row> query(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        throw std::runtime_error("cannot open " + path);
    }
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
        std::string message = sqlite3_errmsg(db);
        sqlite3_close(db);
        throw std::runtime_error(message);
    }
    std::vector<row> rows;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        row r;
        for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
            const auto* text = sqlite3_column_text(stmt, i);
            if (text == nullptr)
                r.emplace_back(std::nullopt);
            else
                r.emplace_back(
                    std::string(reinterpret_cast<const char*>(text),
                                static_cast<std::size_t>(sqlite3_column_bytes(stmt, i))));
        }
        rows.push_back(std::move(r));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return rows;
}

inline std::string query_one(const std::string& path, const std::string& sql) {
    auto rows = query(path, sql);
    if (rows.size() != 1 || rows[0].size() != 1 || !rows[0][0]) return "<not one value>";
    return *rows[0][0];
}

// Runs statements on a read-write connection of its own; returns "" or SQLite's message.
inline std::string execute(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    sqlite3_busy_timeout(db, 5000);
    char* message = nullptr;
    std::string error;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK)
        error = message != nullptr ? message : sqlite3_errmsg(db);
    sqlite3_free(message);
    sqlite3_close(db);
    return error;
}

// Polls until done() or the timeout; true if done() became true.
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto until = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() > until) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    return true;
}

}  // namespace ringfence::store::test
