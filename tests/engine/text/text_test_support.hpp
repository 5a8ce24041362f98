// What the engine/text tests share: doctest printing of string lists, so a failed CHECK on
// extracted URLs, domains or accounts shows both lists.
#pragma once

#include <doctest/doctest.h>

#include <string>
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
