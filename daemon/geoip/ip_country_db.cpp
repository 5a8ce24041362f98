#include "geoip/ip_country_db.hpp"

#include <arpa/inet.h>
#include <maxminddb.h>
#include <netinet/in.h>

#include <cstring>

namespace ringfence::geoip {

std::unique_ptr<ip_country_db> ip_country_db::open(const std::string& path, std::string& error) {
    std::unique_ptr<ip_country_db> db(new ip_country_db());
    db->db_ = std::make_unique<MMDB_s>();
    const int rc = MMDB_open(path.c_str(), MMDB_MODE_MMAP, db->db_.get());
    if (rc != MMDB_SUCCESS) {
        error = path + ": " + MMDB_strerror(rc);
        db->db_.reset();  // nothing to close
        return nullptr;
    }
    db->type_ = db->db_->metadata.database_type ? db->db_->metadata.database_type : "";
    return db;
}

ip_country_db::~ip_country_db() {
    if (db_) MMDB_close(db_.get());
}

std::string_view ip_country_db::country(std::string_view ip, char (&out)[3]) const {
    // inet_pton needs a terminated string; an address is at most 45 characters.
    char text[INET6_ADDRSTRLEN + 1];
    if (ip.empty() || ip.size() >= sizeof text) return {};
    std::memcpy(text, ip.data(), ip.size());
    text[ip.size()] = '\0';
    sockaddr_storage addr{};
    if (inet_pton(AF_INET, text, &reinterpret_cast<sockaddr_in*>(&addr)->sin_addr) == 1) {
        addr.ss_family = AF_INET;
    } else if (inet_pton(AF_INET6, text, &reinterpret_cast<sockaddr_in6*>(&addr)->sin6_addr) == 1) {
        addr.ss_family = AF_INET6;
    } else {
        return {};
    }
    int mmdb_error = MMDB_SUCCESS;
    MMDB_lookup_result_s result = MMDB_lookup_sockaddr(db_.get(), reinterpret_cast<const sockaddr*>(&addr), &mmdb_error);
    if (mmdb_error != MMDB_SUCCESS || !result.found_entry) return {};
    for (const char* section : {"country", "registered_country"}) {
        MMDB_entry_data_s data{};
        if (MMDB_get_value(&result.entry, &data, section, "iso_code", nullptr) == MMDB_SUCCESS && data.has_data &&
            data.type == MMDB_DATA_TYPE_UTF8_STRING && data.data_size == 2) {
            out[0] = data.utf8_string[0];
            out[1] = data.utf8_string[1];
            out[2] = '\0';
            return {out, 2};
        }
    }
    return {};
}

}  // namespace ringfence::geoip
