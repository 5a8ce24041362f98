// Import: every row validated with line and column named, nothing applied unless the whole
// file is good, full loads replace the file, deltas upsert and delete, every run recorded.
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <thread>

#include "common/exclusive_files.hpp"
#include "model/civil_date.hpp"
#include "subscribers/subscriber_database.hpp"
#include "subscribers/subscriber_import.hpp"
#include "subscribers/subscriber_schema.hpp"
#include "subscriber_test_support.hpp"

using namespace ringfence;
using namespace ringfence::subscribers;
using testing::contract_header;
using testing::shipped_plan;

namespace {

const std::string good_rows =
    "0912345678,452040000000001,9f86d081884c7d65,individual,matched,2025-06-01,6,1,0,active,2024-01-10,2024-01-10,1\n"
    "+84987000111,,9f86d081884c7d65,individual,mismatch,2026-10-01,2,0,0,notified,2026-11-01,2026-10-20,0\n"
    "0084903000222,452040000000003,abcdef0123,business,unchecked,,0,0,1,one_way_locked,2026-11-20,2025-03-03,0\n";

parsed_import parse(const std::string& text, import_mode mode = import_mode::full, const import_mapping& m = {}) {
    return parse_subscriber_csv(text, m, shipped_plan(), mode);
}

bool has_problem(const parsed_import& p, std::size_t line, const std::string& column, const std::string& words) {
    for (const auto& x : p.problems)
        if (x.line == line && x.column == column && x.reason.find(words) != std::string::npos) return true;
    return false;
}

import_source test_source() { return {"test.csv", "0000", "tester", 1000}; }

std::int64_t count_rows(const std::string& path, const char* sql) {
    std::string error;
    auto db = open_subscriber_database(path, error);
    REQUIRE(db);
    return db.query_int(sql, error).value_or(-1);
}

}  // namespace

TEST_CASE("import: a good file gives one row per subscriber, in number order, numbers in any form the plan reads") {
    const auto p = parse(contract_header + good_rows);
    REQUIRE(p.ok());
    CHECK(p.rows == 3);
    REQUIRE(p.upserts.size() == 3);
    CHECK(p.upserts[0].msisdn == 84903000222);
    CHECK(p.upserts[1].msisdn == 84912345678);
    CHECK(p.upserts[2].msisdn == 84987000111);
    const subscriber_row& r = p.upserts[1];
    CHECK(r.imsi == "452040000000001");
    CHECK(r.owner == owner_type::individual);
    CHECK(r.match == population_match::matched);
    CHECK(r.match_date == model::parse_iso_date("2025-06-01"));
    CHECK(r.matched_fields == 6);
    CHECK(r.biometric_verified);
    CHECK_FALSE(r.reverify_pending);
    CHECK(r.status == subscriber_status::active);
    CHECK(r.bank_link_verified);
    CHECK_FALSE(p.upserts[0].match_date.has_value());
}

TEST_CASE("import: every bad field is reported with its line and column, and no row is taken") {
    const std::string text = contract_header + good_rows +
                             "0912000001,45204,123456789012,person,maybe,2025-13-01,x,2,0,locked,2024-01-10,,1\n"
                             "+6591234567,,h1,individual,matched,,1,1,1,active,2024-01-10,2024-01-10,0\n"
                             "0912000002,,h2,individual,matched,,1,1,1,active,2024-02-30,2024-01-10,yes\n"
                             "not a number,,h3,individual,matched,,1,1,1,active,2024-01-10,2024-01-10,0\n"
                             "0912000003,,h4\n";
    const auto p = parse(text);
    CHECK_FALSE(p.ok());
    CHECK(p.upserts.empty());
    CHECK(has_problem(p, 5, "owner_id_hash", "identity-document number in clear"));
    CHECK(has_problem(p, 5, "owner_type", "'person'"));
    CHECK(has_problem(p, 5, "population_match", "'maybe'"));
    CHECK(has_problem(p, 5, "population_match_date", "'2025-13-01'"));
    CHECK(has_problem(p, 5, "matched_fields", "'x'"));
    CHECK(has_problem(p, 5, "biometric_verified", "'2'"));
    CHECK(has_problem(p, 5, "status", "'locked'"));
    CHECK(has_problem(p, 5, "activated_on", "missing"));
    CHECK(has_problem(p, 6, "msisdn", "not a number of the home country"));
    CHECK(has_problem(p, 7, "status_since", "'2024-02-30'"));
    CHECK(has_problem(p, 7, "bank_link_verified", "'yes'"));
    CHECK(has_problem(p, 8, "msisdn", "not a phone number"));
    CHECK(has_problem(p, 9, "", "has 3 fields; the header has 13"));
    CHECK(p.problem_count == 13);
}

TEST_CASE("import: the same subscriber twice is refused naming both lines, whatever form the number takes") {
    const auto p = parse(contract_header + good_rows + "+84912345678,,h,individual,matched,,1,1,0,active,2024-01-10,2024-01-10,1\n");
    CHECK_FALSE(p.ok());
    CHECK(has_problem(p, 5, "msisdn", "+84912345678 is also on line 2"));
}

TEST_CASE("import: a header that lacks columns is refused at line 1, extra columns are reported as ignored") {
    auto p = parse("msisdn,imsi,status\n0912345678,,active\n");
    CHECK_FALSE(p.ok());
    REQUIRE(p.problems.size() == 1);
    CHECK(p.problems[0].line == 1);
    CHECK(p.problems[0].reason.find("'owner_id_hash'") != std::string::npos);
    p = parse(std::string(contract_header).insert(std::string(contract_header).size() - 1, ",region") +
              "0912345678,,h,individual,matched,,1,1,0,active,2024-01-10,2024-01-10,1,north\n");
    CHECK(p.ok());
    CHECK(p.ignored_columns == std::vector<std::string>{"region"});
    CHECK(parse("").problem_count == 1);
    // A column named twice: which one holds the value would be a guess.
    p = parse(std::string(contract_header).insert(std::string(contract_header).size() - 1, ",status") +
              "0912345678,,h,individual,matched,,1,1,0,active,2024-01-10,2024-01-10,1,terminated\n");
    CHECK_FALSE(p.ok());
    REQUIRE(p.problems.size() == 1);
    CHECK(p.problems[0].line == 1);
    CHECK(p.problems[0].reason == "column 'status' appears twice in the header");
}

TEST_CASE("import: the carrier's header names map onto the fields (subscribers.import.columns)") {
    import_mapping m;
    m.columns["msisdn"] = "MSISDN";
    m.columns["status"] = "SUB_STATE";
    std::string header = contract_header;
    header.replace(header.find("msisdn"), 6, "MSISDN");
    header.replace(header.find(",status,"), 8, ",SUB_STATE,");
    auto p = parse(header + good_rows, import_mode::full, m);
    CHECK(p.ok());
    CHECK(p.upserts.size() == 3);
    p = parse(contract_header + good_rows, import_mode::full, m);  // the contract's names no longer apply
    CHECK_FALSE(p.ok());
}

TEST_CASE("import: a full load writes a new database with its run recorded, a second one reports what changed") {
    testing::scratch_dir dir("full-import");
    const std::string db = dir.file("subscribers.sqlite");
    auto p = parse(contract_header + good_rows);
    import_changes c;
    REQUIRE(apply_import(db, p, test_source(), c) == "");
    CHECK(c.inserted == 3);
    CHECK(count_rows(db, "SELECT count(*) FROM subscribers") == 3);
    CHECK(count_rows(db, "PRAGMA application_id") == subscriber_application_id);
    CHECK(count_rows(db, "SELECT sims FROM owner_sims WHERE owner_id_hash = '9f86d081884c7d65'") == 2);

    // Second load: one changed, one removed, one added, one unchanged.
    const std::string second = contract_header + std::string("0912345678,452040000000001,9f86d081884c7d65,individual,matched,2025-06-01,6,1,0,active,2024-01-10,2024-01-10,1\n") +
                               "+84987000111,,9f86d081884c7d65,individual,matched,2026-11-01,6,1,0,active,2026-11-01,2026-10-20,1\n"
                               "0912000999,,zz,individual,matched,,6,1,0,active,2026-11-01,2026-11-01,1\n";
    p = parse(second);
    REQUIRE(compare_with_database(db, p, c) == "");
    CHECK(c.inserted == 1);
    CHECK(c.updated == 1);
    CHECK(c.deleted == 1);
    CHECK(c.unchanged == 1);
    CHECK(count_rows(db, "SELECT count(*) FROM subscribers") == 3);  // comparing changed nothing
    REQUIRE(apply_import(db, p, test_source(), c) == "");
    CHECK(count_rows(db, "SELECT count(*) FROM subscribers WHERE msisdn = 84903000222") == 0);
    CHECK(count_rows(db, "SELECT count(*) FROM import_runs") == 2);  // the history survives the replacement
    CHECK(count_rows(db, "SELECT deleted FROM import_runs WHERE id = 2") == 1);
}

TEST_CASE("import: a delta upserts and deletes in one transaction, a refused file changes nothing") {
    testing::scratch_dir dir("delta-import");
    const std::string db = dir.file("subscribers.sqlite");
    import_changes c;
    REQUIRE(apply_import(db, parse(contract_header + good_rows), test_source(), c) == "");
    const std::string delta_header = std::string(contract_header).insert(std::string(contract_header).size() - 1, ",op");
    auto d = parse(delta_header +
                       "0912345678,,9f86d081884c7d65,individual,matched,2025-06-01,6,1,0,two_way_locked,2026-11-25,2024-01-10,1,upsert\n"
                       "0903000222,,,,,,,,,,,,,delete\n"
                       "0912000777,,new-owner,business,matched,,6,1,0,active,2026-11-25,2026-11-25,1,upsert\n",
                   import_mode::delta);
    REQUIRE(d.ok());
    REQUIRE(apply_import(db, d, test_source(), c) == "");
    CHECK(c.inserted == 1);
    CHECK(c.updated == 1);
    CHECK(c.deleted == 1);
    CHECK(count_rows(db, "SELECT count(*) FROM subscribers") == 3);
    CHECK(count_rows(db, "SELECT count(*) FROM subscribers WHERE msisdn = 84912345678 AND status = 'two_way_locked'") == 1);

    auto bad = parse(delta_header + "0912345678,,h,individual,matched,,6,1,0,active,2026-11-25,2024-01-10,1,replace\n", import_mode::delta);
    CHECK(has_problem(bad, 2, "op", "'replace' is not upsert or delete"));
    CHECK(apply_import(db, bad, test_source(), c) != "");
    CHECK(count_rows(db, "SELECT count(*) FROM import_runs") == 2);
}

TEST_CASE("import: a file that is not a subscriber database is not replaced by a delta") {
    testing::scratch_dir dir("wrong-file");
    const std::string db = dir.file("subscribers.sqlite");
    std::ofstream(db) << "not sqlite at all, just text that is long enough to look like a header........";
    import_changes c;
    auto d = parse(std::string(contract_header).insert(std::string(contract_header).size() - 1, ",op") + "0912345678,,,,,,,,,,,,,delete\n", import_mode::delta);
    REQUIRE(d.ok());
    CHECK(apply_import(db, d, test_source(), c).find("not a SQLite database") != std::string::npos);
}

TEST_CASE("import: an MSISDN written as E.164 digits with no '+' (as HLR and billing exports do) is read as such") {
    const auto p = parse(contract_header + std::string("84912345678,,h,individual,matched,,6,1,0,active,2024-01-10,2024-01-10,1\n"
                                                       "912345679,,h,individual,matched,,6,1,0,active,2024-01-10,2024-01-10,1\n"));
    REQUIRE(p.ok());
    REQUIRE(p.upserts.size() == 2);
    CHECK(p.upserts[0].msisdn == 84912345678);
    CHECK(p.upserts[1].msisdn == 84912345679);
    CHECK_FALSE(parse(contract_header + std::string("006591234567,,h,individual,matched,,6,1,0,active,2024-01-10,2024-01-10,1\n")).ok());
}

TEST_CASE("import: imports of one database take turns, so a delta run beside a full load is not lost") {
    testing::scratch_dir dir("import-turns");
    const std::string db = dir.file("subscribers.sqlite");
    import_changes c;
    REQUIRE(apply_import(db, parse(contract_header + good_rows), test_source(), c) == "");
    const std::string delta_header = std::string(contract_header).insert(std::string(contract_header).size() - 1, ",op");
    const auto delta = parse(delta_header + "0912000777,,new-owner,business,mismatch,,6,0,0,terminated,2026-11-25,2026-11-25,1,upsert\n",
                             import_mode::delta);
    REQUIRE(delta.ok());

    // Another import holds the database: the delta waits for it instead of racing it.
    auto other_import = std::make_unique<common::file_lock>();
    REQUIRE(other_import->take(db) == "");
    std::string delta_result = "not run";
    std::thread delta_import([&] {
        import_changes dc;
        delta_result = apply_import(db, delta, test_source(), dc);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    CHECK(count_rows(db, "SELECT count(*) FROM import_runs") == 1);  // still waiting
    other_import.reset();
    delta_import.join();
    CHECK(delta_result == "");
    CHECK(count_rows(db, "SELECT count(*) FROM import_runs") == 2);

    // A full load after it keeps the history of both runs.
    REQUIRE(apply_import(db, parse(contract_header + good_rows), test_source(), c) == "");
    CHECK(count_rows(db, "SELECT count(*) FROM import_runs") == 3);
    CHECK(count_rows(db, "SELECT count(*) FROM import_runs WHERE mode = 'delta'") == 1);
}

TEST_CASE("import: a lock held past the wait gives an error that says so") {
    testing::scratch_dir dir("lock-wait");
    const std::string path = dir.file("subscribers.sqlite");
    common::file_lock holder;
    REQUIRE(holder.take(path) == "");
    common::file_lock second;
    const std::string why = second.take_waiting(path, std::chrono::milliseconds(120));
    CHECK(why.find("has held") != std::string::npos);
    CHECK(why.find(".lock") != std::string::npos);
}

TEST_CASE("import: an identity-card number in clear is refused however it is grouped or named, a hash never is") {
    auto owner_problem = [](const std::string& owner) {
        const auto p = parse(std::string(contract_header) + "0912345678,," + owner + ",individual,matched,,6,1,0,active,2024-01-10,2024-01-10,1\n");
        return has_problem(p, 2, "owner_id_hash", "identity-document number in clear");
    };
    CHECK(owner_problem("079123456789"));
    CHECK(owner_problem("079-123-456-789"));
    CHECK(owner_problem("079.123.456.789"));
    CHECK(owner_problem("CMND123456789"));
    CHECK(owner_problem("cmnd:123456789"));
    CHECK(owner_problem("CCCD:079123456789"));
    CHECK(owner_problem("CCCD-079123456789"));
    CHECK(owner_problem("CCCD=079123456789"));
    CHECK(owner_problem("CMND#123456789"));
    CHECK(owner_problem("cmt~123456789"));
    CHECK(owner_problem("079_123_456_789"));
    CHECK(owner_problem("CCCD::079123456789"));
    CHECK(owner_problem("CCCD=#079123456789"));
    // The card's name straight before grouped digits: a hex hash holds no '-' or '.'.
    CHECK(owner_problem("CCCD079-123-456-789"));
    CHECK(owner_problem("CCCD079.123.456.789"));
    // Hashes: hex of any length, including ones with 9 or 12 decimal digits and "cccd" in them.
    CHECK_FALSE(owner_problem("9f86d081884c7d65"));
    CHECK_FALSE(owner_problem("cccd079123456789"));
    CHECK_FALSE(owner_problem("ab0791234567"));
    CHECK_FALSE(owner_problem("0791234567890"));  // 13 digits: no card has that many
}

TEST_CASE("import: with a latest day, a date still to come is refused at its line and column") {
    const std::int32_t today = *model::parse_iso_date("2026-11-29");
    const std::string rows = "0912345678,,h,individual,matched,2026-11-30,6,1,0,notified,2027-01-10,2030-01-10,1\n"
                             "0912345679,,h,individual,matched,2026-11-29,6,1,0,active,2026-11-29,2026-11-29,1\n";
    const auto p = parse_subscriber_csv(std::string(contract_header) + rows, {}, shipped_plan(), import_mode::full, today);
    CHECK(has_problem(p, 2, "population_match_date", "'2026-11-30' is in the future (after 2026-11-29)"));
    CHECK(has_problem(p, 2, "status_since", "'2027-01-10' is in the future"));
    CHECK(has_problem(p, 2, "activated_on", "'2030-01-10' is in the future"));
    CHECK(p.problem_count == 3);  // today itself is fine
    CHECK(parse(contract_header + rows).ok());  // without one (pack tests), any date is read
}

TEST_CASE("import: a file in UTF-16 or with a byte that is not UTF-8 is named as such, not as a header or a hash gone wrong") {
    const std::string utf8 = std::string(contract_header) + good_rows;
    std::string utf16 = "\xFF\xFE";
    for (const char c : utf8) (utf16 += c) += '\0';
    auto p = parse(utf16);
    CHECK(has_problem(p, 1, "", "the file is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8"));
    CHECK(p.problem_count == 1);
    // A Latin-1 e-acute in the second line (the first row).
    std::string latin1 = utf8;
    latin1.insert(latin1.find('\n') + 3, "\xE9");
    p = parse(latin1);
    CHECK(has_problem(p, 2, "", "not valid UTF-8 (byte 0xe9): save the file as UTF-8"));
    CHECK(p.problem_count == 1);
}

TEST_CASE("import: a file with CR-only line endings is named as such, not read as one long header") {
    std::string text = std::string(contract_header) + good_rows;
    for (auto& c : text)
        if (c == '\n') c = '\r';
    const auto p = parse(text);
    CHECK(has_problem(p, 1, "", "lines end with CR alone"));
    CHECK(p.problem_count == 1);
    std::string crlf;
    for (const char c : std::string(contract_header) + good_rows) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    CHECK(parse(crlf).ok());  // CRLF is fine
}

TEST_CASE("import: a delta's delete rows for numbers not held are counted apart from real deletions") {
    testing::scratch_dir dir("absent-deletes");
    const std::string db = dir.file("subscribers.sqlite");
    import_changes c;
    REQUIRE(apply_import(db, parse(contract_header + good_rows), test_source(), c) == "");
    const std::string delta_header = std::string(contract_header).insert(std::string(contract_header).size() - 1, ",op");
    const auto d = parse(delta_header + "0912345678,,,,,,,,,,,,,delete\n0912999999,,,,,,,,,,,,,delete\n0912999998,,,,,,,,,,,,,delete\n",
                         import_mode::delta);
    REQUIRE(d.ok());
    REQUIRE(compare_with_database(db, d, c) == "");
    CHECK(c.deleted == 1);
    CHECK(c.absent_deletions == 2);
}
