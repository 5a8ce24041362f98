// extract_bank_accounts: account numbers in realistic Vietnamese and English transfer
// requests, bank attribution, and the exclusions (phones, OTPs, amounts, dates, URLs).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "engine/text/bank_account_extractor.hpp"
#include "engine/text/text_fold.hpp"
#include "text_test_support.hpp"

using ringfence::engine::text::extract_bank_accounts;

namespace {

std::vector<std::string> accounts(std::string_view text) {
    std::vector<std::string> out;
    extract_bank_accounts(text, out);
    return out;
}

using list = std::vector<std::string>;

}  // namespace

TEST_CASE("extract_bank_accounts: Vietnamese transfer requests naming a bank") {
    CHECK(accounts("Ban vui long chuyen khoan phi 500.000d vao STK 0071000123456 Vietcombank, chu "
                   "TK NGUYEN VAN A.") == list{"VCB:0071000123456", "0071000123456"});
    CHECK(accounts("Số tài khoản: 1903 5678 9012 - Techcombank") ==
          list{"TCB:190356789012", "190356789012"});
    CHECK(accounts("Ngân hàng BIDV, STK: 21510001234567, CTK: Tran Thi B") ==
          list{"BIDV:21510001234567", "21510001234567"});
    CHECK(accounts("CK ngay 2tr vao tk 0123.456.789.01 MB bank de nhan thuong") ==
          list{"MB:012345678901", "012345678901"});
    CHECK(accounts("Vietinbank: 108001234567, Agribank: 1500205123456") ==
          list{"ICB:108001234567", "108001234567", "VBA:1500205123456", "1500205123456"});
    CHECK(accounts("STK 0071000123456 VCB, 19035678901234 TCB") ==
          list{"VCB:0071000123456", "0071000123456", "TCB:19035678901234", "19035678901234"});
}

TEST_CASE("extract_bank_accounts: digit groups written with no-break spaces read as with plain ones, once unmasked") {
    // What a phone's keyboard or a copy from a web page puts between the groups. The engine
    // hands the extractor the unmasked text (unmask_ascii), as here.
    auto unmasked_accounts = [](std::string_view text) {
        std::string plain;
        return accounts(ringfence::engine::text::unmask_ascii(text, plain) ? std::string_view(plain) : text);
    };
    CHECK(unmasked_accounts("Số tài khoản: 1903\xC2\xA0" "5678\xC2\xA0" "9012 - Techcombank") == list{"TCB:190356789012", "190356789012"});
    CHECK(unmasked_accounts("Số tài khoản: 1903\xE2\x80\xAF" "5678\xE2\x80\xAF" "9012 - Techcombank") ==
          list{"TCB:190356789012", "190356789012"});
}

TEST_CASE("extract_bank_accounts: English and bank-less requests give the bare digits") {
    CHECK(accounts("Please transfer the fee to account 123456789012 today.") ==
          list{"123456789012"});
    CHECK(accounts("Pay to A/C no. 00123456789 at HSBC") ==
          list{"HSBC:00123456789", "00123456789"});
    CHECK(accounts("nap tien vao tai khoan 88886666 de kich hoat") == list{"88886666"});
    CHECK(accounts("STK 0071000123456 Vietcombank. STK 0071000123456 Vietcombank") ==
          list{"VCB:0071000123456", "0071000123456"});
}

TEST_CASE("extract_bank_accounts: a phone-shaped number counts only right after an account word") {
    CHECK(accounts("STK MB: 0912345678 Nguyen Van A") == list{"MB:0912345678", "0912345678"});
    CHECK(accounts("Lien he 0912345678 de duoc ho tro mo tai khoan ngan hang") == list{});
    CHECK(accounts("Vietcombank hotline 0912 345 678") == list{});
    CHECK(accounts("tai khoan cua ban: goi +84912345678 hoac (+84) 912345678") == list{});
    CHECK(accounts("ngan hang ACB, DT 0246.292.6990") == list{});
}

TEST_CASE("extract_bank_accounts: OTPs, amounts and dates near bank words are not accounts") {
    CHECK(accounts("Vietcombank: Ma OTP cua ban la 123456. Khong chia se ma nay.") == list{});
    CHECK(accounts("Techcombank verification code 84736251 for your account") == list{});
    CHECK(accounts("TK Vietcombank -1.000.000 VND luc 10:30, so du 25.500.000đ") == list{});
    CHECK(accounts("chuyen khoan 5000000d vao tai khoan") == list{});
    CHECK(accounts("chuyen khoan 5000000 vnd, so tien 2500000, VND 7500000, $1234567") == list{});
    CHECK(accounts("chuyen khoan 15000000 dong ngay") == list{});
    CHECK(accounts("tai khoan tang 1500000k, lai 12.5% / 1234567%") == list{});
    CHECK(accounts("tai khoan het han ngay 13.12.2022 hoac 2022-12-13") == list{});
}

TEST_CASE("extract_bank_accounts: a code word after an account with a bank named, or after a long number, does not hide it") {
    CHECK(accounts("Chuyen khoan vao STK 0011004012345 Vietcombank, code 1") == list{"VCB:0011004012345", "0011004012345"});
    CHECK(accounts("Chuyen khoan vao STK 0011004012345 pin 1") == list{"0011004012345"});
    CHECK(accounts("tk vcb: 0011.00.4012345 otp") == list{"VCB:0011004012345", "0011004012345"});
    // Numbers inside links are not written for the reader.
    CHECK(accounts("Xem https://thuvienphapluat.vn/van-ban/Thong-tu-17-2024-TT-NHNN-mo-tai-khoan.aspx") == list{});
    CHECK(accounts("STK tai https://example.vn/tk-0011004012345-vcb") == list{});
    CHECK(accounts("STK tai example.vn/tk/0011004012345 vcb") == list{});
    // A login (a phone-shaped number and no bank) stays out.
    CHECK(accounts("Tai khoan: 0839357477 - Mat khau: abc123") == list{});
}

TEST_CASE(
    "extract_bank_accounts: charity appeals list several accounts, dotted and phone-shaped ones "
    "too") {
    CHECK(accounts("Các tài khoản tiếp nhận: 26389650 tại Vietinbank; 0304917252 tại BIDV; 0606 "
                   "tại MBbank.") ==
          list{"ICB:26389650", "26389650", "BIDV:0304917252", "0304917252"});
    CHECK(accounts("số tài khoản 0011.00.5082546 tại Sở giao dịch Ngân hàng TMCP Ngoại thương") ==
          list{"0011005082546"});
    // The bank of the previous sentence is not this number's bank.
    CHECK(
        accounts("số tài khoản: - 2025 tại MBBank. - 3761.0.8042973.91046 tại Kho bạc Nhà nước") ==
        list{"37610804297391046"});
}

TEST_CASE(
    "extract_bank_accounts: hotlines, subscribers, references, logins and masked cards are not "
    "accounts") {
    CHECK(accounts("kiem tra tai khoan khuyen mai. CSKH: 58307613 (0đ).") == list{});
    CHECK(accounts("(QC) TB 7920481763! Co hoi nhan 500.000d vao tai khoan") == list{});
    CHECK(accounts("lien he ngay voi ngan hang theo so 1851557412 neu khong thuc hien") == list{});
    CHECK(accounts("SD TK 1970029650 +500,000VND luc 17-12-2022 17:24:40. Ref "
                   "754478.171222.172440.HOANG chuyen tien") == list{"1970029650"});
    CHECK(accounts("tai khoan Ref MBVCB.2427750109.QR Pay") == list{});
    CHECK(accounts("Huy GD the VCB Visa 452404...6779 hoac 4524041234****") == list{});
    CHECK(accounts("Tài khoản: 0839357477 - Mật khẩu: 526669") == list{});
    CHECK(accounts("Ma xac minh dang nhap vao Tai khoan VNeTraffic cua ban la: 838820.") == list{});
    CHECK(accounts("Diem HK 2 NH 2024-2025 cua SV (10214899), tai khoan sinh vien") ==
          list{"10214899"});
    CHECK(accounts("tai khoan cua ban luc 2024-11-28 16:50:27 tai 203.113.7.25") == list{});
    CHECK(accounts("Your Account Statement for 07815296484 shows 800 points. Call 08718738001") ==
          list{});
}

TEST_CASE("extract_bank_accounts: numbers in URLs and codes, or far from bank words, are skipped") {
    CHECK(accounts("tai khoan: https://x.vn/r/1234567890 va x.vn?id=12345678") == list{});
    CHECK(accounts("tai khoan DBP94519985 tai Vietinbank") == list{});
    CHECK(accounts("Ma du thuong 19266118401 tham gia CTKM") == list{});
    CHECK(accounts("Zoom ID: 848 5318 7652. Mat khau vao phong: FPT") == list{});
    CHECK(accounts("0123456789012 la so may man cua ban hom nay, hay giu lien lac voi chung toi de "
                   "nhan tai khoan") == list{});
    CHECK(accounts("STK 12345") == list{});
    CHECK(accounts("STK 12345678901234567890") == list{});
    CHECK(accounts("") == list{});
}

TEST_CASE("extract_bank_accounts: out's strings are reused, stale entries dropped") {
    std::vector<std::string> out{"a", "b", "c"};
    extract_bank_accounts("stk 123456789 acb", out);
    CHECK(out == list{"ACB:123456789", "123456789"});
    extract_bank_accounts("khong co gi", out);
    CHECK(out == list{});
}

TEST_CASE("extract_bank_accounts: the account word glued to the number (STK0123456789, tk.0123456789)") {
    CHECK(accounts("Chuyen tien vao STK0071000123456 Vietcombank gap") == list{"VCB:0071000123456", "0071000123456"});
    CHECK(accounts("ck 500k vao tk.0123456789") == list{"0123456789"});
    CHECK(accounts("ATK0123456789 la ma san pham") == list{});  // not an account word: a product code
    CHECK(accounts("ma DBP94519985 tai Vietinbank") == list{});   // a code with letters stays a code
}

TEST_CASE("extract_bank_accounts: the shortest account is found wherever its digits fall in the text, beside bytes that only look like digits") {
    // The digit count that lets a text with too few digits pass over at once reads eight
    // bytes at a time: a six-digit account at every offset across those words is found, and
    // non-ASCII bytes whose low bits are a digit's (° ± ² ³: C2 B0..B3) count for nothing.
    for (std::size_t pad = 0; pad < 17; ++pad) {
        const std::string text = std::string(pad, 'x') + " STK 123456 Vietcombank";
        CAPTURE(pad);
        CHECK(accounts(text) == list{"VCB:123456", "123456"});
    }
    CHECK(accounts("STK 12345 Vietcombank \xC2\xB0\xC2\xB1\xC2\xB2\xC2\xB3\xC2\xB4\xC2\xB5\xC2\xB6\xC2\xB7").empty());
    // Digits in groups, each group in every lane of the eight-byte count.
    for (std::size_t pad = 0; pad < 17; ++pad) {
        const std::string text = std::string(pad, 'x') + " tk 0123.456.789.01 MB bank";
        CAPTURE(pad);
        CHECK(accounts(text) == list{"MB:012345678901", "012345678901"});
    }
}
