// One client connection of the JSON-lines protocol (TCP or Unix socket): reads lines,
// answers each with exactly one line, in order. Replies that must wait for their log row
// (reply_after_commit) are held, with every reply behind them, until the writer says so.
#pragma once

#include <utility>  // Boost 1.74 Asio misses it under C++20 with g++ 12

#include <boost/asio.hpp>
#include <array>
#include <chrono>
#include <deque>
#include <optional>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ingest/record_line_processor.hpp"

namespace ringfence::ingest {

struct session_limits {
    std::size_t max_line_bytes = 64 * 1024;
    std::size_t max_pending_reply_bytes = 4 * 1024 * 1024;
};

template <class Protocol>
class jsonl_session final : public store::commit_listener,
                            public std::enable_shared_from_this<jsonl_session<Protocol>> {
public:
    using socket_type = typename Protocol::socket;

    jsonl_session(socket_type socket, pipeline_context& ctx, session_limits limits,
                  std::function<void()> on_closed);
    ~jsonl_session() override;

    void start();
    // Stop reading: lines already read are answered, then the connection closes.
    void stop();

    void on_committed(std::uint64_t up_to, bool ok) override;

private:
    void read_more();
    void on_read(const boost::system::error_code& ec, std::size_t n);
    void process_buffer(bool at_eof);
    void emit_reply(bool awaits_commit, engine::action decided = engine::action::allow);
    void release_held();
    void flush();
    void write_writing();  // writes what writing_ holds
    void on_written(const boost::system::error_code& ec, std::size_t n);
    void maybe_close();
    void drain();
    void watch_delivered();
    void finish_close();
    bool pending_too_large() const;

    socket_type socket_;
    boost::asio::strand<typename socket_type::executor_type> strand_;
    pipeline_context& ctx_;
    session_limits limits_;
    std::function<void()> on_closed_;
    record_line_processor processor_;

    std::vector<char> in_;
    std::size_t in_len_ = 0;
    bool discarding_ = false;  // inside a line that was too long: skip to its newline

    std::string scratch_;      // reply being rendered
    std::string out_;          // replies ready to send
    std::string writing_;      // the buffer of the write in flight
    bool write_in_flight_ = false;

    // Replies that wait for a commit: held_ holds their text in order; each mark says where
    // a reply ends and which token must be committed before it may leave.
    struct held_mark {
        std::size_t end;
        std::uint64_t release_token;
        bool decision;          // a decision that waits for its own row (not a line held behind one)
        engine::action action;  // that decision's, as the counters have it
    };
    std::string held_;
    std::size_t held_sent_ = 0;
    std::deque<held_mark> held_marks_;
    std::uint64_t next_token_ = 0;       // last token handed to the log
    std::uint64_t committed_token_ = 0;  // highest token the writer has committed or given up on
    // Tokens the writer gave up on, as (after, up_to] ranges not yet released: their
    // decisions leave as not_logged errors, never as decisions without a row.
    std::deque<std::pair<std::uint64_t, std::uint64_t>> lost_tokens_;

    bool reading_ = false;
    bool read_paused_ = false;
    bool stopping_ = false;
    bool read_done_ = false;
    bool closed_ = false;    // every reply handed to the kernel, our side shut for sending
    bool finished_ = false;  // the socket closed
    // Closing while the client still sends would reset the connection and drop the replies
    // it has not read yet: after the last reply the session shuts its sending side, reads
    // and discards until the client closes, and only then (or at drain_deadline_) closes.
    // A client that neither sends nor closes (idle on a stopping daemon) is let go once it
    // has sent nothing for quiet_before_close and holds every reply (TCP: nothing
    // unacknowledged in our send queue, SIOCOUTQ), so the close is a FIN, not a reset.
    std::array<char, 4096> drain_buffer_{};
    std::optional<boost::asio::steady_timer> drain_deadline_;
    std::optional<boost::asio::steady_timer> delivered_poll_;
    std::chrono::steady_clock::time_point last_drained_{};  // when the drain last read a byte
    static constexpr std::chrono::milliseconds quiet_before_close{200};
};

}  // namespace ringfence::ingest
