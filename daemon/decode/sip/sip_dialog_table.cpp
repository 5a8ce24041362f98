#include "decode/sip/sip_dialog_table.hpp"

#include <algorithm>

#include "common/find_any.hpp"
#include "decode/smpp/gsm7.hpp"
#include "decode/smpp/sms_text.hpp"
#include "model/dial_string.hpp"

#include <fmt/format.h>

namespace ringfence::decode::sip {

namespace {

constexpr std::int64_t expire_every_us = 1'000'000;
constexpr std::size_t kept_text_capacity = 256;

bool is_method(std::string_view method, std::string_view expected) noexcept {
    return method == expected;
}

std::int64_t ms_between(std::int64_t from_us, std::int64_t to_us) noexcept {
    return to_us > from_us ? (to_us - from_us) / 1000 : 0;
}

// The asserted identity: P-Asserted-Identity, else the older Remote-Party-ID.
std::string_view asserted_user(const sip_message& m) noexcept {
    if (!m.p_asserted_identity.user.empty()) return m.p_asserted_identity.user;
    return m.remote_party_id.user;
}

// The value of a Content-Type's charset parameter, lower-cased ("" when there is none).
std::string charset_of(std::string_view content_type) {
    std::string lower;
    for (char c : content_type) lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    const std::size_t at = lower.find("charset=");
    if (at == std::string::npos) return {};
    std::string value = lower.substr(at + 8);
    value = value.substr(0, common::find_any(value, "; \t"));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return value;
}

// A text body in UTF-8 as the record carries it (RFC 3428 bodies default to UTF-8): a
// Latin-1 or UTF-16 charset is converted, so smishing rules read the same text as from SMPP.
std::string_view body_as_utf8(std::string_view content_type, std::string_view body, std::string& buffer) {
    const std::string charset = charset_of(content_type);
    buffer.clear();
    if (charset == "iso-8859-1" || charset == "latin1" || charset == "iso_8859-1") {
        smpp::append_text_utf8(smpp::text_coding::latin1, body, buffer);
        return buffer;
    }
    if (charset == "windows-1252" || charset == "cp1252") {
        // Latin-1 but for 0x80-0x9F, where Windows put punctuation and the euro sign.
        static constexpr std::uint16_t high[32] = {0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
        for (const char c : body) {
            const auto b = static_cast<unsigned char>(c);
            smpp::append_utf8(b >= 0x80 && b < 0xA0 ? high[b - 0x80] : b, buffer);
        }
        return buffer;
    }
    if (charset == "utf-16" || charset == "utf-16be" || charset == "utf-16le" || charset == "ucs-2") {
        bool little = charset == "utf-16le";
        if (body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0xFF && static_cast<unsigned char>(body[1]) == 0xFE) {
            little = true;
            body.remove_prefix(2);
        } else if (body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0xFE && static_cast<unsigned char>(body[1]) == 0xFF) {
            little = false;
            body.remove_prefix(2);
        }
        std::string units(body);
        if (little)
            for (std::size_t i = 0; i + 1 < units.size(); i += 2) std::swap(units[i], units[i + 1]);
        smpp::append_text_utf8(smpp::text_coding::ucs2, units, buffer);
        return buffer;
    }
    return body;
}

bool is_text(std::string_view content_type) noexcept {
    return content_type.size() >= 5 &&
           (content_type.substr(0, 5) == "text/" || content_type.substr(0, 5) == "Text/" ||
            content_type.substr(0, 5) == "TEXT/");
}

}  // namespace

sip_dialog_table::sip_dialog_table(dialog_settings settings, const peer_origin_map& origins,
                                   sip_counters& counters, call_event_sink& sink)
    : settings_(settings),
      origins_(origins),
      counters_(counters),
      sink_(sink),
      pool_(std::min<std::size_t>(4096, settings.max_dialogs)) {}

// The pool destroys every dialog it built, those still in the lists too.
sip_dialog_table::~sip_dialog_table() = default;

dialog_list<sip_dialog_table::dialog>& sip_dialog_table::list_of(phase p) noexcept {
    switch (p) {
        case phase::calling:
            return calling_;
        case phase::waiting:
            return waiting_;
        case phase::answered:
            return answered_;
        case phase::ended:
            break;
    }
    return ended_;
}

sip_dialog_table::dialog* sip_dialog_table::find(std::string_view call_id) {
    dialog* d = dialogs_.find(call_id);
    // The lookup read the dialog's first cache line; the message's handling goes on to its
    // phase and times, and a record built from it to its strings and number readings: the
    // rest of its ~1 KB. A dialog is cold by its call's next message (thousands of packets
    // and other calls' rule state in between), and read as the code reaches each field, the
    // lines came one after another; asked for all at once they come together. `bench
    // replay` (docs/performance.md): 821,000 -> 929,000 packets/s decoded and decided,
    // median of 8 alternated runs.
    if (d != nullptr) {
        const char* bytes = reinterpret_cast<const char*>(d);
        for (std::size_t at = 64; at < sizeof(dialog); at += 64) __builtin_prefetch(bytes + at);
    }
    return d;
}

sip_dialog_table::dialog& sip_dialog_table::create(const sip_message& m,
                                                   const packet::transport_packet& packet) {
    if (dialogs_.size() >= settings_.max_dialogs) {
        // Ended dialogs go first (they only absorb retransmissions), then the least
        // recently active open one.
        if (!ended_.empty()) {
            remove(*ended_.front());
        } else {
            // A call waiting for its final response is nearly over: it goes first.
            dialog& victim = !waiting_.empty() ? *waiting_.front() : !calling_.empty() ? *calling_.front() : *answered_.front();
            ++counters_.dialogs_evicted;
            end(victim, packet.time_us, "evicted");
            remove(victim);
        }
    }
    // Filled before it is indexed and listed: an allocation that fails on the way leaves
    // no half-made dialog in the table (the pool takes it back).
    dialog& d = *pool_.take();
    try {
        fill(d, m, packet);
        dialogs_.insert(&d);
    } catch (...) {
        pool_.give_back(&d);
        throw;
    }
    calling_.push_back(&d);
    ++counters_.dialogs_created;
    return d;
}

void sip_dialog_table::fill(dialog& d, const sip_message& m, const packet::transport_packet& packet) {
    d.call_id.assign(m.call_id);
    assign_unescaped_user(d.caller, m.from.user);
    // A From with no user part ("Anonymous" <sip:10.0.0.1>) hides the caller, as RFC 3323's
    // anonymous@anonymous.invalid does: the call is still decided, its caller a name.
    if (d.caller.empty()) d.caller = "anonymous";
    assign_unescaped_user(d.callee, !m.to.user.empty() ? m.to.user : m.request_user);
    // No user in the To nor in the Request-URI (INVITE sip:@10.0.0.1, a probe of the host
    // itself, as scanners send): still a call to decide, its callee a name.
    if (d.callee.empty()) d.callee = "anonymous";
    assign_unescaped_user(d.asserted, asserted_user(m));
    if (!acceptable_identity(d.asserted, false)) d.asserted.clear();
    assign_unescaped_user(d.diversion, m.diversion.user);
    if (!acceptable_identity(d.diversion, true)) d.diversion.clear();
    d.from_tag.assign(m.from.tag);
    d.user_agent.assign(m.user_agent);
    d.origin_ip.clear();
    packet.src.append_to(d.origin_ip);
    const peer_origin_map::match origin = origins_.find(packet.src);
    d.origin_kind = origin.kind;
    d.trunk.assign(origin.trunk);
    d.invite_us = packet.time_us;
    d.ringing_us = 0;
    d.answer_us = 0;
    d.last_us = packet.time_us;
    d.pending_us = 0;
    d.pending_cause.clear();
    d.cseq = m.cseq_number;
    d.answered_tag.clear();
    d.numbers.plan = nullptr;  // the parties are new: read again
    d.state = phase::calling;
    d.prev = d.next = nullptr;
}

bool sip_dialog_table::acceptable_identity(const std::string& user, bool numbers_only) {
    if (user.empty()) return true;
    const model::dial_string s = model::dial_string::scan(user);
    if (s.kind != model::dial_string::form::digits && (numbers_only || s.kind != model::dial_string::form::alphanumeric)) return false;
    if (plan_ == nullptr) return true;
    return plan_->normalize(user, scratch_number_) == model::normalize_error::none && !model::looks_like_mistyped_number(scratch_number_);
}

void sip_dialog_table::move_to(dialog& d, phase p, std::int64_t now_us) {
    list_of(d.state).erase(&d);
    list_of(p).push_back(&d);
    d.state = p;
    d.last_us = now_us;
}

void sip_dialog_table::remove(dialog& d) {
    list_of(d.state).erase(&d);
    dialogs_.erase(&d);
    // A kept dialog keeps its strings' room for the next call, but not a long one's: one
    // call with a 4 KiB User-Agent must not hold 4 KiB in the pool for good.
    if (d.call_id.heap_capacity() > kept_text_capacity) d.call_id.release_heap();
    for (std::string* text : {&d.caller, &d.callee, &d.asserted, &d.diversion, &d.user_agent, &d.origin_ip, &d.trunk,
                              &d.pending_cause, &d.from_tag, &d.answered_tag})
        if (text->capacity() > kept_text_capacity) std::string().swap(*text);
    pool_.give_back(&d);
}

void sip_dialog_table::emit(const dialog& d, model::event_kind kind, std::int64_t now_us,
                            std::string_view cause, std::string_view sms_text) {
    call_event e;
    e.kind = kind;
    e.time_us = now_us;
    e.call_id = d.call_id;
    e.caller = d.caller;
    e.callee = d.callee;
    e.asserted = d.asserted;
    e.diversion = d.diversion;
    e.origin_kind = d.origin_kind;
    e.trunk = d.trunk;
    e.origin_ip = d.origin_ip;
    e.user_agent = d.user_agent;
    e.cause = cause;
    e.sms_text = sms_text;
    e.numbers = &d.numbers;
    // Ringing is the time from the first 18x (the callee's phone alerting) to the answer or
    // the end, as a one-ring call is judged: not the set-up before it (routing, a digest
    // challenge and the INVITE sent again), which on international routes alone takes
    // seconds. A call that never rang rang for 0 ms.
    // An 18x that crossed the CANCEL on the wire (seen after it) still says the phone rang:
    // at least 1 ms, never the 0 of a call that did not ring.
    const auto rang_until = [&](std::int64_t until_us) -> std::int64_t {
        if (d.ringing_us == 0) return 0;
        return std::max<std::int64_t>(1, ms_between(d.ringing_us, until_us));
    };
    if (kind == model::event_kind::call_answer) {
        e.ring_ms = rang_until(now_us);
    } else if (kind == model::event_kind::call_end) {
        const std::int64_t answered = d.state == phase::answered ? d.answer_us : 0;
        e.ring_ms = rang_until(answered != 0 ? answered : now_us);
        e.talk_ms = answered != 0 ? ms_between(answered, now_us) : 0;
    }
    ++counters_.records;
    sink_.on_call_event(e);
}

void sip_dialog_table::end(dialog& d, std::int64_t now_us, std::string_view cause) {
    emit(d, model::event_kind::call_end, now_us, cause);
    move_to(d, phase::ended, now_us);
}

std::int64_t sip_dialog_table::advance_clock(std::int64_t packet_us) {
    const std::int64_t off = packet_us - clock_us_;
    const bool in_step = off >= -clock_max_back_us && off <= clock_max_forward_us;
    if (clock_us_ == 0 || clock_restarts_) {
        // The first message, or the first of a new source (a file): its time is the clock.
        if (clock_us_ != 0 && !in_step) ++counters_.clock_jumps;
        clock_us_ = packet_us;
        clock_restarts_ = false;
        off_clock_run_ = 0;
        return packet_us;
    }
    if (in_step) {
        clock_us_ = std::max(clock_us_, packet_us);
        off_clock_run_ = 0;
        return packet_us;
    }
    if (++off_clock_run_ < clock_confirm_messages) {
        ++counters_.clock_outliers;
        return clock_us_;  // taken at the clock's time, so it neither ends its call nor dates it wrong
    }
    // A real move within one source (a host clock stepped, a capture restarted in place).
    // The calls in progress move with it: their times so far were on the old clock (those
    // that started during the confirming messages, at its time), and left behind they
    // would time out at a step forward, or talk for no time and end before they began at a
    // step back.
    shift_dialogs(packet_us - clock_us_);
    clock_us_ = packet_us;
    off_clock_run_ = 0;
    ++counters_.clock_jumps;
    return packet_us;
}

void sip_dialog_table::shift_dialogs(std::int64_t by_us) {
    const auto shift = [by_us](std::int64_t& t) {
        if (t != 0) t += by_us;
    };
    for (dialog_list<dialog>* list : {&calling_, &waiting_, &answered_, &ended_}) {
        for (dialog* d = list->front(); d != nullptr; d = d->next) {
            shift(d->last_us);
            shift(d->invite_us);
            shift(d->ringing_us);
            shift(d->answer_us);
            shift(d->pending_us);
        }
    }
    last_expire_us_ += by_us;
}

void sip_dialog_table::on_message(const sip_message& m, const packet::transport_packet& packet) {
    const std::int64_t at_us = advance_clock(packet.time_us);
    if (clock_us_ - last_expire_us_ >= expire_every_us || clock_us_ < last_expire_us_) expire(clock_us_);
    if (at_us != packet.time_us) {
        packet::transport_packet at_clock = packet;
        at_clock.time_us = at_us;
        dispatch(m, at_clock);
        return;
    }
    dispatch(m, packet);
}

void sip_dialog_table::dispatch(const sip_message& m, const packet::transport_packet& packet) {
    if (m.call_id.empty()) {
        ++counters_.without_call_id;
        return;
    }
    if (m.is_request) {
        if (is_method(m.method, "INVITE")) {
            on_invite(m, packet);
        } else if (is_method(m.method, "MESSAGE")) {
            on_message_request(m, packet);
        } else if (is_method(m.method, "BYE") || is_method(m.method, "CANCEL")) {
            on_bye_or_cancel(m, packet);
        } else if (dialog* d = find(m.call_id); d != nullptr && d->state != phase::ended) {
            move_to(*d, d->state, packet.time_us);  // ACK, PRACK, UPDATE, INFO: the dialog is alive
        }
        return;
    }
    on_response(m, packet);
}

void sip_dialog_table::on_bye_or_cancel(const sip_message& m, const packet::transport_packet& packet_in) {
    dialog* d = find(m.call_id);
    if (d == nullptr || d->state == phase::ended) return;  // a call we did not see start, or a repeat
    const packet::transport_packet& packet = in_dialog_time(*d, packet_in);
    const bool cancel = is_method(m.method, "CANCEL");
    if (d->state == phase::answered) {
        // No effect once the INVITE has its final response (a CANCEL), or for a BYE that
        // closes another fork of a forked call (its tags are not the answering fork's).
        const bool other_fork = !cancel && !d->answered_tag.empty() && !m.to.tag.empty() && m.to.tag != d->answered_tag &&
                                m.from.tag != d->answered_tag;
        if (cancel || other_fork) {
            move_to(*d, phase::answered, packet.time_us);
            return;
        }
        ++counters_.dialogs_ended;
        end(*d, packet.time_us, "normal_clearing");
    } else if (cancel) {
        if (d->state == phase::calling) wait_for_final(*d, packet.time_us, "cancel");
    } else {
        ++counters_.dialogs_ended;
        end(*d, packet.time_us, cancelling(*d) ? "cancel" : "bye_before_answer");
    }
}

// A message of a call is never dated before the call's last step (its INVITE, first 18x,
// answer, CANCEL or challenge: a file not in time order, a mirror that reordered by more
// than its own jitter), so an end never comes before its attempt or answer. Other messages
// (retransmissions, 100 Trying, ACK) set no floor: a 180 mirrored behind a retransmitted
// INVITE still dates the ringing.
const packet::transport_packet& sip_dialog_table::in_dialog_time(const dialog& d, const packet::transport_packet& packet) {
    const std::int64_t floor_us = std::max({d.invite_us, d.ringing_us, d.answer_us, d.state == phase::waiting ? d.pending_us : 0});
    if (packet.time_us >= floor_us) return packet;
    ++counters_.dialog_times_raised;
    in_dialog_packet_ = packet;
    in_dialog_packet_.time_us = floor_us;
    return in_dialog_packet_;
}

void sip_dialog_table::end_as_pending(dialog& d) {
    ++counters_.dialogs_ended;
    end(d, d.pending_us, d.pending_cause);
}

void sip_dialog_table::wait_for_final(dialog& d, std::int64_t now_us, std::string_view cause) {
    d.pending_us = now_us;
    d.pending_cause.assign(cause);
    move_to(d, phase::waiting, now_us);
}

void sip_dialog_table::on_invite(const sip_message& m, const packet::transport_packet& packet) {
    if (dialog* d = find(m.call_id); d != nullptr && d->state == phase::ended && (m.cseq_number > d->cseq || m.from.tag != d->from_tag)) {
        // The call ended (a 3xx redirect, a 422) and a new INVITE follows in the same
        // Call-ID with a higher CSeq (RFC 3261 8.1.3.4), or another caller reuses the
        // Call-ID: a new call, not a retransmission.
        remove(*d);
    }
    if (dialog* d = find(m.call_id); d != nullptr) {
        // A retransmission, a retry after a digest challenge, or a re-INVITE: same call.
        ++counters_.retransmissions;
        if (d->state == phase::waiting && !cancelling(*d) && m.cseq_number > d->cseq) {
            d->cseq = m.cseq_number;  // the caller answered the challenge: the call goes on
            move_to(*d, phase::calling, packet.time_us);
        } else if (d->state != phase::ended) {
            move_to(*d, d->state, packet.time_us);
        }
        return;
    }
    if (!m.to.tag.empty()) {
        // A re-INVITE of a call whose start we did not see (capture began mid-call, or the
        // dialog was evicted): not a new call.
        ++counters_.in_dialog_unknown;
        return;
    }
    dialog& d = create(m, packet);
    emit(d, model::event_kind::call_attempt, packet.time_us);
}

void sip_dialog_table::on_message_request(const sip_message& m,
                                          const packet::transport_packet& packet) {
    if (dialog* d = find(m.call_id); d != nullptr) {
        if (d->cseq == m.cseq_number || d->state != phase::ended) {
            ++counters_.retransmissions;
            return;
        }
        remove(*d);  // a new MESSAGE in the same Call-ID (RFC 3428 allows reuse with a new CSeq)
    }
    dialog& d = create(m, packet);
    ++counters_.sms_messages;
    emit(d, model::event_kind::sms_submit, packet.time_us, {},
         is_text(m.content_type) ? body_as_utf8(m.content_type, m.body, text_buffer_) : std::string_view{});
    move_to(d, phase::ended, packet.time_us);
}

void sip_dialog_table::on_response(const sip_message& m, const packet::transport_packet& packet_in) {
    dialog* d = find(m.call_id);
    if (d == nullptr || d->state == phase::ended || m.cseq_method != "INVITE") return;
    const packet::transport_packet& packet = in_dialog_time(*d, packet_in);
    const int code = m.status_code;
    if (d->state == phase::answered) {
        move_to(*d, phase::answered, packet.time_us);  // a re-INVITE's answer, a 200 retransmitted
        return;
    }
    const bool cancelled = cancelling(*d);
    if (code >= 180 && code < 200) {
        if (d->ringing_us == 0) d->ringing_us = packet.time_us;
        move_to(*d, d->state, packet.time_us);
    } else if (code >= 200 && code < 300) {
        // Also after a CANCEL: the callee answered before the CANCEL reached it.
        ++counters_.dialogs_answered;
        emit(*d, model::event_kind::call_answer, packet.time_us);
        d->answer_us = packet.time_us;
        d->answered_tag.assign(m.to.tag);  // the fork that answered (RFC 3261 forking)
        move_to(*d, phase::answered, packet.time_us);
    } else if ((code == 401 || code == 407) && !cancelled) {
        // A digest challenge: the caller may retry in this dialog (on_invite).
        if (d->state == phase::calling) wait_for_final(*d, packet.time_us, code == 401 ? "sip_401" : "sip_407");
    } else if (code >= 300) {
        ++counters_.dialogs_ended;
        cause_buffer_ = cancelled ? std::string("cancel") : fmt::format("sip_{}", code);
        end(*d, cancelled ? d->pending_us : packet.time_us, cause_buffer_);  // a cancelled call rang until the CANCEL
    } else {
        move_to(*d, d->state, packet.time_us);  // 100 Trying
    }
}

void sip_dialog_table::finish() {
    while (!waiting_.empty()) {
        end_as_pending(*waiting_.front());
    }
}

void sip_dialog_table::expire(std::int64_t now_us) {
    last_expire_us_ = now_us;
    while (!calling_.empty() &&
           now_us - calling_.front()->last_us > settings_.unanswered_timeout_us) {
        dialog& d = *calling_.front();
        ++counters_.dialogs_timed_out;
        end(d, d.last_us + settings_.unanswered_timeout_us, "timeout_unanswered");
    }
    while (!waiting_.empty() && now_us - waiting_.front()->last_us > settings_.ended_linger_us) {
        // No final response to a CANCEL, no new INVITE after a challenge: it ended then.
        end_as_pending(*waiting_.front());
    }
    while (!answered_.empty() &&
           now_us - answered_.front()->last_us > settings_.answered_timeout_us) {
        dialog& d = *answered_.front();
        ++counters_.dialogs_timed_out;
        end(d, d.last_us + settings_.answered_timeout_us, "timeout_no_bye");
    }
    while (!ended_.empty() && now_us - ended_.front()->last_us > settings_.ended_linger_us)
        remove(*ended_.front());
}

}  // namespace ringfence::decode::sip
