// SHA-256 (FIPS 180-4), for rule-set versions: the hash of the loaded rule text names the
// version every decision was made under.
#pragma once

#include <string>
#include <string_view>

namespace ringfence::common {

// Lower-case hex digest of data.
std::string sha256_hex(std::string_view data);

}  // namespace ringfence::common
