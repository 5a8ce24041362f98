// The intel database and the store the daemon reads it through, on real SQLite files:
// identity checks, audited changes, matching per kind by record time, refresh after a
// change made through another connection (as `ringfence lists` does), and snapshot swaps
// under threads that keep matching.
#include <doctest/doctest.h>

#include <fmt/format.h>

#include <fstream>
#include <thread>

#include "intel/intel_database.hpp"
#include "intel_test_support.hpp"
#include "support/allocation_counter.hpp"

using namespace ringfence;
using engine::intel_kind;
using intel_test::t0;

namespace {

struct fixture {
    intel_test::temp_dir dir;
    std::string path = dir.file("intel.sqlite");
    // The operator's connection (as the CLI opens it) and the daemon's store, separately.
    sqlite::sqlite_connection writer_db = [&] {
        auto db = intel::open_intel_database(path);
        REQUIRE(db.value);
        return std::move(*db.value);
    }();
    intel::intel_editor editor{writer_db, "tester (uid 1)"};
    std::shared_ptr<intel::intel_store> store = [&] {
        auto s = intel::intel_store::open(path);
        REQUIRE(s.value);
        return *s.value;
    }();

    std::unique_ptr<engine::list_matcher> matcher(const std::string& name, intel_kind k) {
        std::string why;
        auto m = store->matcher(name, k, why);
        REQUIRE_MESSAGE(m, why);
        return m;
    }
    void refresh() {
        REQUIRE(store->changed());
        const auto r = store->refresh(t0);
        REQUIRE_MESSAGE(r.ok, r.error);
    }
};

std::string hit(const engine::list_matcher& m, std::string_view value, std::int64_t t = t0) {
    engine::list_hit_detail d;
    if (!m.match_at(value, t, &d)) return "-";
    return d.entry + " " + d.source + " " + d.reason;
}

}  // namespace

TEST_CASE("the intel database refuses files that are not one, naming the file") {
    intel_test::temp_dir dir;
    const auto garbage = dir.file("garbage.sqlite");
    std::ofstream(garbage) << "this is not a database, just text that is long enough to have a header of some sort.......";
    auto a = intel::open_intel_database(garbage);
    REQUIRE(!a.value);
    CHECK(a.diagnostics.at(0).code == "INTEL_OPEN_FAILED");
    CHECK(a.diagnostics.at(0).file == garbage);

    const auto other = dir.file("other.sqlite");
    {
        std::string why;
        auto db = sqlite::sqlite_connection::open(other, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, why);
        REQUIRE(db.exec("CREATE TABLE t (x); PRAGMA user_version = 3;").empty());
    }
    auto b = intel::open_intel_database(other);
    REQUIRE(!b.value);
    CHECK(b.diagnostics.at(0).code == "INTEL_NOT_AN_INTEL_DB");
    CHECK(b.diagnostics.at(0).message.find("1 schema objects and user_version 3") != std::string::npos);

    const auto newer = dir.file("newer.sqlite");
    {
        auto db = intel::open_intel_database(newer);
        REQUIRE(db.value);
        REQUIRE(db.value->exec("PRAGMA user_version = 99").empty());
    }
    auto c = intel::open_intel_database(newer);
    REQUIRE(!c.value);
    CHECK(c.diagnostics.at(0).code == "INTEL_SCHEMA_TOO_NEW");

    // A good one opens again, schema intact.
    auto d = intel::open_intel_database(dir.file("good.sqlite"));
    REQUIRE(d.value);
    auto e = intel::open_intel_database(dir.file("good.sqlite"));
    REQUIRE(e.value);
    std::string why;
    CHECK(e.value->query_int("PRAGMA application_id", why) == intel::intel_application_id);
}

TEST_CASE("every change writes an audit row: who, when, what") {
    fixture f;
    const auto l = intel_test::list(f.editor, "police_numbers", intel_kind::number);
    intel_test::add(f.editor, l, "+84912345678", 0, "case 114");
    bool replaced = false;
    REQUIRE(f.editor.add(l, {"+84912345678", {}, intel::entry_source::bank, "case 115", t0 + 1000}, t0 + 5, replaced).empty());
    CHECK(replaced);
    std::int64_t added = 0, repl = 0;
    REQUIRE(f.editor.import(l, {{"+84912000111", {}, intel::entry_source::police, "x", 0}, {"+84912345678", {}, intel::entry_source::police, "y", 0}},
                            "/tmp/police.csv", "abc123", t0 + 6, added, repl)
                .empty());
    CHECK(added == 1);
    CHECK(repl == 1);
    bool found = false;
    REQUIRE(f.editor.remove(l, "+84912000111", t0 + 7, found).empty());
    CHECK(found);
    REQUIRE(f.editor.remove(l, "+84900000000", t0 + 8, found).empty());
    CHECK(!found);  // nothing removed, nothing audited

    std::vector<intel::audit_row> rows;
    REQUIRE(f.editor.audit("police_numbers", 10, rows).empty());
    REQUIRE(rows.size() == 5);  // newest first
    CHECK(rows[0].action == "remove");
    CHECK(rows[0].value == "+84912000111");
    CHECK(rows[1].action == "import");
    CHECK(rows[1].file == "/tmp/police.csv");
    CHECK(rows[1].file_sha256 == "abc123");
    CHECK(rows[1].rows_added == 1);
    CHECK(rows[1].rows_replaced == 1);
    CHECK(rows[2].action == "add");
    CHECK(rows[2].detail.find("replaced; source=bank reason=case 115 expires=") == 0);
    CHECK(rows[3].action == "add");
    CHECK(rows[3].time_ms == t0);
    CHECK(rows[4].action == "create");
    for (const auto& r : rows) CHECK(r.actor == "tester (uid 1)");
    CHECK(intel::current_actor().find("(uid ") != std::string::npos);

    std::vector<intel::entry_row> entries;
    REQUIRE(f.editor.entries(l, true, t0, entries).empty());
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].value == "+84912345678");
    CHECK(entries[0].reason == "y");
    CHECK(entries[0].added_by == "tester (uid 1)");
}

TEST_CASE("numbers match exactly, with source and reason, until their expiry by record time") {
    fixture f;
    auto m = f.matcher("police_numbers", intel_kind::number);
    CHECK(hit(*m, "+84912345678") == "-");  // not in the database yet: empty
    const auto l = intel_test::list(f.editor, "police_numbers", intel_kind::number);
    intel_test::add(f.editor, l, "+84912345678", t0 + 60'000, "case 114");
    CHECK(hit(*m, "+84912345678") == "-");  // not refreshed yet
    f.refresh();
    CHECK(hit(*m, "+84912345678") == "+84912345678 police case 114");
    CHECK(hit(*m, "+84912345678", t0 + 59'999) == "+84912345678 police case 114");
    CHECK(hit(*m, "+84912345678", t0 + 60'000) == "-");  // expires_at <= record time
    CHECK(hit(*m, "+84912345679") == "-");
    CHECK(!f.store->changed());
    const auto st = f.store->stats();
    CHECK(st.lists == 1);
    CHECK(st.entries == 1);
    CHECK(st.refresh_errors == 0);
}

TEST_CASE("number prefixes: the longest live prefix answers, an expired one lets a shorter answer") {
    fixture f;
    auto m = f.matcher("prefixes", intel_kind::number_prefix);
    const auto l = intel_test::list(f.editor, "prefixes", intel_kind::number_prefix);
    intel_test::add(f.editor, l, "+8419", 0, "short");
    intel_test::add(f.editor, l, "+841900", t0 + 1000, "long");
    f.refresh();
    CHECK(hit(*m, "+84190012345") == "+841900 police long");
    CHECK(hit(*m, "+84190012345", t0 + 1000) == "+8419 police short");
    CHECK(hit(*m, "+84180012345") == "-");
    CHECK(hit(*m, "+8419") == "+8419 police short");
}

TEST_CASE("IP lists: longest live range, IPv4 and IPv6, mapped IPv4 meets IPv4 entries") {
    fixture f;
    auto m = f.matcher("ips", intel_kind::ip);
    const auto l = intel_test::list(f.editor, "ips", intel_kind::ip);
    intel_test::add(f.editor, l, "203.0.113.0/24", 0, "range");
    intel_test::add(f.editor, l, "203.0.113.7", t0 + 1, "host");
    intel_test::add(f.editor, l, "2001:db8::/32", 0, "v6 range");
    intel_test::add(f.editor, l, "0.0.0.0/0", t0 - 1, "expired everything");
    f.refresh();
    CHECK(hit(*m, "203.0.113.7") == "203.0.113.7 police host");
    CHECK(hit(*m, "203.0.113.7", t0 + 1) == "203.0.113.0/24 police range");
    CHECK(hit(*m, "::ffff:203.0.113.9") == "203.0.113.0/24 police range");
    CHECK(hit(*m, "2001:db8:1::5") == "2001:db8::/32 police v6 range");
    CHECK(hit(*m, "2001:db9::5") == "-");
    CHECK(hit(*m, "198.51.100.1") == "-");  // 0.0.0.0/0 expired before t0
    CHECK(hit(*m, "not an ip") == "-");
}

TEST_CASE("bank accounts, domains and URLs match the forms the SMS fields hold") {
    fixture f;
    auto accounts = f.matcher("accounts", intel_kind::bank_account);
    auto domains = f.matcher("domains", intel_kind::domain);
    auto urls = f.matcher("urls", intel_kind::url);
    intel_test::add(f.editor, intel_test::list(f.editor, "accounts", intel_kind::bank_account), "VCB:0011004012345");
    intel_test::add(f.editor, intel_test::list(f.editor, "accounts", intel_kind::bank_account), "190356789012");
    intel_test::add(f.editor, intel_test::list(f.editor, "domains", intel_kind::domain), "vcb-secure.top");
    intel_test::add(f.editor, intel_test::list(f.editor, "urls", intel_kind::url), "bit.ly/3xScam");
    f.refresh();
    CHECK(hit(*accounts, "VCB:0011004012345") != "-");
    CHECK(hit(*accounts, "TCB:0011004012345") == "-");  // another bank's account
    CHECK(hit(*accounts, "0011004012345") == "-");      // the entry names its bank
    CHECK(hit(*accounts, "190356789012") != "-");       // no bank named: the digits, whatever bank the SMS named
    CHECK(hit(*domains, "vcb-secure.top") != "-");
    CHECK(hit(*domains, "vcb-secure.topx") == "-");
    CHECK(hit(*urls, "https://BIT.ly/3xScam#x") == "bit.ly/3xScam police test reason");
    CHECK(hit(*urls, "https://bit.ly/3xscam") == "-");  // paths keep their case
}

TEST_CASE("a list the database holds as another kind is refused, and a refresh error keeps the old snapshot") {
    fixture f;
    const auto l = intel_test::list(f.editor, "police_numbers", intel_kind::number);
    intel_test::add(f.editor, l, "+84912345678");
    std::string why;
    CHECK(!f.store->matcher("police_numbers", intel_kind::ip, why));
    CHECK(why.find("holds it as a number list") != std::string::npos);

    auto m = f.matcher("police_numbers", intel_kind::number);
    CHECK(hit(*m, "+84912345678") != "-");
    // The kind changes under the daemon (a hand edit): the refresh fails, the list stays.
    REQUIRE(f.writer_db.exec("UPDATE lists SET kind = 'ip', revision = revision + 1").empty());
    REQUIRE(f.store->changed());
    const auto r = f.store->refresh(t0);
    CHECK(!r.ok);
    CHECK(r.error.find("holds it as a ip list") != std::string::npos);
    CHECK(hit(*m, "+84912345678") != "-");
    CHECK(f.store->stats().refresh_errors == 1);
    CHECK(!f.store->changed());  // retried after a pause, not at every check
}

TEST_CASE("a deleted database file: the refresh fails and the lists read before stay") {
    fixture f;
    auto m = f.matcher("police_numbers", intel_kind::number);
    intel_test::add(f.editor, intel_test::list(f.editor, "police_numbers", intel_kind::number), "+84912345678");
    f.refresh();
    std::filesystem::remove(f.path);
    REQUIRE(f.store->changed());
    const auto r = f.store->refresh(t0);
    CHECK(!r.ok);
    CHECK(r.error.find("is gone") != std::string::npos);
    CHECK(hit(*m, "+84912345678") != "-");
    CHECK(f.store->stats().refresh_errors == 1);
}

TEST_CASE("matching allocates nothing once the thread has read the list") {
    fixture f;
    auto numbers = f.matcher("n", intel_kind::number);
    auto ips = f.matcher("i", intel_kind::ip);
    auto urls = f.matcher("u", intel_kind::url);
    intel_test::add(f.editor, intel_test::list(f.editor, "n", intel_kind::number), "+84912345678");
    intel_test::add(f.editor, intel_test::list(f.editor, "i", intel_kind::ip), "203.0.113.0/24");
    intel_test::add(f.editor, intel_test::list(f.editor, "u", intel_kind::url), "bit.ly/3xScam");
    f.refresh();
    const std::string long_url = "https://bit.ly/3xScam/with/a/path/long/enough/to/need/the/heap?and=a&query=too";
    numbers->match_at("+84912345678", t0, nullptr);
    ips->match_at("203.0.113.7", t0, nullptr);
    urls->match_at(long_url, t0, nullptr);
    const long before = testing::allocation_count();
    int hits = 0;
    for (int i = 0; i < 1000; ++i) {
        hits += numbers->match_at("+84912345678", t0, nullptr);
        hits += numbers->match_at("+84912345679", t0, nullptr);
        hits += ips->match_at("203.0.113.7", t0, nullptr);
        hits += urls->match_at("https://bit.ly/3xScam", t0, nullptr);
        hits += urls->match_at(long_url, t0, nullptr);
    }
    CHECK(testing::allocation_count() == before);
    CHECK(hits == 3000);
}

TEST_CASE("snapshots swap while other threads keep matching") {
    fixture f;
    auto m = f.matcher("police_numbers", intel_kind::number);
    const auto l = intel_test::list(f.editor, "police_numbers", intel_kind::number);
    intel_test::add(f.editor, l, "+84900000000", 0, "always there");
    f.refresh();
    std::atomic<bool> stop{false};
    std::atomic<long> always_missed{0}, matched_new{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t)
        threads.emplace_back([&] {
            engine::list_hit_detail d;
            while (!stop.load()) {
                if (!m->match_at("+84900000000", t0, &d) || d.reason != "always there") always_missed.fetch_add(1);
                if (m->match_at("+84912345678", t0, &d)) matched_new.fetch_add(1);
            }
        });
    for (int round = 0; round < 60; ++round) {
        if (round % 2 == 0) intel_test::add(f.editor, l, "+84912345678", 0, "round " + std::to_string(round));
        else {
            bool found = false;
            REQUIRE(f.editor.remove(l, "+84912345678", t0, found).empty());
        }
        f.refresh();
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    stop = true;
    for (auto& t : threads) t.join();
    CHECK(always_missed.load() == 0);  // an entry present in every snapshot is never missed
    CHECK(matched_new.load() > 0);
    CHECK(hit(*m, "+84912345678") == "-");  // the last round removed it
    CHECK(f.store->stats().refreshes == 61);
}

TEST_CASE("a refresh that fails for one list publishes none of the others") {
    fixture f;
    const auto numbers = intel_test::list(f.editor, "police_numbers", intel_kind::number);
    const auto domains = intel_test::list(f.editor, "blocked_domains", intel_kind::domain);
    intel_test::add(f.editor, numbers, "+84912345678");
    intel_test::add(f.editor, domains, "evil.example");
    auto n = f.matcher("police_numbers", intel_kind::number);
    auto d = f.matcher("blocked_domains", intel_kind::domain);
    f.refresh();
    REQUIRE(hit(*n, "+84912345678") != "-");
    // One change that would empty the numbers, and the domains list turned into another kind.
    REQUIRE(f.writer_db.exec("DELETE FROM entries; UPDATE lists SET revision = revision + 1;"
                             "UPDATE lists SET kind = 'url' WHERE name = 'blocked_domains'").empty());
    REQUIRE(f.store->changed());
    const auto r = f.store->refresh(t0);
    CHECK(!r.ok);
    CHECK(r.rebuilt.empty());
    CHECK(hit(*n, "+84912345678") != "-");  // not swapped to the emptied list
    CHECK(hit(*d, "evil.example") != "-");
}

TEST_CASE("a database restored from a backup and changed again at once is still read again") {
    fixture f;
    const auto l = intel_test::list(f.editor, "police_numbers", intel_kind::number);
    auto m = f.matcher("police_numbers", intel_kind::number);
    std::string failure;
    const auto before = f.writer_db.query_int("SELECT revision FROM lists WHERE name = 'police_numbers'", failure);
    REQUIRE(before);
    intel_test::add(f.editor, l, "+84912710001");
    f.refresh();
    REQUIRE(hit(*m, "+84912710001") != "-");
    // The restore (the entry gone, the revision back where it was), and at once another add.
    REQUIRE(f.writer_db.exec(fmt::format("DELETE FROM entries; UPDATE lists SET revision = {}", *before).c_str()).empty());
    intel_test::add(f.editor, l, "+84912710002");
    REQUIRE(f.store->changed());
    const auto r = f.store->refresh(t0);
    REQUIRE_MESSAGE(r.ok, r.error);
    CHECK(hit(*m, "+84912710001") == "-");
    CHECK(hit(*m, "+84912710002") != "-");
}
