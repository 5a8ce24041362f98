// The window state's snapshot file, so windows survive a restart: a SQLite database with
// two STRICT tables, written whole in one transaction with prepared statements only.
//
//   window_spec(spec_no INTEGER PRIMARY KEY, fingerprint TEXT, function TEXT, window_ms INTEGER)
//   window_state(spec_no INTEGER -> window_spec, key_hash INTEGER, entry BLOB)
//   call_history(part INTEGER, shard INTEGER, key INTEGER, value INTEGER)   (format 2)
//
// Each spec's fingerprint is stored once and the entries refer to it by spec_no, so a
// million entries do not repeat their definition's text. key_hash is the entry's 64-bit
// hash (stored as its two's-complement signed value); entry is window_entry's blob.
// call_history holds the engine's call history (engine/call_activity: a part is one of its
// tables, keys are hashes), so call.gap_ms, call.idle_ms, call.first_contact and
// caller.concurrent_calls also survive a restart. PRAGMA user_version holds the format (2; a format 1 file, before
// the call history was saved, is read with none). Saving replaces the previous snapshot.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/state/window_spec.hpp"

namespace ringfence::engine::state {

inline constexpr int window_snapshot_format = 2;

// Writes one snapshot: open(), write() per entry, commit(). Every call returns "" or an
// error message naming the file; after an error the transaction is rolled back.
class window_snapshot_writer {
  public:
    window_snapshot_writer() = default;
    ~window_snapshot_writer();
    window_snapshot_writer(const window_snapshot_writer&) = delete;
    window_snapshot_writer& operator=(const window_snapshot_writer&) = delete;

    std::string open(const std::string& path);
    // A spec of the rules running, stored whether or not any entry refers to it, so the
    // snapshot tells the layout the rules had (a shared list with no events yet included).
    std::string declare(const window_spec& spec, const member_births* born) {
        std::int64_t number = 0;
        return declare(spec, born, number);
    }
    // born: a shared list's members' births (spec_table's rules), stored with its members.
    std::string write(const window_spec& spec, const member_births* born, std::uint64_t key_hash,
                      std::span<const std::uint8_t> entry);
    // One entry of the call history.
    std::string write_history(int part, int shard, std::uint64_t key, std::int64_t value);
    std::string commit();

  private:
    std::string declare(const window_spec& spec, const member_births* born, std::int64_t& number);
    std::string fail(const std::string& what);
    std::string run(const char* sql);

    std::string path_;
    sqlite3* db_ = nullptr;
    sqlite3_stmt* insert_spec_ = nullptr;
    sqlite3_stmt* insert_state_ = nullptr;
    sqlite3_stmt* insert_history_ = nullptr;
    std::unordered_map<std::string, std::int64_t> spec_numbers_;  // definition -> spec_no
};

struct stored_spec {
    std::string fingerprint;
    std::string function;  // stored_function: to_string(window_function), or a shared list's members
    std::int64_t window_ms = 0;
};

// Reads a snapshot: visit(spec, key_hash, entry) for every row. Returns "" or an error
// message naming the file (a missing file is an error: the caller checks for one first).
std::string read_window_snapshot(const std::string& path,
                                 const std::function<void(const stored_spec&, std::uint64_t,
                                                          std::span<const std::uint8_t>)>& visit);
// Reads the call history of a snapshot: visit(part, shard, key, value) for every row (none
// for a format 1 file). Returns "" or an error message naming the file.
std::string read_call_history(const std::string& path,
                              const std::function<void(int, int, std::uint64_t, std::int64_t)>& visit);
// The specs of a snapshot alone, in spec_no order: what the rules running when it was
// written kept (shared lists and their members, aggregates alone).
std::string read_window_snapshot_specs(const std::string& path, std::vector<stored_spec>& out);

}  // namespace ringfence::engine::state
