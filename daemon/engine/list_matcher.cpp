#include "engine/list_matcher.hpp"

#include <fmt/format.h>

#include "engine/lists/cidr_set.hpp"
#include "engine/lists/keyword_automaton.hpp"
#include "engine/lists/number_prefix_set.hpp"
#include "engine/lists/string_set.hpp"
#include "engine/rule_text.hpp"

namespace ringfence::engine {

namespace {

std::string_view digits_of(std::string_view number) {
    if (!number.empty() && number.front() == '+') number.remove_prefix(1);
    return number;
}

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

class exact_matcher final : public list_matcher {
public:
    exact_matcher(std::string name, lists::string_set set, bool suffixes = false)
        : list_matcher(std::move(name), list_use::exact), set_(std::move(set)), suffixes_(suffixes) {}
    std::optional<std::string_view> match(std::string_view v) const override {
        if (set_.contains(v)) return v;
        // ".gov.vn" holds moh.gov.vn: each tail of the domain from a dot on.
        if (suffixes_)
            for (std::size_t dot = v.find('.'); dot != std::string_view::npos; dot = v.find('.', dot + 1))
                if (set_.contains(v.substr(dot))) return v.substr(dot);  // the item, for the evidence
        return std::nullopt;
    }
    std::size_t size() const override { return set_.size(); }
    std::size_t bytes() const override { return set_.memory_bytes(); }

private:
    lists::string_set set_;
    bool suffixes_ = false;  // some item starts with "." (domain lists only)
};

// Matchers that report which item matched keep the items to name it in the evidence.
class prefix_matcher final : public list_matcher {
public:
    prefix_matcher(std::string name, lists::number_prefix_set set, std::vector<std::string> items)
        : list_matcher(std::move(name), list_use::number_prefix), set_(std::move(set)), items_(std::move(items)) {}
    std::optional<std::string_view> match(std::string_view v) const override {
        if (auto i = set_.longest_prefix(digits_of(v))) return items_[*i];
        return std::nullopt;
    }
    std::size_t size() const override { return items_.size(); }
    std::size_t bytes() const override { return set_.memory_bytes(); }

private:
    lists::number_prefix_set set_;
    std::vector<std::string> items_;
};

class cidr_matcher final : public list_matcher {
public:
    cidr_matcher(std::string name, lists::cidr_set set, std::vector<std::string> items)
        : list_matcher(std::move(name), list_use::ip_cidr), set_(std::move(set)), items_(std::move(items)) {}
    std::optional<std::string_view> match(std::string_view v) const override {
        if (auto i = set_.longest_match(v)) return items_[*i];
        return std::nullopt;
    }
    std::size_t size() const override { return items_.size(); }
    std::size_t bytes() const override { return set_.memory_bytes(); }

private:
    lists::cidr_set set_;
    std::vector<std::string> items_;
};

class keyword_matcher final : public list_matcher {
public:
    keyword_matcher(std::string name, list_use use, lists::keyword_automaton a, std::vector<std::string> items)
        : list_matcher(std::move(name), use), automaton_(std::move(a)), items_(std::move(items)) {}
    std::optional<std::string_view> match(std::string_view text) const override {
        if (auto i = automaton_.first_match(text)) return items_[*i];
        return std::nullopt;
    }
    std::size_t size() const override { return items_.size(); }
    std::size_t bytes() const override { return automaton_.memory_bytes(); }
    const std::vector<std::string>* keyword_items() const override { return &items_; }

private:
    lists::keyword_automaton automaton_;
    std::vector<std::string> items_;
};

}  // namespace

bool list_matcher::match_at(std::string_view value, std::int64_t, list_hit_detail* detail) const {
    const auto hit = match(value);
    if (hit && detail) {
        detail->entry.assign(*hit);
        detail->source.clear();
        detail->reason.clear();
    }
    return hit.has_value();
}

std::unique_ptr<list_matcher> list_matcher::build(std::string name, list_use use, const std::vector<std::string>& items,
                                                  std::string& error, std::size_t& bad_item, bool domain_suffixes) {
    error.clear();
    switch (use) {
        case list_use::exact: {
            lists::string_set::builder b;
            bool suffixes = false;
            for (const auto& i : items) {
                b.add(i);
                suffixes = suffixes || (domain_suffixes && i.size() > 1 && i[0] == '.');
            }
            return std::make_unique<exact_matcher>(std::move(name), std::move(b).build(), suffixes);
        }
        case list_use::number_prefix: {
            lists::number_prefix_set::builder b;
            for (std::size_t i = 0; i < items.size(); ++i) {
                if (!all_digits(digits_of(items[i]))) {
                    error = fmt::format("'{}' is not a number prefix (digits, optionally after +)", items[i]);
                    bad_item = i;
                    return nullptr;
                }
                b.add(digits_of(items[i]));
            }
            return std::make_unique<prefix_matcher>(std::move(name), std::move(b).build(), items);
        }
        case list_use::ip_cidr: {
            lists::cidr_set::builder b;
            for (std::size_t i = 0; i < items.size(); ++i) {
                std::string item = items[i];
                if (item.find('/') == std::string::npos) item += item.find(':') == std::string::npos ? "/32" : "/128";
                if (const auto err = b.add(item); err != lists::cidr_error{}) {
                    error = fmt::format("'{}' is not an IP address or CIDR range: {}", items[i], lists::to_string(err));
                    bad_item = i;
                    return nullptr;
                }
            }
            return std::make_unique<cidr_matcher>(std::move(name), std::move(b).build(), items);
        }
        case list_use::keywords:
        case list_use::keywords_folded: {
            lists::keyword_automaton::builder b(false);
            std::string composed;
            for (const auto& i : items) {
                if (i.empty()) {
                    error = "an empty keyword would match every text";
                    bad_item = static_cast<std::size_t>(&i - items.data());
                    return nullptr;
                }
                // Composed as the texts it is matched against are (rule_evaluator reads a
                // case-sensitive text with its combining marks composed); the item as written
                // is what evidence shows.
                compose_text_into(i, composed);
                b.add(composed);
            }
            return std::make_unique<keyword_matcher>(std::move(name), use, std::move(b).build(), items);
        }
    }
    return nullptr;
}

}  // namespace ringfence::engine
