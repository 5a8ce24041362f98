#include "engine/regex_matcher.hpp"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <fmt/format.h>
#include <pcre2.h>

#include "common/json_writer.hpp"

namespace ringfence::engine {

namespace {
constexpr std::uint32_t match_limit = 100000;
// Match data is per thread: the matcher is shared by every ingest thread.
struct thread_match_data {
    pcre2_match_data* data = pcre2_match_data_create(1, nullptr);
    ~thread_match_data() { pcre2_match_data_free(data); }
};
}  // namespace

std::shared_ptr<regex_matcher> regex_matcher::compile(const std::string& pattern, std::string& error) {
    int code = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* re = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(), PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                                   &code, &offset, nullptr);
    if (re == nullptr) {
        PCRE2_UCHAR buf[256];
        pcre2_get_error_message(code, buf, sizeof buf);
        error = fmt::format("{} at offset {}", reinterpret_cast<const char*>(buf), offset);
        return nullptr;
    }
    pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);  // falls back to the interpreter when JIT is unavailable
    std::shared_ptr<regex_matcher> m(new regex_matcher());
    m->pattern_ = pattern;
    common::append_json_string(m->pattern_json_, pattern);
    m->code_ = re;
    auto* ctx = pcre2_match_context_create(nullptr);
    pcre2_set_match_limit(ctx, match_limit);
    m->context_ = ctx;
    return m;
}

regex_matcher::~regex_matcher() {
    pcre2_code_free(static_cast<pcre2_code*>(code_));
    pcre2_match_context_free(static_cast<pcre2_match_context*>(context_));
}

bool regex_matcher::search(std::string_view text) const {
    thread_local thread_match_data md;
    const int rc = pcre2_match(static_cast<pcre2_code*>(code_), reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0, 0,
                               md.data, static_cast<pcre2_match_context*>(context_));
    if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_HEAPLIMIT)
        limit_hits_.fetch_add(1, std::memory_order_relaxed);
    return rc >= 0;
}

}  // namespace ringfence::engine
