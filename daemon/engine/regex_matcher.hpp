// A `matches` pattern, compiled once with PCRE2 (JIT when available). Matching has a
// match limit, so a pathological pattern cannot stall the engine: a match that hits the
// limit counts as no match and is counted.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>

namespace ringfence::engine {

class regex_matcher {
public:
    // nullptr with error set ("… at offset N") when the pattern does not compile.
    static std::shared_ptr<regex_matcher> compile(const std::string& pattern, std::string& error);
    ~regex_matcher();
    regex_matcher(const regex_matcher&) = delete;
    regex_matcher& operator=(const regex_matcher&) = delete;

    bool search(std::string_view text) const;
    const std::string& pattern() const { return pattern_; }
    // The pattern as a JSON string, quotes included, written once at compile: a decision's
    // evidence names the pattern that matched, and escaping a pattern's backslashes anew for
    // every decision cost more than the match.
    const std::string& pattern_json() const { return pattern_json_; }
    std::uint64_t limit_hits() const { return limit_hits_.load(std::memory_order_relaxed); }

private:
    regex_matcher() = default;
    std::string pattern_;
    std::string pattern_json_;
    void* code_ = nullptr;      // pcre2_code*
    void* context_ = nullptr;   // pcre2_match_context*
    mutable std::atomic<std::uint64_t> limit_hits_{0};
};

}  // namespace ringfence::engine
