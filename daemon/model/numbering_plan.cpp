// Loading: read every plan file, check what only the whole set can tell (country codes,
// shared-code refinements, the home country), then compile the ITU table and the files'
// ranges into the E.164 trie and the home country's short codes and services into the
// dialled-digits trie. Later files may override the type or country of an earlier file's
// prefix; within one file a prefix is given once.
#include "model/numbering_plan.hpp"

#include <fmt/format.h>

#include <map>
#include <optional>
#include <utility>

#include "model/country_codes.hpp"
#include "model/numbering_plan_impl.hpp"
#include "model/numbering_plan_reader.hpp"

namespace ringfence::model {

namespace {

using common::diagnostic;

constexpr std::size_t max_e164_digits = 15;

class plan_compiler {
  public:
    plan_compiler(const numbering_settings& settings, std::vector<diagnostic>& diagnostics)
        : settings_(settings), diags_(diagnostics) {
        for (const auto& e : country_code_table()) {
            if (!e.is_default) continue;
            e164_prefix_info& info = prefixes_[std::string(e.code)];
            info.country_code_length = static_cast<std::uint8_t>(e.code.size());
            set_country(info, e.country);
        }
    }

    void add_file(const plan_file& file) {
        if (file.national) add_national(file, *file.national);
        for (const auto& r : file.ranges) add_range(file.path, r);
    }

    // Nothing when the set of files has errors; the diagnostics say why.
    std::optional<compiled_numbering_plan> finish() {
        if (home_ == nullptr) {
            diagnostic d;
            d.code = "PLAN_UNKNOWN_HOME_COUNTRY";
            d.message = fmt::format(
                "home country '{}' has no national plan: no plan file gives 'country: {}'",
                settings_.home_country, settings_.home_country);
            diags_.push_back(std::move(d));
        }
        if (common::has_errors(diags_)) return std::nullopt;

        std::optional<compiled_numbering_plan> p(std::in_place);
        p->home_country = home_->country;
        p->home_country_code = home_->country_code;
        p->trunk_prefix = home_->trunk_prefix;
        p->international_prefix = home_->international_prefix;
        p->nsn_lengths = home_->nsn_lengths;
        p->short_code_lengths = home_->short_code_lengths;
        p->accept_bare_country_code = settings_.accept_bare_country_code;

        digit_trie<e164_prefix_info>::builder e164;
        for (auto& [prefix, info] : prefixes_) e164.add(prefix, info);
        p->e164 = std::move(e164).build();

        std::map<std::string, dialled_info> dialled;
        for (const auto& s : home_->short_codes) dialled[s.code].is_short_code = true;
        for (const auto& s : home_->services) {
            dialled_info& info = dialled[s.prefix];
            info.is_service = true;
            info.service_lengths = s.lengths;
        }
        digit_trie<dialled_info>::builder home;
        for (auto& [digits, info] : dialled) home.add(digits, info);
        p->home_dialled = std::move(home).build();
        return p;
    }

  private:
    static void set_country(e164_prefix_info& info, std::string_view country) {
        info.has_country = true;
        info.country_length = static_cast<std::uint8_t>(country.size());
        info.country = {};
        for (std::size_t i = 0; i < country.size() && i < 2; ++i) info.country[i] = country[i];
    }

    void error(std::string code, std::string message, const std::string& file, plan_location at) {
        diagnostic d;
        d.code = std::move(code);
        d.message = std::move(message);
        d.file = file;
        d.line = at.line;
        d.column = at.column;
        diags_.push_back(std::move(d));
    }

    // The assigned country code that digits start with; empty when none does.
    static std::string_view country_code_in(std::string_view digits) {
        for (std::size_t n = 1; n <= 3 && n <= digits.size(); ++n)
            if (find_country_code(digits.substr(0, n)) != nullptr) return digits.substr(0, n);
        return {};
    }

    void add_national(const plan_file& file, const national_plan& plan) {
        bool ok = true;
        if (find_country_code(plan.country_code) == nullptr) {
            error("PLAN_UNKNOWN_COUNTRY_CODE",
                  fmt::format("'country_code': +{} is not an assigned E.164 country code",
                              plan.country_code),
                  file.path, plan.country_code_where);
            ok = false;
        } else if (!code_serves_country(plan.country_code, plan.country)) {
            error("PLAN_BAD_COUNTRY",
                  fmt::format("'country': {} is not served by country code +{}", plan.country,
                              plan.country_code),
                  file.path, plan.where);
            ok = false;
        }
        for (std::size_t n = 1; n < 16; ++n)
            if (mask_has(plan.nsn_lengths, n) && n + plan.country_code.size() > max_e164_digits) {
                error("PLAN_BAD_LENGTH",
                      fmt::format("'nsn_lengths': {} digits after +{} exceed the 15 digits of "
                                  "E.164",
                                  n, plan.country_code),
                      file.path, plan.country_code_where);
                ok = false;
            }
        if (auto [it, fresh] = national_files_.emplace(plan.country, file.path); !fresh) {
            error("PLAN_DUPLICATE_COUNTRY",
                  fmt::format("the national plan of {} is already given in {}", plan.country,
                              it->second),
                  file.path, plan.where);
            ok = false;
        }
        if (!ok) return;
        for (const auto& s : plan.services) {
            plan_range r;
            r.prefix = plan.country_code + s.prefix;
            r.type = s.type;
            r.lengths = s.lengths;
            r.where = s.where;
            add_range(file.path, r);
        }
        if (plan.country == settings_.home_country) home_ = &plan;
    }

    void add_range(const std::string& file, const plan_range& r) {
        const std::string_view cc = country_code_in(r.prefix);
        if (cc.empty()) {
            error("PLAN_BAD_PREFIX",
                  fmt::format("range +{} does not start with an assigned country code", r.prefix),
                  file, r.where);
            return;
        }
        if (!r.country.empty() && !code_serves_country(cc, r.country)) {
            error("PLAN_BAD_COUNTRY",
                  fmt::format("range +{}: {} is not served by country code +{}", r.prefix,
                              r.country, cc),
                  file, r.where);
            return;
        }
        const std::size_t national_digits = r.prefix.size() - cc.size();
        for (std::size_t n = 1; n < 16; ++n) {
            if (!mask_has(r.lengths, n)) continue;
            if (n < national_digits || n + cc.size() > max_e164_digits) {
                error("PLAN_BAD_LENGTH",
                      fmt::format("range +{}: no number of {} digits after +{} can {}", r.prefix, n,
                                  cc,
                                  n < national_digits ? "start with this prefix"
                                                      : "fit in the 15 digits of E.164"),
                      file, r.where);
                return;
            }
        }
        e164_prefix_info& info = prefixes_[r.prefix];
        if (r.type) {
            info.has_type = true;
            info.type = *r.type;
            info.lengths = r.lengths;
        }
        if (!r.country.empty()) set_country(info, r.country);
    }

    const numbering_settings& settings_;
    std::vector<diagnostic>& diags_;
    std::map<std::string, e164_prefix_info> prefixes_;
    std::map<std::string, std::string> national_files_;  // country -> file
    const national_plan* home_ = nullptr;
};

}  // namespace

common::loaded<numbering_plan> numbering_plan::load(const numbering_settings& settings) {
    common::loaded<numbering_plan> result;
    std::vector<plan_file> files;
    files.reserve(settings.plan_files.size());
    for (const auto& path : settings.plan_files)
        files.push_back(read_plan_file(path, result.diagnostics));
    plan_compiler compiler(settings, result.diagnostics);
    for (const auto& f : files) compiler.add_file(f);
    if (auto compiled = compiler.finish()) {
        auto p = std::make_unique<impl>();
        p->plan = std::move(*compiled);
        result.value.emplace(numbering_plan(std::move(p)));
    }
    return result;
}

const std::string& numbering_plan::home_country() const noexcept {
    return impl_->plan.home_country;
}

const std::string& numbering_plan::home_country_code() const noexcept {
    return impl_->plan.home_country_code;
}

numbering_plan::numbering_plan(std::unique_ptr<impl> p) : impl_(std::move(p)) {}
numbering_plan::numbering_plan(numbering_plan&&) noexcept = default;
numbering_plan& numbering_plan::operator=(numbering_plan&&) noexcept = default;
numbering_plan::~numbering_plan() = default;

}  // namespace ringfence::model
