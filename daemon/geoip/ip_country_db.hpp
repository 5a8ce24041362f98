// The country of an IP address, from a MaxMind DB file (GeoIP2/GeoLite2 Country or City,
// or any database with the same layout): origin.ip_country in rules. Lookups go through
// libmaxminddb on the memory-mapped file, with no lock (the file is read-only) and no
// allocation; the address is parsed with inet_pton, never resolved.
#pragma once

#include <memory>
#include <string>
#include <string_view>

struct MMDB_s;

namespace ringfence::geoip {

class ip_country_db {
public:
    // Null with error set when the file cannot be opened or is not a MaxMind DB.
    static std::unique_ptr<ip_country_db> open(const std::string& path, std::string& error);
    ~ip_country_db();
    ip_country_db(const ip_country_db&) = delete;
    ip_country_db& operator=(const ip_country_db&) = delete;

    // The ISO 3166 country of ip ("JP") written into out; "" when ip is not an address or
    // the database has no country for it. The country where the network is, else the one
    // it is registered in.
    std::string_view country(std::string_view ip, char (&out)[3]) const;
    const std::string& database_type() const { return type_; }

private:
    ip_country_db() = default;
    std::unique_ptr<MMDB_s> db_;
    std::string type_;
};

}  // namespace ringfence::geoip
