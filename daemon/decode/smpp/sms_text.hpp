// What an SMPP data_coding value says about the message bytes, and turning those bytes
// into UTF-8 text for the record. Every result is valid UTF-8: bytes a charset does not
// define become U+FFFD; binary messages (and charsets ringfence does not read, such as
// JIS or KS C 5601) are kept as lowercase hex so a rule can still look at them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ringfence::decode::smpp {

enum class text_coding : std::uint8_t {
    gsm7,         // 0x00 (the SMSC default alphabet, GSM 03.38 on the links ringfence sees) and the GSM DCS groups
    ascii,        // 0x01 IA5
    latin1,       // 0x03 ISO-8859-1
    ucs2,         // 0x08 UCS-2, read as UTF-16BE so surrogate pairs survive
    binary,       // 0x02, 0x04 and 8-bit DCS groups: kept as hex
    unsupported,  // other charsets and compressed text: kept as hex, counted
};
std::string_view to_string(text_coding c) noexcept;

// SMPP 3.4 section 5.2.19 for 0x00-0x0F; above that, the GSM 03.38 data coding scheme
// groups (general data coding, message waiting, message class).
text_coding classify_data_coding(std::uint8_t data_coding) noexcept;

// Appends the UTF-8 text of units: for gsm7, septets one per byte (unpacked already); for
// the others, the message bytes as sent.
void append_text_utf8(text_coding coding, std::string_view units, std::string& out);

// Appends bytes as lowercase hex.
void append_hex(std::string_view bytes, std::string& out);

}  // namespace ringfence::decode::smpp
