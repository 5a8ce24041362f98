#include "model/time_format.hpp"

#include <algorithm>

#include "model/civil_date.hpp"

namespace ringfence::model {

namespace {

void put_digits(char* at, unsigned value, int width) {
    for (int i = width - 1; i >= 0; --i) {
        at[i] = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

}  // namespace

void append_rfc3339_utc(std::string& out, std::int64_t epoch_ms) {
    epoch_ms = std::clamp(epoch_ms, rfc3339_min_epoch_ms, rfc3339_max_epoch_ms);
    constexpr std::int64_t ms_per_day = 86400000;
    const std::int64_t days = epoch_ms / ms_per_day;
    auto ms_of_day = static_cast<unsigned>(epoch_ms % ms_per_day);
    const civil_date date = civil_from_days(days);

    char text[24] = {'0', '0', '0', '0', '-', '0', '0', '-', '0', '0', 'T', '0',
                     '0', ':', '0', '0', ':', '0', '0', '.', '0', '0', '0', 'Z'};
    put_digits(text, static_cast<unsigned>(date.year), 4);
    put_digits(text + 5, date.month, 2);
    put_digits(text + 8, date.day, 2);
    put_digits(text + 20, ms_of_day % 1000, 3);
    ms_of_day /= 1000;
    put_digits(text + 17, ms_of_day % 60, 2);
    ms_of_day /= 60;
    put_digits(text + 14, ms_of_day % 60, 2);
    put_digits(text + 11, ms_of_day / 60, 2);
    out.append(text, sizeof text);
}

}  // namespace ringfence::model
