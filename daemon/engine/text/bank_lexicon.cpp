// The lexicon behind match_bank_word, sorted once and indexed by its phrases' first words.
#include "engine/text/bank_lexicon.hpp"

#include <algorithm>
#include <array>
#include <iterator>
#include <span>
#include <vector>

namespace ringfence::engine::text {
namespace {

constexpr std::uint8_t account = role_account;
constexpr std::uint8_t number = role_account | role_number_word;
constexpr std::uint8_t bank = role_bank | role_account;  // a bank name also marks a transfer
constexpr std::uint8_t otp = role_otp;
constexpr std::uint8_t before = role_amount_before;
constexpr std::uint8_t after = role_amount_after;
constexpr std::uint8_t other = role_not_account;

// Short aliases ("mb", "tk", "ck") only match as whole words, which keeps "500mb" and
// "tkb" out. Descriptive Vietnamese names ("quan doi", "a chau") are left out: they are
// ordinary words too often.
// clang-format off
constexpr bank_word words[] = {
    {"stk", number, {}}, {"so tk", number, {}}, {"so tai khoan", number, {}},
    {"tai khoan", number, {}}, {"tk", number, {}}, {"chu tk", account, {}}, {"account", number, {}},
    {"acc", number, {}}, {"acct", number, {}}, {"a c", number, {}}, {"ck", account, {}},
    {"chuyen khoan", account, {}}, {"chuyen tien", account, {}}, {"ngan hang", account, {}},
    {"bank", account, {}}, {"banking", account, {}}, {"thu huong", account, {}},
    {"beneficiary", account, {}}, {"transfer", account, {}}, {"vietcombank", bank, "VCB"},
    {"vcb", bank, "VCB"}, {"vietinbank", bank, "ICB"}, {"vietin", bank, "ICB"},
    {"ctg", bank, "ICB"}, {"icb", bank, "ICB"}, {"bidv", bank, "BIDV"}, {"agribank", bank, "VBA"},
    {"agri", bank, "VBA"}, {"vba", bank, "VBA"}, {"techcombank", bank, "TCB"},
    {"techcom", bank, "TCB"}, {"tcb", bank, "TCB"}, {"mbbank", bank, "MB"}, {"mb bank", bank, "MB"},
    {"mb", bank, "MB"}, {"acb", bank, "ACB"}, {"vpbank", bank, "VPB"}, {"vp bank", bank, "VPB"},
    {"vpb", bank, "VPB"}, {"tpbank", bank, "TPB"}, {"tp bank", bank, "TPB"}, {"tpb", bank, "TPB"},
    {"sacombank", bank, "STB"}, {"sacom", bank, "STB"}, {"stb", bank, "STB"}, {"shb", bank, "SHB"},
    {"hdbank", bank, "HDB"}, {"hd bank", bank, "HDB"}, {"hdb", bank, "HDB"}, {"ocb", bank, "OCB"},
    {"msb", bank, "MSB"}, {"maritime bank", bank, "MSB"}, {"vib", bank, "VIB"},
    {"seabank", bank, "SEAB"}, {"sea bank", bank, "SEAB"}, {"seab", bank, "SEAB"},
    {"eximbank", bank, "EIB"}, {"exim", bank, "EIB"}, {"eib", bank, "EIB"}, {"lpbank", bank, "LPB"},
    {"lpb", bank, "LPB"}, {"lienvietpostbank", bank, "LPB"}, {"lienviet", bank, "LPB"},
    {"scb", bank, "SCB"}, {"abbank", bank, "ABB"}, {"abb", bank, "ABB"}, {"namabank", bank, "NAB"},
    {"nam a bank", bank, "NAB"}, {"nab", bank, "NAB"}, {"bacabank", bank, "BAB"},
    {"bac a bank", bank, "BAB"}, {"bab", bank, "BAB"}, {"pvcombank", bank, "PVCB"},
    {"pvcb", bank, "PVCB"}, {"kienlongbank", bank, "KLB"}, {"klb", bank, "KLB"},
    {"ncb", bank, "NCB"}, {"pgbank", bank, "PGB"}, {"pgb", bank, "PGB"}, {"vietabank", bank, "VAB"},
    {"viet a bank", bank, "VAB"}, {"vab", bank, "VAB"}, {"baovietbank", bank, "BVB"},
    {"bvb", bank, "BVB"}, {"saigonbank", bank, "SGICB"}, {"vietbank", bank, "VIETBANK"},
    {"dongabank", bank, "DOB"}, {"donga bank", bank, "DOB"}, {"dong a bank", bank, "DOB"},
    {"oceanbank", bank, "OCEANBANK"}, {"gpbank", bank, "GPB"}, {"shinhan", bank, "SHBVN"},
    {"shinhan bank", bank, "SHBVN"}, {"shinhanbank", bank, "SHBVN"}, {"hsbc", bank, "HSBC"},
    {"woori", bank, "WVN"}, {"wooribank", bank, "WVN"}, {"uob", bank, "UOB"},
    {"cimb", bank, "CIMB"}, {"standard chartered", bank, "SCVN"}, {"otp", otp, {}},
    {"ma otp", otp, {}}, {"ma xac thuc", otp, {}}, {"ma xac nhan", otp, {}},
    {"ma xac minh", otp, {}}, {"ma kich hoat", otp, {}}, {"ma bao mat", otp, {}},
    {"mat khau", otp, {}}, {"verification code", otp, {}}, {"code", otp, {}}, {"passcode", otp, {}},
    {"password", otp, {}}, {"pin", otp, {}}, {"vnd", before | after, {}},
    {"usd", before | after, {}}, {"so tien", before, {}}, {"tong tien", before, {}},
    {"gia", before, {}}, {"d", after, {}}, {"dong", after, {}}, {"k", after, {}}, {"tr", after, {}},
    {"trieu", after, {}}, {"ty", after, {}}, {"nghin", after, {}}, {"ngan", after, {}},
    {"xu", after, {}}, {"dollar", after, {}}, {"dollars", after, {}}, {"eur", after, {}},
    {"euro", after, {}}, {"cskh", other, {}}, {"hotline", other, {}}, {"lh", other, {}},
    {"lien he", other, {}}, {"goi", other, {}}, {"sdt", other, {}}, {"dt", other, {}},
    {"dien thoai", other, {}}, {"tel", other, {}}, {"phone", other, {}}, {"call", other, {}},
    {"fax", other, {}}, {"tong dai", other, {}}, {"zalo", other, {}}, {"telegram", other, {}},
    {"whatsapp", other, {}}, {"viber", other, {}}, {"tb", other, {}}, {"thue bao", other, {}},
    {"sim", other, {}}, {"ref", other, {}}, {"ma gd", other, {}}, {"ma giao dich", other, {}},
    {"nd", other, {}}, {"noi dung", other, {}}, {"ma don", other, {}}, {"ma don hang", other, {}},
    {"ma ve", other, {}}, {"hoa don", other, {}}, {"ma du thuong", other, {}}, {"cccd", other, {}},
    {"cmnd", other, {}}, {"mst", other, {}}, {"ma so thue", other, {}},
};
// clang-format on

std::string_view first_word_of(std::string_view phrase) { return phrase.substr(0, phrase.find(' ')); }

// The lexicon sorted by phrase, and its runs by first word in an open-addressed table keyed
// by a hash of that word. Sorted, the phrases whose first word is W ("ma otp", "ma xac
// thuc") are one run: every phrase that starts with "W " or is W, since a space sorts before
// every letter and digit. Every word of a message that holds a number is looked up, and
// nearly all of them start no phrase, which one probe tells (a binary search over the
// phrases compared strings about eight times a word).
class first_word_index {
  public:
    first_word_index() {
        for (const bank_word& w : words) sorted_.push_back(&w);
        std::sort(sorted_.begin(), sorted_.end(), [](const bank_word* a, const bank_word* b) { return a->folded < b->folded; });
        for (std::size_t k = 0; k < sorted_.size();) {
            const std::string_view word = first_word_of(sorted_[k]->folded);
            longest_ = std::max(longest_, word.size());
            std::size_t e = k + 1;
            while (e < sorted_.size() && first_word_of(sorted_[e]->folded) == word) ++e;
            std::size_t at = hash(word) & mask;
            while (!slots_[at].word.empty()) at = (at + 1) & mask;
            slots_[at] = {word, static_cast<std::uint16_t>(k), static_cast<std::uint16_t>(e)};
            k = e;
        }
    }

    std::size_t longest() const { return longest_; }  // the longest first word

    // The phrases whose first word is word (its hash given); none when no phrase starts so.
    std::span<const bank_word* const> find(std::string_view word, std::uint32_t word_hash) const {
        for (std::size_t at = word_hash & mask; !slots_[at].word.empty(); at = (at + 1) & mask)
            if (slots_[at].word == word) return std::span(sorted_).subspan(slots_[at].begin, slots_[at].end - slots_[at].begin);
        return {};
    }

    // FNV-1a, a byte at a time as the word's end is looked for.
    static constexpr std::uint32_t hash_start = 2166136261u;
    static std::uint32_t hash_step(std::uint32_t h, char c) { return (h ^ static_cast<unsigned char>(c)) * 16777619u; }
    static std::uint32_t hash(std::string_view word) {
        std::uint32_t h = hash_start;
        for (const char c : word) h = hash_step(h, c);
        return h;
    }

  private:
    static constexpr std::size_t mask = 511;  // about 150 first words: a third full
    struct slot {
        std::string_view word;
        std::uint16_t begin = 0, end = 0;  // the run in sorted_
    };
    std::vector<const bank_word*> sorted_;
    std::array<slot, mask + 1> slots_{};
    std::size_t longest_ = 0;
};

const first_word_index& index_by_first_word() {
    static const first_word_index index;
    return index;
}

}  // namespace

const bank_word* match_bank_word(std::string_view folded, std::size_t pos) noexcept {
    if (pos >= folded.size()) return nullptr;
    const std::string_view rest = folded.substr(pos);
    const first_word_index& index = index_by_first_word();
    const std::size_t limit = std::min(rest.size(), index.longest() + 1);
    std::size_t end = 0;
    std::uint32_t h = first_word_index::hash_start;
    for (; end < limit && rest[end] != ' '; ++end) h = first_word_index::hash_step(h, rest[end]);
    if (end > index.longest()) return nullptr;  // longer than every first word
    const bank_word* best = nullptr;
    for (const bank_word* w : index.find(rest.substr(0, end), h)) {
        const std::string_view phrase = w->folded;
        if (!rest.starts_with(phrase)) continue;
        if (rest.size() > phrase.size() && rest[phrase.size()] != ' ') continue;
        if (best == nullptr || phrase.size() > best->folded.size()) best = w;
    }
    return best;
}

std::string_view bank_code_for(std::string_view upper) {
    std::string folded(upper);
    for (char& c : folded) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    if (const bank_word* w = match_bank_word(folded, 0); w != nullptr && (w->roles & role_bank) != 0 && w->folded.size() == folded.size())
        return w->code;  // a name or alias: "vietcombank", "ctg"
    for (const bank_word& w : words)
        if ((w.roles & role_bank) != 0 && w.code == upper) return w.code;  // a code with no word of its own: DOB, SGICB
    return {};
}

}  // namespace ringfence::engine::text
