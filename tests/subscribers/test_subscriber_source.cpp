// Keeping the index current: a missing file is waited for, a new file is swapped in with a
// new generation, a broken one keeps the old index and is counted, and a wrong file at
// start is an error.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "model/civil_date.hpp"
#include "sqlite/sqlite_handle.hpp"
#include "subscribers/subscriber_import.hpp"
#include "subscribers/subscriber_source.hpp"
#include "subscriber_test_support.hpp"

using namespace ringfence;
using namespace ringfence::subscribers;

namespace {

void import_text(const std::string& db, const std::string& rows) {
    const auto p = parse_subscriber_csv(testing::contract_header + rows, {}, testing::shipped_plan(), import_mode::full);
    REQUIRE(p.ok());
    import_changes c;
    REQUIRE(apply_import(db, p, {"t.csv", "0", "tester", 0}, c) == "");
}

subscriber_status status_of(const subscriber_source& s, std::int64_t msisdn) {
    const auto idx = s.current();
    REQUIRE(idx);
    return idx->facts(msisdn, *model::parse_iso_date("2026-11-28"), s.periods()).status;
}

}  // namespace

TEST_CASE("refresher: waits for a missing file, swaps in each new import, keeps the old index when a file breaks") {
    testing::scratch_dir dir("refresher");
    const std::string db = dir.file("subscribers.sqlite");
    subscriber_source source({});
    subscriber_refresher r(db, std::chrono::milliseconds(100), source);
    CHECK(r.load_initial() == "");  // missing: not an error
    CHECK(source.current() == nullptr);

    import_text(db, "0912345678,,o,individual,matched,,6,1,0,active,2024-01-10,2024-01-10,1\n");
    r.check_now();
    REQUIRE(source.current() != nullptr);
    const auto g1 = source.generation();
    CHECK(status_of(source, 84912345678) == subscriber_status::active);
    r.check_now();  // unchanged file: no rebuild
    CHECK(source.generation() == g1);

    import_text(db, "0912345678,,o,individual,matched,,6,1,0,two_way_locked,2026-11-20,2024-01-10,1\n");
    r.check_now();
    CHECK(source.generation() > g1);
    CHECK(status_of(source, 84912345678) == subscriber_status::two_way_locked);
    CHECK(r.stats().refreshes_ok == 2);

    // A file that is no longer a subscriber database: the loaded index stays.
    std::filesystem::remove(db);
    std::ofstream(db) << "garbage that is not a database at all, long enough to be read as a header......";
    r.check_now();
    CHECK(r.stats().refreshes_failed == 1);
    CHECK(status_of(source, 84912345678) == subscriber_status::two_way_locked);
    r.check_now();  // the same broken file is not retried every interval
    CHECK(r.stats().refreshes_failed == 1);
}

TEST_CASE("refresher: the thread picks up a replaced file within its interval") {
    testing::scratch_dir dir("refresher-thread");
    const std::string db = dir.file("subscribers.sqlite");
    import_text(db, "0912345678,,o,individual,matched,,6,1,0,active,2024-01-10,2024-01-10,1\n");
    subscriber_source source({});
    subscriber_refresher r(db, std::chrono::milliseconds(50), source);
    REQUIRE(r.load_initial() == "");
    r.start();
    import_text(db, "0912345678,,o,individual,matched,,6,1,0,terminated,2026-11-20,2024-01-10,1\n");
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (status_of(source, 84912345678) != subscriber_status::terminated && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(status_of(source, 84912345678) == subscriber_status::terminated);
    r.stop();
}

TEST_CASE("refresher: at start, a file of another application or schema version is an error that says which") {
    testing::scratch_dir dir("refresher-wrong");
    const std::string db = dir.file("other.sqlite");
    {
        std::string error;
        auto c = sqlite::sqlite_connection::open(db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error);
        REQUIRE(c);
        c.exec("CREATE TABLE t (x); PRAGMA application_id = 1234;");
    }
    subscriber_source source({});
    subscriber_refresher r(db, std::chrono::milliseconds(100), source);
    CHECK(r.load_initial().find("not a ringfence subscriber database") != std::string::npos);
    {
        std::string error;
        auto c = sqlite::sqlite_connection::open(db, SQLITE_OPEN_READWRITE, error);
        c.exec("PRAGMA application_id = 1380340546; PRAGMA user_version = 99;");  // RFSB, future schema
    }
    CHECK(r.load_initial().find("schema version 99") != std::string::npos);
}
