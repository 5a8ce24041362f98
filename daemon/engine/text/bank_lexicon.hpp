// The words the bank-account extractor looks for around a number, written folded
// (fold_text: lower-case ASCII, one space between words): account words ("stk", "so tai
// khoan", "account"), bank names with their short codes ("vietcombank" -> VCB), one-time-
// password words ("otp", "ma xac thuc"), money words ("vnd", "trieu", "so tien") and the
// words that introduce other numbers (hotline, subscriber, transaction reference).
// Bank codes are the NAPAS/VietQR short codes (VCB, ICB, BIDV, VBA, TCB, MB, ...).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ringfence::engine::text {

enum bank_word_role : std::uint8_t {
    role_account = 1,  // names an account or a transfer: stk, tai khoan, ck, account, ngan hang
    role_bank = 2,     // a bank; code holds its short code
    role_otp = 4,      // a one-time password: otp, ma xac thuc
    role_amount_before = 8,  // a money word written before an amount: vnd, usd, so tien
    role_amount_after = 16,  // a unit written after an amount: d, vnd, k, tr, trieu
    role_number_word = 32,   // introduces an account number itself: stk, tai khoan, account
    role_not_account = 64,   // introduces another kind of number: hotline, lien he, tb, ref, nd
};

struct bank_word {
    std::string_view folded;  // the phrase, folded
    std::uint8_t roles = 0;   // bank_word_role bits
    std::string_view code;    // role_bank: the short code
};

// The longest lexicon phrase that starts at folded[pos] and ends at the end of a word
// (the end of folded or a space), or nullptr. pos should be the start of a word.
const bank_word* match_bank_word(std::string_view folded, std::size_t pos) noexcept;

// The short code a bank is written with in sms.bank_accounts, from a code or a name as an
// operator writes it, upper-case letters and digits ("VCB", "VIETCOMBANK", "DOB",
// "DONGABANK"); empty when no bank of the lexicon has it.
std::string_view bank_code_for(std::string_view upper);

}  // namespace ringfence::engine::text
