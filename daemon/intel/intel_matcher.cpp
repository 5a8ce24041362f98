#include "intel/intel_matcher.hpp"

#include <chrono>

namespace ringfence::intel {

namespace {

engine::list_use use_of(engine::intel_kind k) {
    switch (k) {
        case engine::intel_kind::number_prefix: return engine::list_use::number_prefix;
        case engine::intel_kind::ip: return engine::list_use::ip_cidr;
        default: return engine::list_use::exact;
    }
}

class intel_matcher final : public engine::list_matcher {
public:
    intel_matcher(std::string name, std::shared_ptr<const live_list> list)
        : list_matcher(std::move(name), use_of(list->kind())), list_(std::move(list)) {}

    // Without a record time (never on the rule path, which uses match_at): as of now. The
    // view stays valid until this thread matches this list again.
    std::optional<std::string_view> match(std::string_view value) const override {
        const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
        if (const intel_entry* e = list_->pin().find(value, now)) return std::string_view(e->value);
        return std::nullopt;
    }

    bool match_at(std::string_view value, std::int64_t time_ms, engine::list_hit_detail* detail) const override {
        const intel_snapshot& snapshot = list_->pin();
        const intel_entry* e = snapshot.find(value, time_ms);
        if (!e) return false;
        if (detail) {
            detail->entry = e->value;
            detail->source = to_string(e->source);
            detail->reason = snapshot.reason_of(*e);
        }
        return true;
    }

    void prefetch(std::string_view value) const override { list_->pin().prefetch(value); }

    std::size_t size() const override { return list_->current()->size(); }
    bool holds_nothing() const override { return list_->pin().size() == 0; }  // no lock, as match_at
    std::size_t bytes() const override { return list_->current()->memory_bytes(); }

private:
    std::shared_ptr<const live_list> list_;
};

}  // namespace

std::unique_ptr<engine::list_matcher> make_intel_matcher(std::string name, std::shared_ptr<const live_list> list) {
    return std::make_unique<intel_matcher>(std::move(name), std::move(list));
}

}  // namespace ringfence::intel
