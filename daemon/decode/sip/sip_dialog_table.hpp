// Follows SIP dialogs by Call-ID and turns them into call events:
//   INVITE (first of its Call-ID)        -> call.attempt
//   18x to the INVITE                    -> marks ringing (no event)
//   2xx to the INVITE                    -> call.answer (ring_ms)
//   BYE                                  -> call.end, cause normal_clearing (ring_ms, talk_ms);
//                                           before the answer, cause bye_before_answer
//   CANCEL before a final response       -> waits for the INVITE's final response (RFC 3261
//                                           9.1): 487 (or any failure) ends it with cause cancel;
//                                           a 200 that crossed the CANCEL answers the call. A
//                                           CANCEL after the answer has no effect.
//   final 3xx-6xx to the INVITE          -> call.end, cause sip_<code>
//   401/407 (a digest challenge)         -> waits for the caller's new INVITE in the same
//                                           dialog; none within ended_linger_us: call.end,
//                                           cause sip_401/sip_407, at the challenge's time
//   no end within the timeouts           -> call.end, cause timeout_unanswered / timeout_no_bye
//   an INVITE with a To tag for a call not seen start (a re-INVITE)
//                                        -> no record (counted in_dialog_unknown)
//   MESSAGE (per Call-ID and CSeq)       -> sms.submit
// Retransmissions (repeated INVITE or MESSAGE, responses after the end) give no new event.
// Ended dialogs linger for ended_linger_us to absorb them. Memory is bounded by
// max_dialogs: a new dialog past it evicts the least recently active one, which ends with
// cause "evicted" (counted). Dialogs that lingered out are kept for the next calls, at most
// max_dialogs (up to 4096) of them with their strings' room, the others emptied; the
// dialogs' memory (~1 KiB each, in 2 MiB slabs: dialog_store.hpp) and the Call-ID index keep
// the size they grew to. All times are packet times, so a replay gives the live run's
// events.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "decode/packet/transport_packet.hpp"
#include "decode/sip/dialog_store.hpp"
#include "decode/sip/call_event.hpp"
#include "decode/sip/peer_origin_map.hpp"
#include "decode/sip/sip_counters.hpp"
#include "decode/sip/sip_message.hpp"
#include "model/numbering_plan.hpp"

namespace ringfence::decode::sip {

struct dialog_settings {
    std::size_t max_dialogs = 200000;
    std::int64_t unanswered_timeout_us = 300'000'000;   // 5 minutes of ringing
    std::int64_t answered_timeout_us = 14'400'000'000;  // 4 hours with no BYE
    std::int64_t ended_linger_us = 32'000'000;          // RFC 3261 Timer B/F: 64*T1
};

class sip_dialog_table {
  public:
    sip_dialog_table(dialog_settings settings, const peer_origin_map& origins,
                     sip_counters& counters, call_event_sink& sink);
    ~sip_dialog_table();
    sip_dialog_table(const sip_dialog_table&) = delete;
    sip_dialog_table& operator=(const sip_dialog_table&) = delete;

    // With a plan, an optional identity (P-Asserted-Identity, Remote-Party-ID, Diversion)
    // that the plan would refuse (a feature code, a mistyped number) is left out of the
    // record, so a malformed header never costs the call its record and decision.
    void use_plan(const model::numbering_plan* plan) noexcept { plan_ = plan; }

    // One message, with the packet that carried it (time, addresses).
    void on_message(const sip_message& message, const packet::transport_packet& packet);

    // Ends dialogs past their timeouts as of now_us (packet time). Called by on_message at
    // most once per second of the dialogs' clock.
    void expire(std::int64_t now_us);
    // A live source's quiet moment (live capture, HEP): now_us is its current time, which the
    // clock moves to (a link quiet for a night takes its next message in step), then expire.
    void idle(std::int64_t now_us) {
        if (now_us > clock_us_) clock_us_ = now_us;
        expire(clock_us_);
    }

    // The dialogs' clock: the newest packet time. It follows a source's packets forward by
    // up to clock_max_forward_us at a step (a quiet link goes minutes or hours without a
    // message, and its timeouts must come on time; a live source's idle ticks move it too,
    // however long the quiet) and takes a message up to
    // clock_max_back_us older (mirroring agents' clocks, each within a minute of the
    // arrival: hep_packet.hpp's message_time_us). A message stamped further from it (a
    // stray timestamp: a pcapng block with none, a packet a year ahead) is taken at the
    // clock's time and does not move it, so it neither ends every open call as timed out
    // nor dates its own record wrong; clock_confirm_messages in a row that agree move it
    // (a host clock stepped). A new source (restart_clock: the next file of a replay, in
    // any order) starts it again from its first message. 0 before the first message.
    std::int64_t clock_us() const noexcept { return clock_us_; }
    void restart_clock() noexcept { clock_restarts_ = true; }
    static constexpr std::int64_t clock_max_back_us = 60'000'000;
    static constexpr std::int64_t clock_max_forward_us = 24LL * 3600 * 1'000'000;
    static constexpr int clock_confirm_messages = 16;

    // The capture ended: calls whose end was already signalled (a CANCEL, or a challenge not
    // retried) are ended with that cause; calls still ringing or talking are left open (a
    // file may stop in the middle of a call).
    void finish();

    std::size_t size() const noexcept { return dialogs_.size(); }
    std::size_t open_calls() const noexcept { return calling_.size() + waiting_.size() + answered_.size(); }

    // A message of this Call-ID is coming: start loading where its dialog is looked up.
    void prefetch(std::string_view call_id) const noexcept { dialogs_.prefetch(call_id); }

  private:
    // waiting: a CANCEL or a digest challenge came before any final answer; the dialog ends
    // as pending_cause unless the call goes on within ended_linger_us.
    enum class phase : std::uint8_t { calling, waiting, answered, ended };
    struct dialog {
        // What every message of the call reads or moves, together at the front, the Call-ID
        // the lookup compares among them: one or two cache lines per message.
        phase state = phase::calling;
        std::uint32_t cseq = 0;  // of the INVITE or MESSAGE that made it
        std::int64_t last_us = 0;
        dialog* prev = nullptr;  // in the list of its phase (dialog_list)
        dialog* next = nullptr;
        inline_call_id call_id;
        std::string caller, callee, asserted, diversion, user_agent, origin_ip, trunk;
        model::origin_kind origin_kind = model::origin_kind::unspecified;
        std::int64_t invite_us = 0;
        std::int64_t ringing_us = 0;
        std::int64_t answer_us = 0;
        std::int64_t pending_us = 0;  // waiting: when the CANCEL or the challenge came
        std::string pending_cause;    // waiting: "cancel", "sip_401", "sip_407"
        std::string from_tag;         // a new INVITE with another From tag is another call
        std::string answered_tag;     // the To tag of the 2xx that answered: the fork that talks
        // Filled by the first record built from the call (emit hands it on, from a const
        // dialog: a memo of what the call's strings read as, not the call's state).
        mutable party_numbers numbers;
    };

    dialog_list<dialog>& list_of(phase p) noexcept;
    dialog* find(std::string_view call_id);
    dialog& create(const sip_message& message, const packet::transport_packet& packet);
    // Sets every field of a dialog (new, or reused from the pool) for the call message starts.
    void fill(dialog& d, const sip_message& message, const packet::transport_packet& packet);
    void move_to(dialog& d, phase p, std::int64_t now_us);
    void end(dialog& d, std::int64_t now_us, std::string_view cause);
    void remove(dialog& d);
    void emit(const dialog& d, model::event_kind kind, std::int64_t now_us,
              std::string_view cause = {}, std::string_view sms_text = {});

    void on_invite(const sip_message& message, const packet::transport_packet& packet);
    void on_message_request(const sip_message& message, const packet::transport_packet& packet);
    void on_response(const sip_message& message, const packet::transport_packet& packet);
    void on_bye_or_cancel(const sip_message& message, const packet::transport_packet& packet);
    void wait_for_final(dialog& d, std::int64_t now_us, std::string_view cause);
    void end_as_pending(dialog& d);  // a waiting dialog ends as it was going to, at that time
    // A clock step confirmed: every dialog's times move by it.
    void shift_dialogs(std::int64_t by_us);
    // packet, or a copy of it dated at the dialog's last message when it is stamped earlier.
    const packet::transport_packet& in_dialog_time(const dialog& d, const packet::transport_packet& packet);
    packet::transport_packet in_dialog_packet_;
    static bool cancelling(const dialog& d) noexcept { return d.state == phase::waiting && d.pending_cause == "cancel"; }

    dialog_settings settings_;
    const peer_origin_map& origins_;
    sip_counters& counters_;
    call_event_sink& sink_;
    // Every dialog lives in the pool; the index and lists point into it. Declared before
    // them, it is destroyed after them.
    dialog_pool<dialog> pool_;
    dialog_index<dialog> dialogs_;                                // by Call-ID
    dialog_list<dialog> calling_, waiting_, answered_, ended_;  // least recently active first
    std::int64_t last_expire_us_ = 0;
    std::int64_t clock_us_ = 0;
    int off_clock_run_ = 0;  // messages in a row stamped outside the clock's steps
    bool clock_restarts_ = false;  // the next message sets the clock (a new source)
    // Moves the clock for a packet; returns the time its message is taken at.
    std::int64_t advance_clock(std::int64_t packet_us);
    void dispatch(const sip_message& message, const packet::transport_packet& packet);
    std::string cause_buffer_;
    const model::numbering_plan* plan_ = nullptr;
    model::number_info scratch_number_;
    bool acceptable_identity(const std::string& user, bool numbers_only);
    std::string text_buffer_;  // a MESSAGE body converted to UTF-8
};

}  // namespace ringfence::decode::sip
