// The benchmarks' SMS texts: templates of the kinds of SMS a carrier carries, filled with
// varying words, amounts, codes, names and links (sms_text_generator.hpp).
#include "tools/ringfence/sms_text_generator.hpp"

#include <fmt/format.h>

#include <array>
#include <random>

namespace ringfence::cli {

namespace {

template <class T, std::size_t N>
const T& pick(std::mt19937_64& rng, const std::array<T, N>& items) {
    return items[rng() % N];
}

constexpr std::array<const char*, 8> banks = {"VCB", "Vietcombank", "BIDV", "Techcombank", "MB", "ACB", "VPBank", "Agribank"};
constexpr std::array<const char*, 6> packages = {"data", "MAX90", "ST120K", "5G", "TV360", "combo goi va data"};
constexpr std::array<const char*, 8> names = {"NGUYEN VAN AN", "TRAN THI BICH", "LE MINH", "PHAM QUANG HUY",
                                              "HOANG THU TRANG", "VU DUC THANH", "DANG NGOC LAN", "BUI VAN LONG"};
constexpr std::array<const char*, 12> vi_chat = {
    "Chiều nay anh về muộn, em đón con giúp anh nhé",
    "Mẹ ơi con đến nơi rồi, mai con gọi lại",
    "Tối nay đi ăn lẩu không, 7 giờ ở chỗ cũ",
    "Em gửi anh số điện thoại của chị Hương rồi đấy",
    "Nhớ mang theo giấy tờ xe khi đi đăng kiểm nha",
    "Cuối tuần này cả nhà về quê ăn giỗ ông",
    "Sếp bảo họp lúc 9h30 sáng mai, đừng đến muộn",
    "Bạn ơi cho mình mượn cuốn sách tiếng Anh với",
    "Đã chuyển tiền học cho con rồi nhé",
    "Trời mưa to quá, đường Nguyễn Trãi ngập hết rồi",
    "Chúc mừng sinh nhật em, chúc em luôn vui vẻ",
    "Anh ơi wifi ở nhà mất mạng từ sáng"};
constexpr std::array<const char*, 8> en_chat = {
    "Running late, see you at the cafe in 20 minutes",
    "Can you pick up some milk on the way home?",
    "The meeting moved to Thursday at 3pm",
    "Happy birthday! Hope you have a great day",
    "Did you get the documents I sent this morning?",
    "Flight lands at 6:45, I will call when I am out",
    "Thanks for dinner last night, it was lovely",
    "Reminder: dentist appointment tomorrow at 10"};
constexpr std::array<const char*, 6> lock_reasons = {"bi khoa", "tam ngung giao dich", "dang nhap tren thiet bi la",
                                                     "het han xac thuc sinh trac hoc", "bi han che", "co giao dich bat thuong"};
constexpr std::array<const char*, 6> lookalike_domains = {"vcb-secure-login.example", "vietcombank-xacthuc.top", "bidv-online.xyz",
                                                          "techcombank-vn.info", "mbbank-support.online", "acb-canhbao.site"};
constexpr std::array<const char*, 5> parcel_domains = {"track-parcel.example", "vnpost-delivery.top", "ghn-express.click",
                                                       "dhl-redelivery.info", "parcel-hold.xyz"};
constexpr std::array<const char*, 5> promo_openers = {"Uu dai thang", "Khuyen mai dac biet thang", "Qua tang thang",
                                                      "Sieu uu dai thang", "Chuong trinh tri an thang"};

std::string amount(std::mt19937_64& rng) { return fmt::format("{}.000", 10 * (1 + rng() % 500)); }

std::string subscriber_number(std::mt19937_64& rng) { return fmt::format("09{:08}", rng() % 100'000'000); }

std::string phishing_domain(std::mt19937_64& rng, std::uint64_t blocked_domains) {
    if (blocked_domains > 0 && rng() % 3 == 0) return fmt::format("scam-{}.top", rng() % blocked_domains);
    return pick(rng, lookalike_domains);
}

std::string one_text(std::mt19937_64& rng, std::uint64_t blocked_domains) {
    const unsigned kind = static_cast<unsigned>(rng() % 100);
    if (kind < 20)
        return fmt::format("Quy khach da nap thanh cong {}d vao thue bao {}. So du tai khoan chinh: {}d, het han {:02}/{:02}/2026. Cam on quy khach.",
                           amount(rng), subscriber_number(rng), amount(rng), 1 + rng() % 28, 1 + rng() % 12);
    if (kind < 35)
        return fmt::format("Ma OTP cua ban la {:06}. Ma co hieu luc trong {} phut. Khong chia se ma nay cho bat ky ai, ke ca nhan vien {}.",
                           rng() % 1'000'000, 2 + rng() % 4, pick(rng, banks));
    if (kind < 50) return fmt::format("{}{}", pick(rng, vi_chat), rng() % 2 ? "." : " :)");
    if (kind < 55) return pick(rng, en_chat);
    if (kind < 70)
        return fmt::format("[QC] {} {}: giam {}% goi cuoc {} khi dang ky qua ung dung. Soan DK{} gui 9{:03}. Tu choi QC soan TC gui 9241",
                           pick(rng, promo_openers), 1 + rng() % 12, 10 + 5 * (rng() % 10), pick(rng, packages), rng() % 100, rng() % 1000);
    if (kind < 85)
        return fmt::format("{}: Tai khoan cua quy khach {}, vui long truy cap http://{}/xacthuc?id={} de mo khoa truoc {}h hom nay",
                           pick(rng, banks), pick(rng, lock_reasons), phishing_domain(rng, blocked_domains), rng() % 100'000, 12 + rng() % 12);
    if (kind < 95)
        return fmt::format("Your parcel {}{:07} is on hold: confirm your address at https://{}/p/{} within {} hours",
                           static_cast<char>('A' + rng() % 26), rng() % 10'000'000, pick(rng, parcel_domains), rng() % 100'000, 12 + 12 * (rng() % 3));
    return fmt::format("Chuyen khoan {}d vao STK {:010} {} ten {} de nhan qua tri an khach hang", amount(rng), rng() % 10'000'000'000ULL,
                       pick(rng, banks), pick(rng, names));
}

}  // namespace

std::vector<std::string> generate_sms_texts(std::size_t count, std::uint64_t seed, std::uint64_t blocked_domains) {
    std::mt19937_64 rng(seed);
    std::vector<std::string> texts;
    texts.reserve(count);
    for (std::size_t i = 0; i < count; ++i) texts.push_back(one_text(rng, blocked_domains));
    return texts;
}

}  // namespace ringfence::cli
