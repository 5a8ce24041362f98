// ringfence normalize NUMBER...: one JSON object per number, so anyone can check the plan.
#include <cstdio>

#include "common/json_writer.hpp"
#include "model/brandname.hpp"
#include "tools/ringfence/cli_common.hpp"
#include "tools/ringfence/commands.hpp"

namespace ringfence::cli {

namespace {

void append_optional(std::string& out, const std::string& v) {
    if (v.empty()) out += "null";
    else common::append_json_string(out, v);
}

}  // namespace

int cmd_normalize(std::vector<std::string> args) {
    common_options opts;
    std::string error;
    if (!take_common_options(args, opts, error)) {
        std::fprintf(stderr, "ringfence normalize: %s\n", error.c_str());
        return 2;
    }
    if (args.empty() || args.front() == "--help" || args.front() == "-h") {
        std::fputs("usage: ringfence normalize [--config FILE] NUMBER...\n", stderr);
        return 2;
    }
    auto setup = load_plan_or_report(opts);
    if (!setup.value) return 1;
    const auto& plan = *setup.value->plan;
    int code = 0;
    model::number_info n;
    for (const auto& raw : args) {
        std::string out = "{\"raw\":";
        common::append_json_string(out, raw);
        // A brandname with diacritics (ViệtBank) is one here as on the wire, where an SMS
        // sender holding one is taken as a brandname; the numbering plan takes ASCII only.
        if (model::is_brandname_text(raw) && model::is_unmarked_brandname_with_diacritics(raw)) {
            out += ",\"e164\":null,\"country\":null,\"type\":\"alphanumeric\",\"is_home\":false}\n";
            std::fputs(out.c_str(), stdout);
            continue;
        }
        const auto err = plan.normalize(raw, n);
        if (err != model::normalize_error::none) {
            out += ",\"error\":";
            common::append_json_string(out, model::to_string(err));
            code = 1;
        } else if (model::looks_like_mistyped_number(n)) {  // as the wire parser refuses it
            out += ",\"error\":\"mixes_letters_and_digits\"";
            code = 1;
        } else {
            out += ",\"e164\":";
            append_optional(out, n.e164);
            out += ",\"country\":";
            append_optional(out, n.country);
            out += ",\"type\":";
            common::append_json_string(out, model::to_string(n.type));
            out += ",\"is_home\":";
            out += n.is_home ? "true" : "false";
        }
        out += "}\n";
        std::fputs(out.c_str(), stdout);
    }
    return code;
}

}  // namespace ringfence::cli
