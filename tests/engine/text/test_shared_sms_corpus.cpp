// The text analysers on real messages: the labelled Vietnamese SMS set (57 smishing rows)
// and the English SMS Spam Collection from ../shared. The floors are what the analysers
// achieved when written; a change that finds fewer URLs, or more URLs in ham, fails here.
// Skipped (with a message) where the shared data is not installed.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "engine/text/bank_account_extractor.hpp"
#include "engine/text/sms_domains.hpp"
#include "engine/text/url_extractor.hpp"
#include "support/sms_corpus.hpp"

using namespace ringfence::engine::text;
using ringfence::test_support::parse_csv;
using ringfence::test_support::read_all;

namespace {

const std::string sms_dir = std::string(RINGFENCE_SHARED_DATA_DIR) + "/sms";

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("shared corpus: URLs, domains and accounts in the labelled Vietnamese SMS") {
    const std::string path = sms_dir + "/vi_sms_labeled_scrubbed.csv";
    if (!std::filesystem::exists(path)) {
        MESSAGE("skipped: " << path << " is not installed");
        return;
    }
    const auto rows = parse_csv(read_all(path));
    REQUIRE(rows.size() == 1801);
    REQUIRE(rows[0] == std::vector<std::string>{"content", "label", "has_url", "has_phone_number",
                                                "sender_type"});
    std::vector<std::string> urls, domains, accounts, all_smishing_domains, all_accounts;
    int smishing = 0, smishing_with_url = 0, agree_with_has_url = 0;
    for (std::size_t r = 1; r < rows.size(); ++r) {
        const auto& row = rows[r];
        REQUIRE(row.size() == 5);
        extract_urls(row[0], urls);
        collect_sms_domains(urls, domains);
        extract_bank_accounts(row[0], accounts);
        all_accounts.insert(all_accounts.end(), accounts.begin(), accounts.end());
        if ((row[2] == "1") == !urls.empty()) ++agree_with_has_url;
        if (row[1] != "1") continue;
        ++smishing;
        if (!urls.empty()) ++smishing_with_url;
        all_smishing_domains.insert(all_smishing_domains.end(), domains.begin(), domains.end());
    }
    MESSAGE(smishing_with_url << " of " << smishing << " smishing rows yield at least one URL; "
                              << agree_with_has_url
                              << " of 1800 rows agree with the has_url label");
    CHECK(smishing == 57);
    CHECK(smishing_with_url >= 44);
    // The 10 disagreements seen are e-mail addresses the label counts as URLs and real
    // links (bit.ly, lzd.co, g.co, Gezne.de) the label missed.
    CHECK(agree_with_has_url >= 1790);
    for (const char* d : {"slim.link", "qyy.nu", "t.ly", "kwin668.com", "gezne.de", "lnewr.tech",
                          "chutjf.space", "coccit.xyz", "athd.cc", "cps.onl", "zalo.me", "t.me"})
        CHECK_MESSAGE(contains(all_smishing_domains, d), std::string(d));
    for (const char* a : {"ICB:26389650", "BIDV:0304917252", "VBA:7264554731683", "VCB:6704383413",
                          "0011005082546", "1970029650"})
        CHECK_MESSAGE(contains(all_accounts, a), std::string(a));
}

TEST_CASE("shared corpus: URLs and accounts in the English SMS Spam Collection") {
    const std::string path = sms_dir + "/SMSSpamCollection";
    if (!std::filesystem::exists(path)) {
        MESSAGE("skipped: " << path << " is not installed");
        return;
    }
    std::istringstream in(read_all(path));
    std::string line;
    std::vector<std::string> urls, accounts;
    int rows = 0, spam = 0, spam_with_url = 0, ham_with_url = 0, with_account = 0;
    while (std::getline(in, line)) {
        const std::size_t tab = line.find('\t');
        REQUIRE(tab != std::string::npos);
        ++rows;
        const std::string_view text = std::string_view(line).substr(tab + 1);
        extract_urls(text, urls);
        extract_bank_accounts(text, accounts);
        if (!accounts.empty()) ++with_account;
        if (line.compare(0, tab, "spam") == 0) {
            ++spam;
            if (!urls.empty()) ++spam_with_url;
        } else if (!urls.empty()) {
            ++ham_with_url;
        }
    }
    MESSAGE(spam_with_url << " of " << spam << " spam rows yield a URL; " << ham_with_url
                          << " ham rows do; " << with_account << " rows yield an account number");
    CHECK(rows == 2807);
    CHECK(spam_with_url >= 57);
    // The ham rows with a URL really hold one (icicibank.com, fullonsms.com, usc.edu, ...).
    CHECK(ham_with_url <= 7);
    CHECK(with_account == 0);  // UK spam quotes phone numbers and claim codes, not accounts
}
