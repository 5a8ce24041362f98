#include "model/numbering_plan_reader.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string_view>

#include "common/yaml_fields.hpp"
#include "common/text_file.hpp"

namespace ringfence::model {

namespace {

using common::diagnostic;
using common::yaml_fields;

constexpr std::size_t max_e164_digits = 15;

bool all_digits(std::string_view s) {
    for (const char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

// "ranges[2]": the name yaml_fields was given for a list item.
std::string item_name(const yaml_fields& f) {
    std::string name = f.path("");
    if (!name.empty() && name.back() == '.') name.pop_back();
    return name;
}

plan_location location_of(const YAML::Node& n) {
    diagnostic d;
    yaml_fields::locate(n, d);
    return {d.line, d.column};
}

// Number types a range or a service may give: short_code and alphanumeric describe how a
// string was dialled, not an E.164 range.
std::string usable_type_names() {
    std::string names;
    for (int i = 0; i < number_type_count; ++i) {
        const auto t = static_cast<number_type>(i);
        if (t == number_type::short_code || t == number_type::alphanumeric) continue;
        if (!names.empty()) names += ", ";
        names += to_string(t);
    }
    return names;
}

class plan_reader {
  public:
    plan_reader(const std::string& path, std::vector<diagnostic>& diagnostics)
        : path_(path), diags_(diagnostics) {}

    plan_file read(const YAML::Node& doc) {
        plan_file out;
        out.path = path_;
        if (doc.IsNull()) {
            diagnostic d;
            d.level = common::severity::warning;
            d.code = "PLAN_EMPTY_FILE";
            d.message = "the plan file holds no document";
            d.file = path_;
            diags_.push_back(std::move(d));
            return out;
        }
        yaml_fields top(doc, path_, "", "PLAN", diags_);
        if (!top.is_map()) return out;
        top.get_string("description");
        read_national(doc, top, out);
        read_ranges(top.node("ranges"), out);
        top.reject_unknown_keys();
        return out;
    }

  private:
    std::optional<std::string> digits_value(yaml_fields& f, const std::string& key, std::size_t min,
                                            std::size_t max, std::string_view code = "BAD_VALUE") {
        auto v = f.get_string(key);
        if (!v) return std::nullopt;
        if (!all_digits(*v) || v->size() < min || v->size() > max) {
            f.error(f.node(key), code,
                    fmt::format("'{}': '{}' must be {} to {} digits", f.path(key), *v, min, max));
            return std::nullopt;
        }
        return v;
    }

    // A list of lengths 1..15, each at least min_length (the digits of the prefix it follows).
    std::optional<length_mask> read_lengths(yaml_fields& f, const std::string& key,
                                            std::size_t min_length) {
        const YAML::Node n = f.node(key);
        if (n.IsNull()) return std::nullopt;
        if (!n.IsSequence() || n.size() == 0) {
            f.error(n, n.IsSequence() ? "BAD_LENGTH" : "BAD_TYPE",
                    fmt::format("'{}': expected a list of lengths from 1 to 15", f.path(key)));
            return std::nullopt;
        }
        length_mask mask = 0;
        bool ok = true;
        for (const auto& item : n) {
            int v = 0;
            const std::string s = item.IsScalar() ? item.Scalar() : std::string();
            auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
            if (!item.IsScalar() || ec != std::errc() || p != s.data() + s.size() || v < 1 ||
                v > static_cast<int>(max_e164_digits)) {
                f.error(item, "BAD_LENGTH",
                        fmt::format("'{}': '{}' is not a length from 1 to 15", f.path(key),
                                    item.IsScalar() ? s : std::string("(not a scalar)")));
                ok = false;
                continue;
            }
            if (static_cast<std::size_t>(v) < min_length) {
                f.error(item, "BAD_LENGTH",
                        fmt::format("'{}': length {} is shorter than the prefix", f.path(key), v));
                ok = false;
                continue;
            }
            mask = static_cast<length_mask>(mask | (1u << v));
        }
        if (!ok) return std::nullopt;
        return mask;
    }

    std::optional<number_type> read_type(yaml_fields& f) {
        auto v = f.get_string("type");
        if (!v) return std::nullopt;
        const auto t = parse_number_type(*v);
        if (!t || *t == number_type::short_code || *t == number_type::alphanumeric) {
            f.error(f.node("type"), "BAD_TYPE",
                    fmt::format("'{}': '{}' is not one of {}", f.path("type"), *v,
                                usable_type_names()));
            return std::nullopt;
        }
        return t;
    }

    std::optional<std::string> read_country(yaml_fields& f) {
        auto v = f.get_string("country");
        if (!v) return std::nullopt;
        const bool ok =
            v->size() == 2 && (*v)[0] >= 'A' && (*v)[0] <= 'Z' && (*v)[1] >= 'A' && (*v)[1] <= 'Z';
        if (!ok) {
            f.error(f.node("country"), "BAD_COUNTRY",
                    fmt::format("'{}': '{}' is not an ISO 3166-1 alpha-2 code (two upper-case "
                                "letters)",
                                f.path("country"), *v));
            return std::nullopt;
        }
        return v;
    }

    void missing(yaml_fields& f, const YAML::Node& map, const std::string& key,
                 std::string_view why) {
        f.error(map, "MISSING_KEY", fmt::format("'{}' is required{}", f.path(key), why));
    }

    void read_national(const YAML::Node& doc, yaml_fields& top, plan_file& out) {
        static const char* const national_keys[] = {
            "country_code",       "trunk_prefix", "international_prefix", "nsn_lengths",
            "short_code_lengths", "services",     "short_codes"};
        if (!top.has("country")) {
            for (const char* key : national_keys) {
                if (!top.has(key)) continue;
                top.error(top.node(key), "MISSING_KEY",
                          fmt::format("'country' is required when '{}' is given", key));
                break;
            }
            for (const char* key : national_keys) top.node(key);  // reported once, above
            return;
        }
        national_plan plan;
        auto country = read_country(top);
        plan.where = location_of(top.node("country"));
        plan.country_code_where = location_of(top.node("country_code"));
        for (const char* key : {"country_code", "international_prefix", "nsn_lengths"})
            if (!top.has(key)) missing(top, doc, key, " in a file that gives 'country'");
        auto cc = digits_value(top, "country_code", 1, 3);
        auto trunk = top.has("trunk_prefix") ? digits_value(top, "trunk_prefix", 1, 4)
                                             : std::optional<std::string>(std::string());
        top.node("trunk_prefix");
        auto intl = digits_value(top, "international_prefix", 1, 4);
        auto nsn = read_lengths(top, "nsn_lengths", 1);
        auto short_lengths = read_lengths(top, "short_code_lengths", 1);
        plan.services = read_services(top.node("services"));
        plan.short_codes = read_short_codes(top.node("short_codes"));
        if (!country || !cc || !trunk || !intl || !nsn) return;
        plan.country = *country;
        plan.country_code = *cc;
        plan.trunk_prefix = *trunk;
        plan.international_prefix = *intl;
        plan.nsn_lengths = *nsn;
        plan.short_code_lengths = short_lengths.value_or(0);
        out.national = std::move(plan);
    }

    template <class Item, class ReadItem>
    std::vector<Item> read_list(const YAML::Node& list, std::string_view name, ReadItem read_item) {
        std::vector<Item> items;
        if (list.IsNull()) return items;
        if (!list.IsSequence()) {
            diagnostic d;
            d.code = "PLAN_BAD_TYPE";
            d.message = fmt::format("'{}': expected a list of mappings", name);
            d.file = path_;
            yaml_fields::locate(list, d);
            diags_.push_back(std::move(d));
            return items;
        }
        for (std::size_t i = 0; i < list.size(); ++i) {
            const YAML::Node item = list[i];
            yaml_fields f(item, path_, fmt::format("{}[{}]", name, i), "PLAN", diags_);
            if (!item.IsMap()) {
                if (item.IsNull())
                    f.error(item, "BAD_TYPE",
                            fmt::format("'{}[{}]': expected a mapping, got nothing", name, i));
                continue;
            }
            f.get_string("note");
            if (auto v = read_item(f, item)) items.push_back(std::move(*v));
            f.reject_unknown_keys();
        }
        return items;
    }

    // Reports the second of two items with the same key, naming the line of the first.
    template <class Item, class Key, class Name>
    void reject_duplicates(const std::vector<Item>& items, Key key, Name name) {
        std::map<std::string, plan_location> first;
        for (const auto& item : items) {
            const std::string& k = item.*key;
            auto [it, fresh] = first.emplace(k, item.where);
            if (fresh) continue;
            diagnostic d;
            d.code = "PLAN_DUPLICATE_PREFIX";
            d.message = fmt::format("{} is already defined at line {}", name(k), it->second.line);
            d.file = path_;
            d.line = item.where.line;
            d.column = item.where.column;
            diags_.push_back(std::move(d));
        }
    }

    std::vector<plan_service> read_services(const YAML::Node& list) {
        auto items =
            read_list<plan_service>(list, "services", [&](yaml_fields& f, const YAML::Node& item) {
                std::optional<plan_service> none;
                if (!f.has("prefix")) missing(f, item, "prefix", "");
                if (!f.has("type")) missing(f, item, "type", "");
                auto prefix = digits_value(f, "prefix", 1, max_e164_digits, "BAD_PREFIX");
                auto type = read_type(f);
                auto lengths = read_lengths(f, "lengths", prefix ? prefix->size() : 1);
                if (!prefix || !type || (f.has("lengths") && !lengths)) return none;
                plan_service s;
                s.prefix = *prefix;
                s.type = *type;
                s.lengths = lengths.value_or(0);
                s.where = location_of(f.node("prefix"));
                return std::optional<plan_service>(std::move(s));
            });
        reject_duplicates(items, &plan_service::prefix, [](const std::string& k) {
            return fmt::format("service prefix '{}'", k);
        });
        return items;
    }

    std::vector<plan_short_code> read_short_codes(const YAML::Node& list) {
        auto items = read_list<plan_short_code>(
            list, "short_codes", [&](yaml_fields& f, const YAML::Node& item) {
                std::optional<plan_short_code> none;
                if (!f.has("code")) missing(f, item, "code", "");
                auto code = digits_value(f, "code", 1, max_e164_digits, "BAD_PREFIX");
                if (!code) return none;
                return std::optional<plan_short_code>(
                    plan_short_code{*code, location_of(f.node("code"))});
            });
        reject_duplicates(items, &plan_short_code::code,
                          [](const std::string& k) { return fmt::format("short code '{}'", k); });
        return items;
    }

    void read_ranges(const YAML::Node& list, plan_file& out) {
        out.ranges =
            read_list<plan_range>(list, "ranges", [&](yaml_fields& f, const YAML::Node& item) {
                std::optional<plan_range> none;
                if (!f.has("prefix")) missing(f, item, "prefix", "");
                if (!f.has("type") && !f.has("country"))
                    f.error(item, "MISSING_KEY",
                            fmt::format("'{}' needs 'type' or 'country'", item_name(f)));
                auto prefix = f.get_string("prefix");
                if (prefix && (prefix->size() < 2 || (*prefix)[0] != '+' ||
                               !all_digits(std::string_view(*prefix).substr(1)) ||
                               prefix->size() > max_e164_digits + 1)) {
                    f.error(f.node("prefix"), "BAD_PREFIX",
                            fmt::format("'{}': '{}' must be '+' followed by 1 to 15 digits",
                                        f.path("prefix"), *prefix));
                    prefix.reset();
                }
                auto type = read_type(f);
                auto country = read_country(f);
                auto lengths = read_lengths(f, "lengths", 1);
                if (f.has("lengths") && !f.has("type")) {
                    f.error(f.node("lengths"), "BAD_VALUE",
                            fmt::format("'{}' restricts 'type', which is not given",
                                        f.path("lengths")));
                    return none;
                }
                if (!prefix || (f.has("type") && !type) || (f.has("country") && !country) ||
                    (f.has("lengths") && !lengths))
                    return none;
                plan_range r;
                r.prefix = prefix->substr(1);
                r.type = type;
                r.country = country.value_or("");
                r.lengths = lengths.value_or(0);
                r.where = location_of(f.node("prefix"));
                return std::optional<plan_range>(std::move(r));
            });
        reject_duplicates(out.ranges, &plan_range::prefix,
                          [](const std::string& k) { return fmt::format("range +{}", k); });
    }

    const std::string& path_;
    std::vector<diagnostic>& diags_;
};

}  // namespace

plan_file read_plan_file(const std::string& path, std::vector<diagnostic>& diagnostics) {
    std::string text, why;
    if (!common::read_text_file(path, text, why)) {
        diagnostic d;
        d.code = "PLAN_FILE_READ";
        d.message = fmt::format("cannot read the plan file: {}", why);
        d.file = path;
        diagnostics.push_back(std::move(d));
        return plan_file{path, std::nullopt, {}};
    }
    if (const int line = common::second_yaml_document_line(text); line > 0) {
        diagnostic d;
        d.code = "PLAN_YAML_PARSE";
        d.message = "a second YAML document: a plan file is one document";
        d.file = path;
        d.line = line;
        d.column = 1;
        diagnostics.push_back(std::move(d));
        return plan_file{path, std::nullopt, {}};
    }
    YAML::Node doc;
    try {
        doc = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        diagnostic d;
        d.code = "PLAN_YAML_PARSE";
        const auto* parse = dynamic_cast<const YAML::ParserException*>(&e);
        d.message = parse != nullptr ? common::yaml_parse_message(*parse) : e.msg;
        d.file = path;
        if (e.mark.line >= 0) {
            d.line = e.mark.line + 1;
            d.column = e.mark.column + 1;
        }
        diagnostics.push_back(std::move(d));
        return plan_file{path, std::nullopt, {}};
    }
    return plan_reader(path, diagnostics).read(doc);
}

}  // namespace ringfence::model
