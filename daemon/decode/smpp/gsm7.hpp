// The GSM 03.38 (3GPP TS 23.038) 7-bit default alphabet and its extension table, to UTF-8.
// SMPP usually carries one septet per octet ("unpacked"); some SMSCs pass the air
// interface's packed form on. Both are read here; which one a link uses is configuration
// (smpp_settings::gsm7_packed), since the bytes alone cannot tell.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ringfence::decode::smpp {

// Unpacks septets from packed octets, starting bit_offset bits into them (the fill bits
// after a user data header). The last septet is dropped when it is only padding (a zero
// or a CR septet filling the 7 spare bits of the final octet, 23.038 section 6.1.2.3.1).
void unpack_septets(std::string_view packed, std::size_t bit_offset, std::string& septets);

// Appends the UTF-8 text of septets (one per byte). An escape (0x1B) selects the
// extension table for the next septet; an escape with no known extension character shows
// the default-table character, as 23.038 asks of receivers; a byte above 0x7F is U+FFFD.
void append_gsm7_utf8(std::string_view septets, std::string& out);

// Appends code point cp as UTF-8 (surrogates and values above U+10FFFF become U+FFFD).
void append_utf8(char32_t cp, std::string& out);

}  // namespace ringfence::decode::smpp
