// SMS text: GSM 03.38 (unpacked and packed, with the extension table), IA5, Latin-1,
// UCS-2/UTF-16BE with surrogates, binary as hex; data_coding values to codings; the user
// data header.
#include <doctest/doctest.h>

#include <string>

#include "decode/smpp/gsm7.hpp"
#include "decode/smpp/sms_text.hpp"
#include "decode/smpp/user_data_header.hpp"
#include "smpp_test_pdus.hpp"

using namespace ringfence::decode::smpp;
using smpp_test::bytes;

namespace {

std::string as_string(const bytes& b) { return std::string(b.begin(), b.end()); }

std::string decode(text_coding c, const bytes& units) {
    std::string out;
    append_text_utf8(c, as_string(units), out);
    return out;
}

std::string unpack(const bytes& packed, std::size_t bit_offset) {
    std::string septets;
    unpack_septets(as_string(packed), bit_offset, septets);
    return septets;
}

}  // namespace

TEST_CASE("GSM 7-bit default alphabet, one septet per octet") {
    CHECK(decode(text_coding::gsm7, smpp_test::text("Hello world 123")) == "Hello world 123");
    // @ £ $ ¥ è é ù ì ò Ç LF Ø ø CR Å å
    CHECK(decode(text_coding::gsm7, {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F}) ==
          "@£$¥èéùìòÇ\nØø\rÅå");
    // Δ _ Φ Γ Λ Ω Π Ψ Σ Θ Ξ Æ æ ß É
    CHECK(decode(text_coding::gsm7, {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1C, 0x1D, 0x1E, 0x1F}) ==
          "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ");
    CHECK(decode(text_coding::gsm7, {0x24, 0x40, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F, 0x60, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F}) ==
          "¤¡ÄÖÑÜ§¿äöñüà");
}

TEST_CASE("GSM 7-bit extension table after the escape septet") {
    CHECK(decode(text_coding::gsm7, {0x1B, 0x65, 0x31, 0x30}) == "€10");
    CHECK(decode(text_coding::gsm7, {0x1B, 0x28, 0x1B, 0x29, 0x1B, 0x3C, 0x1B, 0x3E, 0x1B, 0x14, 0x1B, 0x2F, 0x1B, 0x3D,
                                     0x1B, 0x40, 0x1B, 0x0A}) == "{}[]^\\~|\f");
    // No extension character: the default-table one (23.038); ESC ESC: a space; a lone
    // escape at the end: a space; an octet above 0x7F: U+FFFD.
    CHECK(decode(text_coding::gsm7, {0x1B, 0x41}) == "A");
    CHECK(decode(text_coding::gsm7, {0x1B, 0x1B, 0x41}) == " A");
    CHECK(decode(text_coding::gsm7, {0x41, 0x1B}) == "A ");
    CHECK(decode(text_coding::gsm7, {0x41, 0x80, 0x1B, 0xC1}) == "A\uFFFD\uFFFD");
}

TEST_CASE("GSM 7-bit packed: the 23.038 example, fill bits after a header, and padding") {
    // "hellohello" packed, the textbook example.
    CHECK(unpack({0xE8, 0x32, 0x9B, 0xFD, 0x46, 0x97, 0xD9, 0xEC, 0x37}, 0) == "hellohello");
    // Seven septets leave seven spare bits in the last of 7 octets: read as a zero septet,
    // which is padding and dropped; likewise a CR padding septet.
    const bytes seven = smpp_test::text("1234567");
    CHECK(smpp_test::pack_septets(seven, 0).size() == 7);
    CHECK(unpack(smpp_test::pack_septets(seven, 0), 0) == "1234567");
    CHECK(unpack(smpp_test::pack_septets(smpp_test::concat({seven, {0x0D}}), 0), 0) == "1234567");
    // Eight septets fill 7 octets exactly: nothing dropped, '@' at the end is text.
    CHECK(unpack(smpp_test::pack_septets(smpp_test::text("12345678"), 0), 0) == "12345678");
    // A 6-octet UDH (48 bits) is followed by 1 fill bit, so septets start at bit 49.
    const bytes udh{0x05, 0x00, 0x03, 0x2A, 0x02, 0x01};
    const bytes packed = smpp_test::pack_septets(smpp_test::text("Part one"), 1, udh);
    CHECK(unpack(packed, 49) == "Part one");
    // A 7-octet UDH (56 bits) is followed by 7 fill bits: septets start at bit 63.
    const bytes udh16{0x06, 0x08, 0x04, 0x01, 0x02, 0x02, 0x01};
    CHECK(unpack(smpp_test::pack_septets(smpp_test::text("xyz"), 7, udh16), 63) == "xyz");
    CHECK(unpack({}, 0).empty());
    CHECK(unpack({0x41}, 8).empty());
}

TEST_CASE("IA5, Latin-1 and binary") {
    CHECK(decode(text_coding::ascii, smpp_test::text("plain")) == "plain");
    CHECK(decode(text_coding::ascii, {0x41, 0xE9}) == "A\uFFFD");
    CHECK(decode(text_coding::latin1, {0x63, 0x61, 0x66, 0xE9, 0x20, 0xA3, 0xFF}) == "café £ÿ");
    CHECK(decode(text_coding::binary, {0x00, 0x7F, 0xAB, 0xFF}) == "007fabff");
    CHECK(decode(text_coding::unsupported, {0x1B, 0x24}) == "1b24");
}

TEST_CASE("UCS-2 as UTF-16BE: Vietnamese, a surrogate pair, lone surrogates and an odd byte") {
    // "Xin chào" with U+00E0; "Việt" with U+1EC7.
    CHECK(decode(text_coding::ucs2, {0x00, 'X', 0x00, 'i', 0x00, 'n', 0x00, ' ', 0x00, 'c', 0x00, 'h', 0x00, 0xE0, 0x00, 'o'}) ==
          "Xin chào");
    CHECK(decode(text_coding::ucs2, {0x00, 'V', 0x00, 'i', 0x1E, 0xC7, 0x00, 't'}) == "Việt");
    CHECK(decode(text_coding::ucs2, {0xD8, 0x3D, 0xDE, 0x00}) == "\U0001F600");
    CHECK(decode(text_coding::ucs2, {0xD8, 0x3D, 0x00, 'a'}) == "\uFFFDa");   // high surrogate alone
    CHECK(decode(text_coding::ucs2, {0xDE, 0x00, 0x00, 'a'}) == "\uFFFDa");   // low surrogate alone
    CHECK(decode(text_coding::ucs2, {0x00, 'a', 0xD8, 0x3D}) == "a\uFFFD");   // high surrogate at the end
    CHECK(decode(text_coding::ucs2, {0x00, 'a', 0x00}) == "a\uFFFD");         // odd length
}

TEST_CASE("data_coding values: SMPP's table, then the GSM 03.38 groups") {
    CHECK(classify_data_coding(0x00) == text_coding::gsm7);
    CHECK(classify_data_coding(0x01) == text_coding::ascii);
    CHECK(classify_data_coding(0x02) == text_coding::binary);
    CHECK(classify_data_coding(0x03) == text_coding::latin1);
    CHECK(classify_data_coding(0x04) == text_coding::binary);
    CHECK(classify_data_coding(0x05) == text_coding::unsupported);  // JIS
    CHECK(classify_data_coding(0x06) == text_coding::unsupported);  // Cyrillic
    CHECK(classify_data_coding(0x08) == text_coding::ucs2);
    CHECK(classify_data_coding(0x0E) == text_coding::unsupported);  // KS C 5601
    CHECK(classify_data_coding(0x10) == text_coding::gsm7);         // general group, class 0
    CHECK(classify_data_coding(0x14) == text_coding::binary);
    CHECK(classify_data_coding(0x18) == text_coding::ucs2);
    CHECK(classify_data_coding(0x30) == text_coding::unsupported);  // compressed
    CHECK(classify_data_coding(0x48) == text_coding::ucs2);         // automatic deletion group
    CHECK(classify_data_coding(0x90) == text_coding::unsupported);  // reserved
    CHECK(classify_data_coding(0xC8) == text_coding::gsm7);         // message waiting, discard
    CHECK(classify_data_coding(0xE0) == text_coding::ucs2);         // message waiting, UCS-2
    CHECK(classify_data_coding(0xF0) == text_coding::gsm7);         // class 0, default alphabet
    CHECK(classify_data_coding(0xF5) == text_coding::binary);       // class 1, 8-bit
    CHECK(to_string(text_coding::ucs2) == "ucs2");
}

TEST_CASE("user data header: 8-bit and 16-bit concatenation, other elements skipped, errors") {
    user_data_header h;
    REQUIRE(parse_user_data_header(as_string({0x05, 0x00, 0x03, 0x2A, 0x03, 0x02, 'h', 'i'}), h) == udh_error::none);
    CHECK(h.length == 6);
    REQUIRE(h.concat.has_value());
    CHECK(h.concat->reference == 0x2A);
    CHECK(h.concat->total == 3);
    CHECK(h.concat->seqnum == 2);

    REQUIRE(parse_user_data_header(as_string({0x06, 0x08, 0x04, 0xBE, 0xEF, 0x02, 0x01, 'x'}), h) == udh_error::none);
    CHECK(h.length == 7);
    CHECK(h.concat->reference == 0xBEEF);
    CHECK(h.concat->total == 2);
    CHECK(h.concat->seqnum == 1);

    // Application port addressing (IEI 0x05) before the concatenation element.
    REQUIRE(parse_user_data_header(as_string({0x0B, 0x05, 0x04, 0x0B, 0x84, 0x23, 0xF0, 0x00, 0x03, 0x07, 0x02, 0x02}), h) ==
            udh_error::none);
    CHECK(h.length == 12);
    CHECK(h.concat->reference == 7);
    REQUIRE(parse_user_data_header(as_string({0x04, 0x05, 0x02, 0x0B, 0x84}), h) == udh_error::none);
    CHECK_FALSE(h.concat.has_value());

    CHECK(parse_user_data_header("", h) == udh_error::truncated);
    CHECK(parse_user_data_header(as_string({0x09, 0x00, 0x03}), h) == udh_error::truncated);
    CHECK(parse_user_data_header(as_string({0x03, 0x00, 0x03, 0x01}), h) == udh_error::truncated);
    CHECK(parse_user_data_header(as_string({0x04, 0x00, 0x02, 0x01, 0x02}), h) == udh_error::bad_concat);
    CHECK(parse_user_data_header(as_string({0x05, 0x00, 0x03, 0x01, 0x02, 0x03}), h) == udh_error::bad_concat);
    CHECK(parse_user_data_header(as_string({0x05, 0x00, 0x03, 0x01, 0x00, 0x00}), h) == udh_error::bad_concat);
    CHECK(to_string(udh_error::bad_concat) == "udh_bad_concat");
}
