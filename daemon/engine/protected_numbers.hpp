// Protected numbers: government hotlines, report lines, banks' official numbers: numbers
// the public must always reach and that a carrier must not cut off by mistake. Read from
// YAML files (config/protected/), matched exactly on the raw or E.164 form:
//  - a decision that would block a record to a protected callee, or from a protected caller
//    that entered on the home network, is answered allow (a protected number presented on
//    foreign ingress is spoofing, and stays blockable);
//  - a block rule whose condition names a protected number (in a list it tests numbers
//    against, or as a literal) is reported when the rules load.
// Only the operator's explicit setting `protected_numbers.override_rules` lets a named rule
// block them anyway. Emergency numbers (engine.emergency_numbers) are never blocked at all.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/diagnostic.hpp"

namespace ringfence::engine {

struct compiled_ruleset;

struct protected_number {
    std::string number;  // as it appears in records: "+842439393939", or a short code "5656"
    std::string name;
    std::string category;
};

struct protected_number_settings {
    std::vector<std::string> files;           // YAML lists of {number, name, category}
    std::vector<std::string> override_rules;  // rules allowed to block a protected number
};

class protected_numbers {
public:
    // Reads files; diagnostics name file:line:column for a bad entry or a duplicate.
    static common::loaded<protected_numbers> load(const std::vector<std::string>& files);

    const protected_number* find(std::string_view number) const;
    std::size_t size() const { return by_number_.size(); }
    const std::unordered_map<std::string, protected_number>& all() const { return by_number_; }

private:
    std::unordered_map<std::string, protected_number> by_number_;
};

// Warnings (RULES_BLOCKS_PROTECTED_NUMBER) for every block rule not in override_rules whose
// condition would match a protected number on a caller, callee or asserted number field, and
// (RULES_UNKNOWN_OVERRIDE_RULE) for a name in override_rules that defined_rules lacks.
std::vector<common::diagnostic> check_protected_numbers(const compiled_ruleset& rs, const protected_numbers& numbers,
                                                        const std::vector<std::string>& override_rules,
                                                        const std::vector<std::string>& defined_rules);

}  // namespace ringfence::engine
