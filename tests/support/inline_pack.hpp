// A rule engine on one rule pack given as text (the file name pack.yaml in diagnostics), and
// diagnostics as the text an operator reads: for engine tests that write their pack inline.
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/rule_engine.hpp"

namespace ringfence::test_support {

// The engine, or null with diags (when given) saying why not.
inline std::unique_ptr<engine::rule_engine> load_inline_pack(const std::string& yaml, std::vector<common::diagnostic>* diags = nullptr,
                                                           const std::string& time_zone = "+07:00") {
    engine::rule_engine_settings s;
    s.time_zone = time_zone;
    s.windows.memory_cap_bytes = 64 << 20;
    auto e = engine::rule_engine::create_from_text(s, {{"pack.yaml", yaml}});
    if (diags) *diags = e.diagnostics;
    return e.value ? std::move(*e.value) : nullptr;
}

inline std::string diagnostics_text(const std::vector<common::diagnostic>& d) {
    std::string out;
    for (const auto& x : d) out += x.to_text() + "\n";
    return out;
}

// What the packs' test items have wrong (rules check and rules test say it; the engine loads).
inline std::string test_diagnostics_text(const engine::rule_engine& e) { return diagnostics_text(e.last_loaded().items.test_diagnostics); }

}  // namespace ringfence::test_support
