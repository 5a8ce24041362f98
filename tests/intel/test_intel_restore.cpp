// Restoring an intel database from a backup with `ringfence lists restore` (the editor's
// restore): the lists come back as the backup held them, while this database's audit trail
// is kept whole and says what the restore did. A backup written in place with sqlite3's
// ".restore" would have replaced the audit trail with the backup's.
#include <doctest/doctest.h>

#include "intel/intel_database.hpp"
#include "intel/intel_editor.hpp"
#include "intel_test_support.hpp"

using namespace ringfence;
using namespace intel_test;

namespace {

std::vector<std::string> values_of(intel::intel_editor& ed, const intel::list_row& l) {
    std::vector<intel::entry_row> rows;
    REQUIRE(ed.entries(l, true, t0, rows).empty());
    std::vector<std::string> out;
    for (const auto& r : rows) out.push_back(r.value + " " + r.source + " " + r.reason + " " + std::to_string(r.expires_at_ms));
    return out;
}

}  // namespace

TEST_CASE("lists restore: every list of the backup comes back as it was, the audit trail stays and records the restore") {
    temp_dir dir;
    const std::string live_path = dir.file("intel.sqlite");
    const std::string backup_path = dir.file("backup.sqlite");
    auto db = intel::open_intel_database(live_path);
    REQUIRE(db.value);
    intel::intel_editor ed(*db.value, "tester (uid 1)");
    auto police = list(ed, "police_numbers", engine::intel_kind::number);
    add(ed, police, "+84912000001", 0, "case 1");
    add(ed, police, "+84912000002", t0 + 86'400'000, "case 2", intel::entry_source::bank);
    const auto backed_up = values_of(ed, police);
    REQUIRE(db.value->exec(("VACUUM INTO '" + backup_path + "'").c_str()).empty());

    // After the backup: an entry added (and used in decisions), one removed, a list made.
    add(ed, police, "+84912555000", 0, "restore test");
    bool found = false;
    REQUIRE(ed.remove(police, "+84912000001", t0, found).empty());
    auto domains = list(ed, "blocked_domains", engine::intel_kind::domain);
    add(ed, domains, "vcb-secure.top");
    std::vector<intel::audit_row> before;
    REQUIRE(ed.audit("", 1000, before).empty());

    std::vector<intel::restored_list> restored;
    REQUIRE(ed.restore(backup_path, "abc123", t0 + 1000, restored) == "");
    REQUIRE(restored.size() == 1);
    CHECK(restored[0].name == "police_numbers");
    CHECK(restored[0].entries_before == 2);
    CHECK(restored[0].entries_restored == 2);
    CHECK_FALSE(restored[0].created);
    CHECK(values_of(ed, police) == backed_up);
    CHECK(values_of(ed, domains).size() == 1);  // not in the backup: left as it was

    std::vector<intel::audit_row> after;
    REQUIRE(ed.audit("", 1000, after).empty());
    REQUIRE(after.size() == before.size() + 1);  // nothing of the trail lost
    const intel::audit_row& r = after.front();   // newest first
    CHECK(r.action == "import");
    CHECK(r.list == "police_numbers");
    CHECK(r.file == backup_path);
    CHECK(r.file_sha256 == "abc123");
    CHECK(r.rows_added == 2);
    CHECK(r.rows_replaced == 2);
    CHECK(r.detail.find("restored from a backup") != std::string::npos);
    bool add_of_later_entry_kept = false;
    for (const auto& a : after) add_of_later_entry_kept |= a.action == "add" && a.value == "+84912555000";
    CHECK(add_of_later_entry_kept);
}

TEST_CASE("lists restore: a list of another kind, a file that is no intel backup, refuse it whole") {
    temp_dir dir;
    const std::string live_path = dir.file("intel.sqlite");
    const std::string backup_path = dir.file("backup.sqlite");
    {
        auto other = intel::open_intel_database(backup_path);
        REQUIRE(other.value);
        intel::intel_editor bed(*other.value, "tester (uid 1)");
        auto a = list(bed, "a_list", engine::intel_kind::number);
        add(bed, a, "+84912000001");
        auto l = list(bed, "shared", engine::intel_kind::domain);
        add(bed, l, "example.com");
    }
    auto db = intel::open_intel_database(live_path);
    REQUIRE(db.value);
    intel::intel_editor ed(*db.value, "tester (uid 1)");
    auto shared = list(ed, "shared", engine::intel_kind::number);
    add(ed, shared, "+84912000009");
    std::vector<intel::restored_list> restored;
    const std::string why = ed.restore(backup_path, "x", t0, restored);
    CHECK(why.find("list 'shared' is domain in the backup and number here") != std::string::npos);
    std::optional<intel::list_row> a;
    REQUIRE(ed.find_list("a_list", a, t0).empty());
    CHECK_FALSE(a.has_value());  // all or nothing
    CHECK(values_of(ed, shared).size() == 1);

    // A list the rule packs declare as another kind than the backup holds (the check the
    // command gives): refused whole too, before any list is made.
    const std::string refused = ed.restore(backup_path, "x", t0, restored, [](const std::string& name, const std::string& kind) -> std::string {
        return name == "a_list" && kind != "ip" ? "the rule packs declare 'a_list' intel: ip" : "";
    });
    CHECK(refused == "the rule packs declare 'a_list' intel: ip");
    REQUIRE(ed.find_list("a_list", a, t0).empty());
    CHECK_FALSE(a.has_value());

    const std::string text = dir.file("not.sqlite");
    CHECK(ed.restore(dir.file("missing.sqlite"), "x", t0, restored).find("cannot open") != std::string::npos);
    {
        std::string error;
        auto plain = sqlite::sqlite_connection::open(text, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error);
        REQUIRE(plain);
        REQUIRE(plain.exec("CREATE TABLE t (x)").empty());
    }
    CHECK(ed.restore(text, "x", t0, restored).find("not a ringfence intel database") != std::string::npos);
}

TEST_CASE("a version 1 intel database has its URL entries re-keyed when opened, and so does a restore of one") {
    temp_dir dir;
    const std::string path = dir.file("intel.sqlite");
    {
        auto db = intel::open_intel_database(path);
        REQUIRE(db.value);
        intel::intel_editor ed(*db.value, "tester (uid 1)");
        auto urls = list(ed, "blocked_urls", engine::intel_kind::url);
        add(ed, urls, "bit.ly/kept");
        // Keys as version 1 wrote them, and one whose new key is already listed.
        REQUIRE(db.value->exec("INSERT INTO entries (list_id, value, source, reason, added_at_ms, added_by) SELECT id, 'bit.ly:8443/', 'police', 'old', 1, 't' FROM lists").empty());
        REQUIRE(db.value->exec("INSERT INTO entries (list_id, value, source, reason, added_at_ms, added_by) SELECT id, 'bit.ly:443/x', 'police', 'old', 1, 't' FROM lists").empty());
        REQUIRE(db.value->exec("INSERT INTO entries (list_id, value, source, reason, added_at_ms, added_by) SELECT id, 'bit.ly:80/kept', 'police', 'old', 1, 't' FROM lists").empty());
        REQUIRE(db.value->exec("PRAGMA user_version = 1").empty());
    }
    auto db = intel::open_intel_database(path);
    REQUIRE(db.value);
    std::string error;
    CHECK(db.value->query_int("PRAGMA user_version", error) == 2);
    intel::intel_editor ed(*db.value, "tester (uid 1)");
    std::optional<intel::list_row> urls;
    REQUIRE(ed.find_list("blocked_urls", urls, t0).empty());
    REQUIRE(urls);
    std::vector<intel::entry_row> rows;
    REQUIRE(ed.entries(*urls, true, t0, rows).empty());
    std::vector<std::string> values;
    for (const auto& r : rows) values.push_back(r.value);
    CHECK(values == std::vector<std::string>{"bit.ly/kept", "bit.ly/x", "bit.ly:8443"});
    bool found = false;
    REQUIRE(ed.remove(*urls, "bit.ly:8443", t0, found).empty());
    CHECK(found);  // removable by the key messages now give
}
