// The first step of normalisation: a raw number as presented (CLI, SIP user part, SMPP
// source address) split into what it is made of, without allocating.
//
// Rules, in order:
// 1. A leading "tel:" (any case) is dropped; what follows must be a number.
// 2. If an ASCII letter is present, the string is an alphanumeric sender when, with spaces
//    around it trimmed, it has 1 to 11 characters (the GSM limit), all of them letters,
//    digits, space or one of - . _ & ("VCB", "Vietcombank", "MB Bank"); longer is too_long.
//    Anything else with a letter (other punctuation, letters after tel:) is bad_character.
// 3. Otherwise separators (space - . ( ) /) are skipped, one '+' is allowed before the
//    first digit, and digits are kept; a "(0)" after '+' and digits (the trunk prefix some
//    write after the country code, "+84 (0)912 345 678") is left out. Any other character (control characters, * # ,
//    non-ASCII bytes, a second or late '+') is bad_character.
// 4. No digit and no '+' left: empty. More digits than any dialled form can hold
//    (max_digits): too_long.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/number.hpp"

namespace ringfence::model {

struct dial_string {
    enum class form : std::uint8_t { empty, alphanumeric, digits, bad_character, too_long };
    // An international prefix of up to 4 digits plus 15 E.164 digits, with room to spare.
    static constexpr std::size_t max_digits = 24;
    // The longest alphanumeric sender (GSM 03.38 TP-OA: 11 characters).
    static constexpr std::size_t max_alphanumeric_length = 11;

    form kind = form::empty;
    bool plus = false;  // the digits were introduced by '+'
    std::size_t digit_count = 0;
    std::array<char, max_digits> digit_buffer{};

    std::string_view digits() const noexcept { return {digit_buffer.data(), digit_count}; }

    static dial_string scan(std::string_view raw) noexcept;
    // The rules above read one character at a time. scan() takes digits alone (after at most
    // a '+') eight at a time and must agree with this on every string: the tests compare them.
    static dial_string scan_each(std::string_view raw) noexcept;
    // What the scan alone says is wrong: none for digits (the plan reads them further) and
    // for an alphanumeric sender.
    normalize_error error() const noexcept {
        switch (kind) {
            case form::empty: return normalize_error::empty;
            case form::bad_character: return normalize_error::bad_character;
            case form::too_long: return normalize_error::too_long;
            case form::alphanumeric:
            case form::digits: return normalize_error::none;
        }
        return normalize_error::bad_character;
    }
};

}  // namespace ringfence::model
