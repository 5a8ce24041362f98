#include <doctest/doctest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "engine/state/window_store.hpp"
#include "window_test_support.hpp"

using namespace ringfence::engine::state;
using namespace ringfence::engine::state::testing;

namespace {

// A fresh directory under the system temp directory, removed at the end of the test.
struct temp_dir {
    std::filesystem::path path;
    temp_dir() {
        path = std::filesystem::temp_directory_path() /
               ("ringfence-window-snapshot-" + std::to_string(::getpid()) + "-" +
                std::to_string(counter()++));
        std::filesystem::remove_all(path);
        std::filesystem::create_directories(path);
    }
    ~temp_dir() { std::filesystem::remove_all(path); }
    static int& counter() {
        static int n = 0;
        return n;
    }
};

// Runs one statement on the file and returns the first column of its first row as text.
std::string query_text(const std::string& file, const char* sql) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
    sqlite3_stmt* stmt = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
        out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    sqlite3_close_v2(db);
    return out;
}

std::vector<window_spec> first_specs() {
    return {make_spec(0, window_function::count, 10 * minute_ms, "count 10m"),
            make_spec(1, window_function::ratio, hour_ms, "ratio 1h"),
            make_spec(2, window_function::sum, 24 * hour_ms, "sum 24h"),
            make_spec(3, window_function::distinct, hour_ms, "distinct 1h"),
            make_spec(4, window_function::outgoing_share, 24 * hour_ms, "share 24h"),
            make_spec(5, window_function::count, minute_ms, "count 1m, dropped on reload")};
}

void fill(window_store& store, std::int64_t t0) {
    for (int k = 0; k < 50; ++k) {
        const std::string key = "8491234" + std::to_string(1000 + k);
        for (int i = 0; i <= k % 7; ++i) {
            const std::int64_t t = t0 + i * second_ms;
            store.add(0, key, at(t));
            store.add(1, key, matched_at(t, i % 3 == 0));
            store.add(2, key, amount_at(t, 1000.5 * i));
            store.add(3, key, value_at(t, static_cast<std::uint64_t>(i)));
            store.add(4, key, direction_at(t, i % 2 == 0));
            store.add(5, key, at(t));
        }
    }
    // One sketched distinct entry.
    for (int i = 0; i < 500; ++i) store.add(3, "sketched", value_at(t0 + i, 1'000'000 + i));
}

}  // namespace

TEST_CASE("a snapshot round trip through a SQLite file restores every kept aggregate") {
    temp_dir dir;
    const std::string file = (dir.path / "windows.sqlite").string();
    const std::int64_t t0 = 1'700'000'000'000;
    window_store before({});
    before.set_specs(first_specs());
    fill(before, t0);
    REQUIRE(before.stats().sketch_switches == 1);
    CHECK(before.save_snapshot(file) == "");

    CHECK(query_text(file, "PRAGMA user_version") == "2");
    CHECK(query_text(file, "SELECT count(*) FROM window_spec") == "6");
    CHECK(query_text(file, "SELECT count(*) FROM window_state") ==
          std::to_string(before.stats().keys));
    CHECK(query_text(file, "SELECT sql FROM sqlite_schema WHERE name = 'window_state'") ==
          "CREATE TABLE window_state (spec_no INTEGER NOT NULL REFERENCES window_spec(spec_no), "
          "key_hash INTEGER NOT NULL, entry BLOB NOT NULL) STRICT");
    CHECK(
        query_text(file, "SELECT fingerprint FROM window_spec WHERE function = 'outgoing_share'") ==
        "share 24h");

    // Another process: other shard count, specs in another order, one dropped, one new.
    window_store_settings settings;
    settings.shards = 7;
    window_store after(settings);
    after.set_specs({make_spec(0, window_function::outgoing_share, 24 * hour_ms, "share 24h"),
                     make_spec(1, window_function::distinct, hour_ms, "distinct 1h"),
                     make_spec(2, window_function::sum, 24 * hour_ms, "sum 24h"),
                     make_spec(3, window_function::ratio, hour_ms, "ratio 1h"),
                     make_spec(4, window_function::count, 10 * minute_ms, "count 10m"),
                     make_spec(5, window_function::count, minute_ms, "count 1m, new")});
    CHECK(after.load_snapshot(file) == "");
    CHECK(after.stats().keys == before.stats().keys - 50);

    const std::int64_t t = t0 + 10 * second_ms;
    int same = 0;
    for (int k = 0; k < 50; ++k) {
        const std::string key = "8491234" + std::to_string(1000 + k);
        same += after.value(4, key, t) == before.value(0, key, t) &&
                        after.value(3, key, t) == before.value(1, key, t) &&
                        after.value(2, key, t) == before.value(2, key, t) &&
                        after.value(1, key, t) == before.value(3, key, t) &&
                        after.value(0, key, t) == before.value(4, key, t) &&
                        after.value(5, key, t) == 0
                    ? 1
                    : 0;
    }
    CHECK(same == 50);
    CHECK(after.value(2, "84912341006", t) == 1000.5 * 21);
    CHECK(after.value(1, "sketched", t) == before.value(3, "sketched", t));
    CHECK(after.stats().sketch_switches == 0);
    // Restored entries go on counting.
    CHECK(after.add_and_value(4, "84912341006", at(t)) == 8);
}

TEST_CASE("saving replaces the previous snapshot in the file") {
    temp_dir dir;
    const std::string file = (dir.path / "windows.sqlite").string();
    window_store store({});
    store.set_specs(first_specs());
    fill(store, 1'700'000'000'000);
    REQUIRE(store.save_snapshot(file) == "");
    store.reset("sketched");
    REQUIRE(store.save_snapshot(file) == "");
    CHECK(query_text(file, "SELECT count(*) FROM window_state") ==
          std::to_string(store.stats().keys));
}

TEST_CASE("loading reports unreadable entries and missing files") {
    temp_dir dir;
    const std::string file = (dir.path / "windows.sqlite").string();
    window_store store({});
    store.set_specs({make_spec(0, window_function::count, minute_ms, "count 1m")});
    store.add(0, "k", at(1000));
    REQUIRE(store.save_snapshot(file) == "");
    const std::string key_hash = query_text(file, "SELECT key_hash FROM window_state");
    CHECK(query_text(file, "UPDATE window_state SET entry = x'0100' RETURNING 1") == "1");

    window_store restored({});
    restored.set_specs({make_spec(0, window_function::count, minute_ms, "count 1m")});
    CHECK(restored.load_snapshot(file) ==
          "window snapshot " + file +
              ": 1 entries could not be read, the first: spec 'count 1m' key hash " +
              std::to_string(static_cast<std::uint64_t>(std::stoll(key_hash))) +
              ": entry blob is truncated");
    CHECK(restored.stats().keys == 0);

    const std::string missing = (dir.path / "none.sqlite").string();
    CHECK(restored.load_snapshot(missing) ==
          "window snapshot " + missing + ": unable to open database file");
    CHECK(restored.save_snapshot((dir.path / "no-such-dir" / "x.sqlite").string()) ==
          "window snapshot " + (dir.path / "no-such-dir" / "x.sqlite").string() +
              ": cannot open: unable to open database file");
}
