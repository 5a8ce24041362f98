// libFuzzer target for what the engine reads out of an SMS's text, which the sender writes:
// arbitrary bytes as the text, through the steps eval_context takes (unmasking, links and
// their positions, the words holding links, folding with and without the offset map,
// compacting, the links' hosts, registered domains and look-alike skeletons, URL keys,
// bank accounts). Checks, beyond "no crash":
//   - unmasking and folding never lengthen the text, and folding leaves no upper-case ASCII
//     letter, no space at either end and no two spaces together;
//   - the mapped fold gives the same text, with one offset per byte, in order, each inside
//     the input; the compact form holds no space;
//   - every link has an offset inside the text, in order; sms.domains has no empty or
//     repeated entry; no bank account is empty.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/text/bank_account_extractor.hpp"
#include "engine/text/sms_domains.hpp"
#include "engine/text/text_fold.hpp"
#include "engine/text/url_extractor.hpp"
#include "engine/text/url_key.hpp"
#include "fuzz/fuzz_support.hpp"

using ringfence::fuzz::require;
namespace text = ringfence::engine::text;

namespace {

void check_folded(std::string_view in, const std::string& folded) {
    require(folded.size() <= in.size());
    require(folded.empty() || (folded.front() != ' ' && folded.back() != ' '));
    require(folded.find("  ") == std::string::npos);
    for (const char c : folded) require(!(c >= 'A' && c <= 'Z'));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static std::string plain, folded, folded_again, compact, without_links, key;
    static std::vector<std::uint32_t> offsets;
    static std::vector<std::string> urls, domains, written, lookalikes, hosts, accounts;
    static std::vector<std::size_t> starts;

    const std::string_view sms(reinterpret_cast<const char*>(data), size);
    const std::string_view t = text::unmask_ascii(sms, plain) ? std::string_view(plain) : sms;
    require(t.size() <= sms.size());

    text::fold_text(t, folded);
    check_folded(t, folded);
    text::fold_text_mapped(t, folded_again, offsets);
    require(folded_again == folded && offsets.size() == folded.size());
    for (std::size_t i = 0; i < offsets.size(); ++i) require(offsets[i] < t.size() && (i == 0 || offsets[i - 1] <= offsets[i]));
    text::compact_folded(folded, compact);
    require(compact.size() <= folded.size() && compact.find(' ') == std::string::npos);

    text::extract_urls(t, urls, starts);
    require(urls.size() == starts.size());
    for (std::size_t i = 0; i < starts.size(); ++i) require(starts[i] < t.size() && (i == 0 || starts[i - 1] <= starts[i]));
    text::replace_link_words(t, starts, without_links);
    text::collect_sms_domains(urls, domains, &written, &lookalikes, &hosts);
    for (std::size_t i = 0; i < domains.size(); ++i) {
        require(!domains[i].empty());
        for (std::size_t j = 0; j < i; ++j) require(domains[j] != domains[i]);
    }
    for (const std::string& u : urls) text::url_key(u, key);

    text::extract_bank_accounts(t, accounts);
    for (const std::string& a : accounts) require(!a.empty());
    return 0;
}
