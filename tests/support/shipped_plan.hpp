// The shipped numbering plan (config/numbering/*.yaml, in the order config/ringfence.yaml
// lists them), loaded once per test executable for every test that reads numbers.
#pragma once

#include <doctest/doctest.h>

#include "model/numbering_plan.hpp"

namespace ringfence::test_support {

inline const model::numbering_plan& shipped_plan() {
    static const model::numbering_plan plan = [] {
        model::numbering_settings settings;
        settings.home_country = "VN";
        settings.plan_files = {RINGFENCE_SOURCE_DIR "/config/numbering/vn.yaml", RINGFENCE_SOURCE_DIR "/config/numbering/international.yaml"};
        auto loaded = model::numbering_plan::load(settings);
        for (const auto& d : loaded.diagnostics) MESSAGE(d.to_text());
        REQUIRE(loaded.ok());
        return std::move(*loaded.value);
    }();
    return plan;
}

}  // namespace ringfence::test_support
