// What the engine/text tests share: doctest printing of string lists, so a failed CHECK on
// extracted URLs, domains or accounts shows both lists; every short string over an alphabet,
// for checking a rewritten step against its earlier definition.
#pragma once

#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace doctest {

template <>
struct StringMaker<std::vector<std::string>> {
    static String convert(const std::vector<std::string>& v) {
        std::string s = "{";
        for (std::size_t i = 0; i < v.size(); ++i) s += (i ? ", \"" : "\"") + v[i] + "\"";
        s += "}";
        return String(s.c_str());
    }
};

}  // namespace doctest

namespace ringfence::test {

// A small, fixed-seed pseudo-random sequence (xorshift64) for randomised comparisons: the
// same strings on every run and machine.
struct xorshift {
    std::uint64_t state = 0x9E3779B97F4A7C15ULL;
    std::uint64_t operator()() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    }
};

// Calls check(s) for every string s of 0 to max_length bytes from alphabet; returns how many.
template <class Check>
std::size_t for_each_short_string(std::string_view alphabet, std::size_t max_length, Check check) {
    std::string s;
    std::size_t count = 0;
    for (std::size_t length = 0; length <= max_length; ++length) {
        std::size_t total = 1;
        for (std::size_t k = 0; k < length; ++k) total *= alphabet.size();
        for (std::size_t n = 0; n < total; ++n) {
            s.clear();
            for (std::size_t k = 0, v = n; k < length; ++k, v /= alphabet.size()) s += alphabet[v % alphabet.size()];
            check(static_cast<const std::string&>(s));
            ++count;
        }
    }
    return count;
}

}  // namespace ringfence::test
