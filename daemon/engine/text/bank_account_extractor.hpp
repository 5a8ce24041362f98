// The bank account numbers an SMS asks the reader to send money to (sms.bank_accounts), so
// a rule can test them against the police-sourced lists banks share ((bank code, account
// number) pairs).
//
// Contract of extract_bank_accounts(text, out): out is replaced by, for every account
// number in text in order of appearance, "CODE:digits" when a bank is named next to it
// (CODE is the upper-case NAPAS/VietQR short code from bank_lexicon.hpp: VCB, ICB, BIDV,
// VBA, TCB, MB, ...) followed by the bare "digits"; or only "digits" when no bank is
// named. Each string appears once. So "STK 1903 5678 9012 Techcombank" gives
// {"TCB:190356789012", "190356789012"}.
//
// An account word glued to the number ("STK0071000123456", "tk.0123456789": a way to slip
// past filters) reads as if a space stood between them.
// An account number is a run of 6-19 ASCII digits, possibly in groups joined by one dot or
// dash ("0011.00.5082546", "3761.0.8042973.91046") or one space ("1903 5678 9012": a first
// group of at most 6 digits and later groups of 2-5), standing as a word of its own -- not
// touching letters, so "DBP94519985" is not taken -- with an account word or a bank name
// (bank_lexicon.hpp: stk, so tai khoan, tk, ck, chuyen khoan, ngan hang, account, a/c,
// vietcombank, vcb, mb, ...) within 40 folded characters before or after it. Not taken:
//   - numbers inside a link (the run of non-space characters around the number holds "://",
//     starts with "www." or has a "/" after a ".": "example.vn/tk-0011004012345-vcb");
//   - numbers inside a URL, a code or a masked card number (a letter or one of / = ? & # _
//     @ * + touches it, or a dot joins it to more letters/digits: "MBVCB.2427750109.QR",
//     "452404...6779");
//   - phone numbers: after "+" or "+84", or shaped like a Vietnamese phone number (10 digits
//     0[35789]..., 11 digits 0... or 84[35789]...) -- unless an account-number word
//     (stk, so tai khoan, tai khoan, tk, account, acc, a/c) stands right before it with
//     only bank names between ("STK MB: 0912345678"), or a bank is named within 12
//     characters after it ("0304917252 tại BIDV"), since several banks let a customer use
//     the phone number as the account number;
//   - other numbers: the closest word before it (within 40 characters, no digits between)
//     that says what the number is introduces another kind (hotline, lien he, cskh, tb,
//     thue bao, ref, nd, ma giao dich, cccd, ...) rather than an account (stk, tai khoan);
//   - one-time passwords and logins: 6-8 digits with an OTP word (otp, ma xac thuc, ma xac
//     minh, code, mat khau, ...) within 60 characters before, or up to 10 digits with no bank
//     named next to it and one within 20 after ("Tai khoan: 0839357477 - Mat khau: ...");
//     "STK 0011004012345 Vietcombank, code 1" is an account;
//   - amounts: a unit after it (d/đ, vnd, dong, k, tr, trieu, ty, usd, %, ₫), a money word
//     or sign right before it (vnd, usd, so tien, $), or thousands grouping with dots
//     ("50.000", "1.000.000");
//   - dates written with dots or dashes (13.12.2022, 2022-12-13), year ranges (2024-2025)
//     and dotted IPv4 addresses. A run keeps one kind of separator, so "2024-11-28 16:50"
//     is a date and then a time.
// The bank named next to a number is the nearest bank name within 30 folded characters
// before or after it with no digits and no sentence end (. ; ! ? newline) between; when
// both sides have one, the side without a comma between wins, and before wins a tie.
// Per-thread scratch buffers are reused, so a steady state allocates only for new output
// strings.
#pragma once

#include <optional>

#include <string>
#include <string_view>
#include <vector>

namespace ringfence::engine::text {

void extract_bank_accounts(std::string_view text, std::vector<std::string>& out);

// A bank account as an entry of a list written by a person ("vcb: 0011.00.4012345",
// "0011004012345") in the form sms.bank_accounts yields: "CODE:digits" (the code upper-case)
// or "digits", separators dropped. nullopt, with why set, when it is not one.
std::optional<std::string> canonical_bank_account(std::string_view text, std::string& why);

}  // namespace ringfence::engine::text
