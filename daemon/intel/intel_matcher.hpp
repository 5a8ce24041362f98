// The list_matcher the rule compiler gets for an intelligence list: each match reads the
// list's current snapshot (live_list::pin) and decides by the record's time.
#pragma once

#include <memory>

#include "engine/list_matcher.hpp"
#include "intel/live_list.hpp"

namespace ringfence::intel {

std::unique_ptr<engine::list_matcher> make_intel_matcher(std::string name, std::shared_ptr<const live_list> list);

}  // namespace ringfence::intel
