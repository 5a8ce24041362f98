// The schema is declared once: the DDL creates what the reader accepts, and
// docs/subscribers.md carries exactly the generated reference.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "sqlite/sqlite_handle.hpp"
#include "subscribers/subscriber_database.hpp"
#include "subscribers/subscriber_schema.hpp"
#include "subscriber_test_support.hpp"

using namespace ringfence;
using namespace ringfence::subscribers;

TEST_CASE("schema: the generated DDL makes a database the reader accepts, and its constraints hold") {
    testing::scratch_dir dir("schema");
    const std::string path = dir.file("s.sqlite");
    std::string error;
    {
        auto db = sqlite::sqlite_connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error);
        REQUIRE(db);
        REQUIRE(create_subscriber_schema(db) == "");
        CHECK(db.exec("INSERT INTO subscribers VALUES (84912345678, NULL, 'h', 'individual', 'matched', NULL, 6, 1, 0, 'active', '2024-01-01', "
                      "'2024-01-01', 1)") == "");
        CHECK(db.exec("INSERT INTO subscribers VALUES (84912345679, NULL, 'h', 'person', 'matched', NULL, 6, 1, 0, 'active', '2024-01-01', "
                      "'2024-01-01', 1)") != "");
        CHECK(db.exec("INSERT INTO subscribers VALUES (84912345679, NULL, 'h', 'individual', 'matched', NULL, 6, 2, 0, 'active', '2024-01-01', "
                      "'2024-01-01', 1)") != "");
    }
    CHECK(open_subscriber_database(path, error));
}

TEST_CASE("schema: docs/subscribers.md holds the generated reference (ringfence subscribers schema --markdown)") {
    std::ifstream f(RINGFENCE_SOURCE_DIR "/docs/subscribers.md");
    REQUIRE(f.good());
    std::stringstream ss;
    ss << f.rdbuf();
    const std::string doc = ss.str();
    const std::string generated = subscriber_schema_markdown();
    CHECK_MESSAGE(doc.find(generated) != std::string::npos,
                  "docs/subscribers.md is out of date: regenerate its schema section with `ringfence subscribers schema --markdown`");
    for (const auto& t : subscriber_tables())
        for (const auto& c : t.columns) CHECK(generated.find(std::string("`") + std::string(c.name) + "`") != std::string::npos);
}
