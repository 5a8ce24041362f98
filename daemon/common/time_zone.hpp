// A time zone for hours of day in rules (local_hour, time.between): an IANA name read from
// the system's TZif files (/usr/share/zoneinfo), "UTC", or a fixed offset "+07:00".
// Lookups are a binary search over transitions: no locale calls, no global TZ.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ringfence::common {

class time_zone {
public:
    // nullopt with why set when the name is unknown or the file is not TZif.
    static std::optional<time_zone> load(const std::string& name, std::string& why,
                                         const std::string& zoneinfo_dir = "/usr/share/zoneinfo");

    // Offset from UTC in seconds at the instant epoch_ms.
    std::int32_t offset_seconds(std::int64_t epoch_ms) const;
    // Minutes since local midnight (0..1439) at epoch_ms.
    int minute_of_day(std::int64_t epoch_ms) const;
    // The local calendar day at epoch_ms, as days since 1970-01-01.
    std::int32_t local_day(std::int64_t epoch_ms) const;
    const std::string& name() const { return name_; }

private:
    std::string name_;
    std::vector<std::int64_t> transitions_;  // UTC seconds, ascending
    std::vector<std::int32_t> offsets_;      // offset in force from transitions_[i]
    std::int32_t initial_offset_ = 0;        // before the first transition (and when there is none)
};

}  // namespace ringfence::common
