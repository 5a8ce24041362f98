// What the fuzz targets share: the shipped numbering plan, loaded once (RINGFENCE_PLAN_DIR
// overrides where it is read from; default: the source tree's config/numbering), and a
// check that aborts, so libFuzzer reports the input that broke an invariant.
#pragma once

#include <cstdlib>
#include <string>

#include "model/numbering_plan.hpp"

#ifndef RINGFENCE_SOURCE_DIR
#define RINGFENCE_SOURCE_DIR "."
#endif

namespace ringfence::fuzz {

inline const model::numbering_plan& shipped_plan() {
    static const model::numbering_plan plan = [] {
        const char* dir = std::getenv("RINGFENCE_PLAN_DIR");
        const std::string base = dir != nullptr ? dir : RINGFENCE_SOURCE_DIR "/config/numbering";
        model::numbering_settings settings;
        settings.plan_files = {base + "/vn.yaml", base + "/international.yaml"};
        auto loaded = model::numbering_plan::load(settings);
        if (!loaded.ok()) std::abort();  // a broken plan makes every run meaningless
        return std::move(*loaded.value);
    }();
    return plan;
}

inline void require(bool condition) {
    if (!condition) std::abort();
}

}  // namespace ringfence::fuzz
