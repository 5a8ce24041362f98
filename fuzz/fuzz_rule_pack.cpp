// libFuzzer target for rule packs, the YAML that rule authors (and, in a local pack, anyone
// who can write the operator's files) hand the daemon: arbitrary bytes through the whole load
// path (YAML reader, collector, compiler). A pack either loads or fails with errors; every
// diagnostic names a place inside the text; a pack that loads decides a call and an SMS
// without crashing, hanging or overflowing the stack.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "engine/rule_engine.hpp"
#include "fuzz/fuzz_support.hpp"

namespace {

using namespace ringfence;

// The 1-based line count of text, plus one for an error reported just past its end.
int last_line(const std::string& text) {
    int lines = 1;
    for (const char c : text) lines += c == '\n' ? 1 : 0;
    return lines + 1;
}

model::record call_record() {
    model::record r;
    r.id = "c";
    r.kind = model::event_kind::call_attempt;
    r.time_ms = 1'795'000'000'000;
    fuzz::shipped_plan().normalize("+84912345678", r.caller);
    fuzz::shipped_plan().normalize("0987654321", r.callee);
    r.origin.kind = model::origin_kind::international;
    r.origin.ip = "203.0.113.7";
    return r;
}

model::record sms_record() {
    model::record r = call_record();
    r.id = "s";
    r.kind = model::event_kind::sms_submit;
    r.sms.present = true;
    r.sms.sender = "VCB";
    r.sms.text = "Chuyển khoản tại https://vcb-secure.example/x STK 0123456789";
    return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    engine::rule_engine_settings settings;
    settings.time_zone = "+07:00";
    settings.windows.memory_cap_bytes = 16 << 20;
    settings.windows.shards = 1;
    auto loaded = engine::rule_engine::create_from_text(settings, {{"pack.yaml", text}});
    const int lines = last_line(text);
    for (const auto& d : loaded.diagnostics) {
        fuzz::require(!d.code.empty() && !d.message.empty());
        // A place in the pack (or no place, for what concerns the whole set).
        fuzz::require(d.file.empty() || d.file == "pack.yaml" || d.line == 0);
        fuzz::require(d.line >= 0 && d.line <= lines && d.column >= 0);
    }
    if (!loaded.value) {
        fuzz::require(common::has_errors(loaded.diagnostics));
        return 0;
    }
    engine::decision d;
    (*loaded.value)->decide(call_record(), d);
    (*loaded.value)->decide(sms_record(), d);
    return 0;
}
