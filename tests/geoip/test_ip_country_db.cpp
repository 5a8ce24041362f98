// origin.ip_country's database reader against MaxMind's own test database and the answers
// its source data lists (../shared/data/geoip; skipped, saying so, when that is absent).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "geoip/ip_country_db.hpp"

using ringfence::geoip::ip_country_db;

namespace {

const std::string data_dir = RINGFENCE_SHARED_DATA_DIR "/geoip";

}  // namespace

TEST_CASE("ip_country_db: MaxMind's GeoIP2 country test database gives the listed countries, v4 and v6") {
    const std::string path = data_dir + "/GeoIP2-Country-Test.mmdb";
    if (!std::filesystem::exists(path)) {
        MESSAGE("skipped: " << path << " is absent (a clone without ../shared)");
        return;
    }
    std::string error;
    auto db = ip_country_db::open(path, error);
    REQUIRE_MESSAGE(db, error);
    CHECK(db->database_type() == "GeoIP2-Country");
    char buf[3];
    // From GeoIP2-Country-Test.json: 2001:218::/32 is JP; 81.2.69.160/27 is GB (London);
    // 216.160.83.56/29 is US; 89.160.20.112/28 is SE (IPv4 networks sit under ::/96 there).
    CHECK(db->country("2001:218::1", buf) == "JP");
    CHECK(db->country("81.2.69.160", buf) == "GB");
    CHECK(db->country("216.160.83.57", buf) == "US");
    CHECK(db->country("89.160.20.113", buf) == "SE");
    // Where the network is wins over where it is registered (::2.125.160.216/125: GB, registered FR).
    CHECK(db->country("2.125.160.217", buf) == "GB");
    CHECK(db->country("67.43.156.1", buf) == "BT");
    // Not in the database, not an address, empty, too long: no country, no crash.
    CHECK(db->country("10.0.0.1", buf).empty());
    CHECK(db->country("not-an-ip", buf).empty());
    CHECK(db->country("", buf).empty());
    CHECK(db->country(std::string(100, '1'), buf).empty());
}

TEST_CASE("ip_country_db: a file that is not a MaxMind DB is refused with the reason") {
    const auto path = std::filesystem::temp_directory_path() / "ringfence-not-an-mmdb.mmdb";
    std::ofstream(path) << "not a maxmind database";
    std::string error;
    CHECK_FALSE(ip_country_db::open(path.string(), error));
    CHECK(error.find(path.string()) == 0);
    CHECK(error.size() > path.string().size() + 2);
    std::filesystem::remove(path);
    CHECK_FALSE(ip_country_db::open("/nonexistent/db.mmdb", error));
}
