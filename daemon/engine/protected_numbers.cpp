#include "engine/protected_numbers.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/text_file.hpp"
#include "common/yaml_fields.hpp"
#include "engine/compiled_ruleset.hpp"

namespace ringfence::engine {

namespace {

bool number_text_ok(std::string_view s) {
    if (s.empty() || s.size() > 16) return false;
    const std::size_t start = s[0] == '+' ? 1 : 0;
    return start < s.size() && std::all_of(s.begin() + static_cast<std::ptrdiff_t>(start), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_number_field(field_id id) {
    switch (id) {
        case field_id::caller_raw:
        case field_id::caller_e164:
        case field_id::callee_raw:
        case field_id::callee_e164:
        case field_id::asserted_raw:
        case field_id::asserted_e164:
        case field_id::diversion_raw:
        case field_id::diversion_e164: return true;
        default: return false;
    }
}

}  // namespace

common::loaded<protected_numbers> protected_numbers::load(const std::vector<std::string>& files) {
    common::loaded<protected_numbers> out;
    protected_numbers p;
    for (const auto& file : files) {
        YAML::Node root;
        std::string text, why;
        if (!common::read_text_file(file, text, why)) {
            out.diagnostics.push_back({common::severity::error, "PROTECTED_OPEN_FAILED", fmt::format("cannot read protected numbers: {}", why), file, 0, 0});
            continue;
        }
        if (const int line = common::second_yaml_document_line(text); line > 0) {
            out.diagnostics.push_back({common::severity::error, "PROTECTED_YAML_PARSE", "a second YAML document: a protected-number file is one list", file, line, 1});
            continue;
        }
        try {
            root = YAML::Load(text);
        } catch (const YAML::ParserException& e) {
            out.diagnostics.push_back({common::severity::error, "PROTECTED_YAML_PARSE", common::yaml_parse_message(e), file, e.mark.line + 1, e.mark.column + 1});
            continue;
        }
        if (root.IsNull()) continue;
        if (!root.IsSequence()) {
            out.diagnostics.push_back({common::severity::error, "PROTECTED_BAD_TYPE", "a protected-number file is a list of {number, name, category}", file, 1, 1});
            continue;
        }
        for (const auto& item : root) {
            common::yaml_fields f(item, file, "", "PROTECTED", out.diagnostics);
            protected_number n;
            const auto number = f.get_string("number");
            if (auto v = f.get_string("name")) n.name = *v;
            if (auto v = f.get_string("category")) n.category = *v;
            f.reject_unknown_keys();
            if (!number) {
                f.error(item, "MISSING_KEY", "each protected number needs 'number'");
                continue;
            }
            if (!number_text_ok(*number)) {
                f.error(item["number"], "BAD_VALUE", fmt::format("'{}' is not a short code or an E.164 number (+ and digits)", *number));
                continue;
            }
            n.number = *number;
            if (!p.by_number_.emplace(n.number, n).second) {
                const auto mark = item["number"].Mark();
                out.diagnostics.push_back({common::severity::warning, "PROTECTED_DUPLICATE", fmt::format("{} is listed twice", n.number), file,
                                           mark.line + 1, mark.column + 1});
            }
        }
    }
    if (!common::has_errors(out.diagnostics)) out.value = std::move(p);
    return out;
}

const protected_number* protected_numbers::find(std::string_view number) const {
    if (by_number_.empty() || number.empty()) return nullptr;
    const auto it = by_number_.find(std::string(number));
    return it == by_number_.end() ? nullptr : &it->second;
}

std::vector<common::diagnostic> check_protected_numbers(const compiled_ruleset& rs, const protected_numbers& numbers,
                                                        const std::vector<std::string>& override_rules,
                                                        const std::vector<std::string>& defined_rules) {
    std::vector<common::diagnostic> out;
    // A name no pack defines (a typo) would let nothing block a protected number, silently.
    // A rule switched off is defined: naming it is the operator's choice.
    for (const auto& name : override_rules)
        if (std::find(defined_rules.begin(), defined_rules.end(), name) == defined_rules.end())
            out.push_back({common::severity::warning, "RULES_UNKNOWN_OVERRIDE_RULE",
                           fmt::format("protected_numbers.override_rules names '{}', which no loaded pack defines: it overrides nothing", name), "", 0, 0});
    if (numbers.size() == 0) return out;
    for (const auto& rule : rs.rules) {
        if (rule.act != action::block || rule.shadow) continue;
        if (std::find(override_rules.begin(), override_rules.end(), rule.name) != override_rules.end()) continue;
        std::vector<std::string> hits;
        // Only tests that make the rule fire when they are true count: a number under `not`
        // is an exception, not a target.
        auto walk = [&](auto&& self, std::uint32_t idx, bool negated) -> void {
            if (idx == no_node) return;
            const node& n = rs.nodes[idx];
            if (n.o == node::op::not_) {
                for (auto c : n.children) self(self, c, !negated);
                return;
            }
            for (auto c : n.children) self(self, c, negated);
            if (negated || n.lhs.k != operand::kind::field || !is_number_field(n.lhs.field.id)) return;
            for (const auto& [number, entry] : numbers.all()) {
                bool hit = false;
                if (n.o == node::op::in_list) hit = rs.lists[n.list]->match(number).has_value();
                else if (n.o == node::op::in_values) hit = std::find(n.text_values.begin(), n.text_values.end(), number) != n.text_values.end();
                else if (n.o == node::op::compare && n.cmp == condition::compare_op::eq && n.rhs.k == operand::kind::text) hit = n.rhs.text == number;
                if (hit) hits.push_back(fmt::format("{} ({})", number, entry.name.empty() ? entry.category : entry.name));
            }
        };
        walk(walk, rule.root, false);
        std::sort(hits.begin(), hits.end());
        hits.erase(std::unique(hits.begin(), hits.end()), hits.end());
        if (hits.empty()) continue;
        out.push_back({common::severity::warning, "RULES_BLOCKS_PROTECTED_NUMBER",
                       fmt::format("block rule '{}' would block protected number{} {}; such records are allowed unless the rule is named in "
                                   "protected_numbers.override_rules",
                                   rule.name, hits.size() > 1 ? "s" : "", fmt::join(hits, ", ")),
                       rule.file, rule.line, rule.column});
    }
    return out;
}

}  // namespace ringfence::engine
