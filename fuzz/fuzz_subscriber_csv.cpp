// libFuzzer target for the subscriber import reader: arbitrary bytes as a CSV export, read
// in both modes with the shipped numbering plan, and the accepted rows built into the
// in-memory index. Checks, beyond "no crash":
//   - a file with problems yields no rows, and every problem names a line within the file;
//   - an accepted file yields rows in strictly increasing msisdn order, each found in the
//     index built from them.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz/fuzz_support.hpp"
#include "subscribers/subscriber_import.hpp"
#include "subscribers/subscriber_index.hpp"

using ringfence::fuzz::require;
using ringfence::fuzz::shipped_plan;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace ringfence::subscribers;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    for (const auto mode : {import_mode::full, import_mode::delta}) {
        const parsed_import p = parse_subscriber_csv(text, {}, shipped_plan(), mode);
        if (!p.ok()) {
            require(p.upserts.empty() && p.deletions.empty());
            require(!p.problems.empty() && p.problems.size() <= p.problem_count);
            for (const auto& x : p.problems) require(x.line >= 1 && x.line <= lines && !x.reason.empty());
            continue;
        }
        for (std::size_t i = 1; i < p.upserts.size(); ++i) require(p.upserts[i - 1].msisdn < p.upserts[i].msisdn);
        subscriber_index::builder b;
        for (const auto& r : p.upserts) b.add(r);
        const auto idx = b.finish();
        for (const auto& r : p.upserts) require(idx->contains(r.msisdn));
    }
    return 0;
}
