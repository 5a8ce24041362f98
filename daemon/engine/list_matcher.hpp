// A list as the compiled rules use it: built once per (list, way of use) at load time, then
// matched per record with no allocation. The structure depends on the use: exact text
// (hash set), number prefixes (digit trie), IP ranges (CIDR set), keywords in text
// (Aho-Corasick automaton, optionally case-insensitive).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ringfence::engine {

enum class list_use : std::uint8_t { exact, number_prefix, ip_cidr, keywords, keywords_folded };

// The entry a match found, copied out for the evidence (only on a hit). Intelligence lists
// also say where the entry came from and why it is listed.
struct list_hit_detail {
    std::string entry;
    std::string source;  // police | bank | spam_reports | internal; empty for pack lists
    std::string reason;
};

class list_matcher {
public:
    // Builds the matcher; error holds the first item that cannot be used this way ("" if none).
    // domain_suffixes (exact lists of domains): an item starting with "." (".gov.vn") holds
    // every domain that ends with it.
    static std::unique_ptr<list_matcher> build(std::string name, list_use use, const std::vector<std::string>& items,
                                               std::string& error, std::size_t& bad_item, bool domain_suffixes = false);
    virtual ~list_matcher() = default;

    // The matching item, or nullopt. For keywords the text is searched; for number_prefix the
    // value is an E.164 number ("+84…") or digits; for ip_cidr an IPv4/IPv6 address.
    virtual std::optional<std::string_view> match(std::string_view value) const = 0;
    // The same for a record of time time_ms (Unix ms): intelligence lists skip entries that
    // expired at or before it. On a hit, detail (when not null) receives the entry. Pack
    // lists ignore the time.
    virtual bool match_at(std::string_view value, std::int64_t time_ms, list_hit_detail* detail) const;
    // Starts loading what match_at(value) will read, so that cache miss overlaps other work.
    // Only a hint: lists small enough to stay in cache do nothing.
    virtual void prefetch(std::string_view value) const { (void)value; }
    virtual std::size_t size() const = 0;
    virtual std::size_t bytes() const = 0;
    // Nothing to match now (an intelligence list with no entries yet): what the rule path
    // asks before working out an SMS's links or accounts only to look them up here. Entries
    // that expired still count (the lookup runs, and match_at skips them).
    virtual bool holds_nothing() const { return size() == 0; }
    // A keyword list's items, as evidence shows them (nullptr for every other kind): the
    // compiler builds the scans that several lists of one field share from them.
    virtual const std::vector<std::string>* keyword_items() const { return nullptr; }

    const std::string& name() const { return name_; }
    list_use use() const { return use_; }

protected:
    list_matcher(std::string name, list_use use) : name_(std::move(name)), use_(use) {}

private:
    std::string name_;
    list_use use_;
};

}  // namespace ringfence::engine
