#include "decode/record_builder.hpp"

#include <arpa/inet.h>

#include <algorithm>

#include <fmt/format.h>

#include "common/utf8_check.hpp"
#include "model/brandname.hpp"
#include "model/dial_string.hpp"
#include "model/time_format.hpp"

namespace ringfence::decode {

namespace {

std::string_view describe(model::normalize_error error) noexcept {
    switch (error) {
        case model::normalize_error::none:
            return "no error";
        case model::normalize_error::empty:
            return "empty";
        case model::normalize_error::bad_character:
            return "bad character";
        case model::normalize_error::too_long:
            return "too long";
        case model::normalize_error::too_short:
            return "too short";
        case model::normalize_error::bad_country_code:
            return "no country code begins with 0";
    }
    return "rejected";
}

// What a refused number is refused for, in words a switch engineer can act on: the
// character that is not allowed, or the limit passed (not the whole value: the reply names
// the field, and the sender has the line).
std::string why_not_a_number(std::string_view field, std::string_view raw, model::normalize_error error, bool marked_alphanumeric) {
    const bool has_letter = model::holds_letter(raw);
    const auto digits = static_cast<std::size_t>(std::count_if(raw.begin(), raw.end(), [](char c) { return c >= '0' && c <= '9'; }));
    // Mostly digits: a number with something in it that no number has ("+84912345678x",
    // "+8491234;ext=1"); otherwise, with a letter, a name.
    const bool as_number = !has_letter || digits >= 6;
    if (error == model::normalize_error::bad_character || (error == model::normalize_error::too_long && has_letter && as_number)) {
        bool seen_digit_or_plus = false;
        for (std::size_t i = 0; i < raw.size(); ++i) {
            const char c = raw[i];
            const auto u = static_cast<unsigned char>(c);
            const bool digit = u >= '0' && u <= '9';
            const bool letter = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z');
            if (as_number) {
                if (digit || std::string_view(" -.()/").find(c) != std::string_view::npos) {
                    seen_digit_or_plus = seen_digit_or_plus || digit;
                    continue;
                }
                if (c == '+' && !seen_digit_or_plus) {
                    seen_digit_or_plus = true;
                    continue;
                }
                if (c == '+') return "'+' after the number began (only one, before the first digit)";
                if (letter) return fmt::format("letter '{}' among the digits", c);
            } else if (digit || letter || std::string_view(" -._&").find(c) != std::string_view::npos) {
                continue;
            }
            // A letter outside ASCII is shown as written (a brandname may have them: the
            // character to name is further on); a control or broken byte by its value.
            const std::size_t utf8 = u >= 0x80 ? common::utf8_sequence_length(raw, i) : 0;
            if (utf8 > 1 && field == "sms.sender" && !as_number) {
                i += utf8 - 1;
                continue;
            }
            std::string shown = u >= 0x20 && u < 0x7f ? fmt::format("'{}'", c)
                                : utf8 > 0        ? fmt::format("'{}'", raw.substr(i, utf8))
                                                  : fmt::format("byte 0x{:02X}", u);
            if (field == "sms.sender" && !as_number && !marked_alphanumeric)
                return fmt::format("bad character {} (a brandname may hold letters, digits, space and - . _ & unless sms.sender_alphanumeric is true)", shown);
            return fmt::format("bad character {}", shown);
        }
    }
    if (error == model::normalize_error::too_long) {
        if (has_letter) return fmt::format("too long (a brandname has at most {} characters)", model::dial_string::max_alphanumeric_length);
        return "too long (more digits than any E.164 number, with its international prefix, can have)";
    }
    if (error == model::normalize_error::too_short) return "too short (fewer digits than any number the numbering plan holds)";
    return std::string(describe(error));
}

// An IPv4 address in the one form inet_pton takes (four decimal octets of at most 255, no
// leading zero, nothing else): what nearly every origin.ip is, checked without a library call
// and a terminated copy. Anything else is left to inet_pton.
bool is_dotted_quad(std::string_view s) noexcept {
    std::size_t octets = 0;
    std::size_t i = 0;
    while (true) {
        const std::size_t begin = i;
        unsigned value = 0;
        while (i < s.size() && i - begin < 4 && s[i] >= '0' && s[i] <= '9') value = value * 10 + static_cast<unsigned>(s[i++] - '0');
        const std::size_t digits = i - begin;
        if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && s[begin] == '0')) return false;
        if (++octets == 4) return i == s.size();
        if (i == s.size() || s[i] != '.') return false;
        ++i;
    }
}

std::string not_a_number(std::string_view field, std::string_view raw, model::normalize_error error, bool marked_alphanumeric = false) {
    return fmt::format("field '{}': not a telephone number: {}", field, why_not_a_number(field, raw, error, marked_alphanumeric));
}

}  // namespace

std::string time_out_of_range_message(std::string_view shown) {
    return fmt::format("field 'time': {} is outside 1970-01-01T00:00:00Z .. 9999-12-31T23:59:59.999Z", shown);
}

bool record_builder::fail(parse_error error, std::string message) {
    status_.ok = false;
    status_.error = error;
    status_.message = std::move(message);
    return false;
}

void record_builder::id(std::string_view text, bool is_integer) {
    rec_.id.assign(text);
    rec_.id_is_integer = is_integer;
    has_id_ = true;
}

void record_builder::kind(model::event_kind k) {
    rec_.kind = k;
    has_kind_ = true;
}

void record_builder::time(std::int64_t epoch_ms) {
    rec_.time_ms = epoch_ms;
    has_time_ = true;
}

bool record_builder::epoch_ms(std::int64_t ms, std::string_view written) {
    // The upper bound also catches microseconds or nanoseconds sent by mistake.
    if (ms > model::rfc3339_max_epoch_ms)
        return fail(parse_error::bad_value,
                    fmt::format("field 'time': {} is after 9999 as epoch milliseconds (microseconds sent by mistake?)", written));
    if (ms < model::rfc3339_min_epoch_ms) return fail(parse_error::bad_value, time_out_of_range_message(written));
    time(ms);
    return true;
}

bool record_builder::number(std::string_view field, std::string_view raw, model::number_info& out) {
    return number_read(field, raw, plan_.normalize(raw, out));
}

bool record_builder::number_read(std::string_view field, std::string_view raw, model::normalize_error error) {
    if (error == model::normalize_error::none) return true;
    if (numbers_ == unparsed_numbers::refuse) return fail(parse_error::bad_number, not_a_number(field, raw, error));
    ++status_.numbers_kept_raw;
    return true;  // kept raw (normalize left raw set and the rest cleared)
}

bool record_builder::unreadable_number(std::string_view raw, model::number_info& out) {
    if (numbers_ == unparsed_numbers::refuse) return false;
    out.clear();
    out.present = true;
    out.raw.assign(raw);
    ++status_.numbers_kept_raw;
    return true;
}

bool record_builder::origin_ip(std::string_view ip) {
    rec_.origin.ip.assign(ip);
    // Rules match it against CIDR lists and the country database: it must be an address,
    // written as one (IPv4 dotted quad or IPv6).
    // inet_pton reads a C string: "1.2.3.4\0x" would pass as 1.2.3.4 while CIDR lists and
    // the country database read the whole value as no address (a listed IP let through).
    unsigned char address[16];
    if (rec_.origin.ip.find('\0') != std::string::npos)
        return fail(parse_error::bad_value, fmt::format("field 'origin.ip': not an IP address: {} (it holds a zero byte)", echoed(rec_.origin.ip)));
    if (!rec_.origin.ip.empty() && !is_dotted_quad(rec_.origin.ip) && ::inet_pton(AF_INET, rec_.origin.ip.c_str(), address) != 1 &&
        ::inet_pton(AF_INET6, rec_.origin.ip.c_str(), address) != 1)
        return fail(parse_error::bad_value, fmt::format("field 'origin.ip': not an IP address: {}", echoed(rec_.origin.ip)));
    return true;
}

bool record_builder::call_ms(std::string_view name, std::int64_t ms, std::optional<std::int64_t>& out) {
    if (ms < 0) return fail(parse_error::bad_value, fmt::format("field '{}': must not be negative, got {}", name, ms));
    out = ms;
    return true;
}

void record_builder::sms_sender(std::string_view text) {
    rec_.sms.sender.assign(text);
    rec_.sms.sender_is_alpha = model::holds_letter(text);
    has_sender_ = true;
}

bool record_builder::sms_parts(std::int64_t parts) {
    if (parts < 1 || parts > 255)
        return fail(parse_error::bad_value, fmt::format("field 'sms.parts': must be between 1 and 255, got {}", parts));
    rec_.sms.parts = parts;
    return true;
}

bool record_builder::finish(std::int64_t received_at_ms) {
    if (!has_id_) return fail(parse_error::missing_field, "field 'id': missing");
    if (!has_kind_) return fail(parse_error::missing_field, "field 'kind': missing");
    // A mirror's message with no address (an SMPP PDU with an empty destination_addr) is
    // still decided: the number is present and empty, as the decoder read it.
    if (!rec_.callee.present && numbers_ == unparsed_numbers::keep_raw) rec_.callee.present = true;
    if (!rec_.callee.present) return fail(parse_error::missing_field, "field 'callee': missing");
    bool caller_from_sender = false;
    // A brandname as the operator registered it: the SMSC marked it alphanumeric (SMPP TON
    // 5), whatever it holds ("Tiki*", "12345"); or, unmarked, letters with diacritics
    // ("ViệtBank"). Unmarked ASCII punctuation ("a_b!") is still refused: nothing says it
    // is not a mistyped number.
    // Digits the plan reads as a telephone number of a known type with an E.164 form
    // ("0912345678", "19001234") are that number even when marked alphanumeric, and no
    // brandname (sms.sender_is_alpha false): an SMSC's or ESME's marking must not take a
    // subscriber's number out of the lists and windows keyed by caller.e164, nor out of the
    // rules that spare brandnames (a scam sender marked TON 5 would pass both). Short codes
    // ("8088", "12345": no E.164 form) and digits of no known range stay brandnames.
    const bool sender_is_number = has_sender_ && sender_alphanumeric_ && [&] {
        if (model::dial_string::scan(rec_.sms.sender).kind != model::dial_string::form::digits) return false;
        model::number_info n;
        return plan_.normalize(rec_.sms.sender, n) == model::normalize_error::none && !n.e164.empty() && n.type != model::number_type::unknown;
    }();
    const bool sender_is_brandname = has_sender_ && !sender_is_number && model::is_brandname_text(rec_.sms.sender) &&
                                     (sender_alphanumeric_ || model::is_unmarked_brandname_with_diacritics(rec_.sms.sender));
    if (!rec_.caller.present) {
        const bool sms = model::is_sms(rec_.kind);
        if (sms && sender_is_brandname) {
            rec_.caller.clear();
            rec_.caller.present = true;
            rec_.caller.raw = rec_.sms.sender;
            rec_.caller.type = model::number_type::alphanumeric;
            caller_from_sender = true;
        } else if (sms && has_sender_) {
            // The SMSC gave only the sender (often a brandname): it is the caller.
            const model::normalize_error error = plan_.normalize(rec_.sms.sender, rec_.caller);
            if (error != model::normalize_error::none) {
                if (numbers_ == unparsed_numbers::refuse) return fail(parse_error::bad_number, not_a_number("sms.sender", rec_.sms.sender, error, sender_alphanumeric_));
                ++status_.numbers_kept_raw;
            }
            caller_from_sender = true;
        } else if (numbers_ == unparsed_numbers::keep_raw) {
            rec_.caller.clear();
            rec_.caller.present = true;
        } else {
            return fail(parse_error::missing_field, fmt::format("field 'caller': missing (required for {}{})", model::to_string(rec_.kind),
                                                                sms ? " unless sms.sender is present" : ""));
        }
    }
    if (sender_alphanumeric_ && !sender_is_number) rec_.sms.sender_is_alpha = true;
    if (has_sender_ && !sender_is_brandname && numbers_ == unparsed_numbers::refuse) {
        // The sender is checked whether or not it stands in for the caller, so the same
        // sender is not refused in one record and taken in the next.
        if (const model::normalize_error error = model::dial_string::scan(rec_.sms.sender).error(); error != model::normalize_error::none)
            return fail(parse_error::bad_number, not_a_number("sms.sender", rec_.sms.sender, error, sender_alphanumeric_));
    }
    const char* caller_field = caller_from_sender ? "sms.sender" : "caller";
    for (const auto& [name, number] : {std::pair<const char*, const model::number_info*>{caller_field, &rec_.caller}, {"callee", &rec_.callee},
                                     {"asserted", &rec_.asserted}, {"diversion", &rec_.diversion}}) {
        // A sender the SMSC marked alphanumeric is what it says, digits and all ("12345").
        if (number == &rec_.caller && caller_from_sender && sender_alphanumeric_) continue;
        if (!number->present || !model::looks_like_mistyped_number(*number)) continue;
        if (numbers_ == unparsed_numbers::keep_raw) {
            ++status_.numbers_kept_raw;  // kept as the name it reads as
            continue;
        }
        return fail(parse_error::bad_number, fmt::format("field '{}': not a telephone number: '{}' mixes letters and digits", name, number->raw));
    }
    if (!has_time_) {
        rec_.time_ms = received_at_ms;
        rec_.time_from_receipt = true;
    }
    return true;
}

}  // namespace ringfence::decode
