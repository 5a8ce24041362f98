#include "ingest/hep/hep_listener.hpp"

#include <fmt/format.h>

#include <chrono>

#include "decode/hep/hep_stream_framer.hpp"

namespace ringfence::ingest {

namespace asio = boost::asio;
namespace hep = decode::hep;

namespace {

// Compares without stopping at the first difference, so timing does not tell how much of
// a guessed key was right.
bool same_key(std::string_view a, std::string_view b) {
    unsigned diff = a.size() == b.size() ? 0u : 1u;
    for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned>(a[i] ^ (i < b.size() ? b[i] : 0));
    return diff == 0;
}

void bump(std::atomic<std::uint64_t>& c, std::uint64_t n = 1) { c.fetch_add(n, std::memory_order_relaxed); }

// Now on the wall clock, as the agents' timestamps are.
std::int64_t arrived_us() {
    return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

std::uint64_t hep_counters::total_errors() const {
    std::uint64_t n = 0;
    for (const auto& e : errors) n += e.load(std::memory_order_relaxed);
    return n;
}

std::string hep_counters::summary() const {
    std::string errs;
    for (int i = 1; i < hep::hep_error_count; ++i) {
        const auto n = errors[static_cast<std::size_t>(i)].load(std::memory_order_relaxed);
        if (n == 0) continue;
        if (!errs.empty()) errs += ' ';
        errs += fmt::format("{}={}", hep::to_string(static_cast<hep::hep_error>(i)), n);
    }
    const auto v = [](const std::atomic<std::uint64_t>& a) { return a.load(std::memory_order_relaxed); };
    return fmt::format(
        "hep.datagrams={} hep.tcp_accepted={} hep.tcp_refused={} hep.tcp_accept_failures={} hep.tcp_bytes={} hep.tcp_resyncs={} "
        "hep.tcp_bytes_skipped={} hep.tcp_bad_packets={} hep.tcp_cut_short={} hep.tcp_idle_closed={} hep.packets={} hep.sip={} "
        "hep.other={} hep.compressed={} hep.auth_failed={} hep.clock_corrected={} hep.errors{{{}}}",
        v(datagrams), v(tcp_connections_accepted), v(tcp_connections_refused), v(tcp_accept_failures), v(tcp_bytes), v(tcp_resyncs),
        v(tcp_bytes_skipped), v(tcp_bad_packets), v(tcp_cut_short), v(tcp_idle_closed), v(packets), v(sip_payloads), v(other_payloads), v(compressed_payloads), v(auth_failed),
        v(clock_corrected), errs);
}

// One HEP sender over TCP: reads, frames, hands each packet to the listener; on the strand.
class hep_listener::tcp_connection : public std::enable_shared_from_this<tcp_connection> {
  public:
    tcp_connection(hep_listener& owner, asio::ip::tcp::socket socket) : owner_(owner), socket_(std::move(socket)) {
        boost::system::error_code ec;
        const auto ep = socket_.remote_endpoint(ec);
        if (!ec) agent_ = fmt::format("{}:{}", ep.address().to_string(), ep.port());
    }

    void read() {
        socket_.async_read_some(asio::buffer(buffer_), [self = shared_from_this()](const boost::system::error_code& ec,
                                                                                   std::size_t n) {
            if (ec) {
                self->close();
                return;
            }
            self->last_read_ = std::chrono::steady_clock::now();
            bump(self->owner_.counters_.tcp_bytes, n);
            hep::hep_framer_counters fc;
            self->framer_.feed(std::span<const std::uint8_t>(self->buffer_.data(), n), fc,
                               [&](std::span<const std::uint8_t> packet) { self->owner_.handle_packet(packet, self->agent_); });
            self->count(fc);
            if (!self->owner_.stopped_) self->read();
        });
    }

    // Also when the peer closed or the read failed: what the framer still held is counted
    // (a packet cut short), not dropped unseen. A second close finds the framer empty.
    void close() {
        hep::hep_framer_counters fc;
        framer_.finish(fc);
        count(fc);
        boost::system::error_code ignored;
        socket_.close(ignored);
        owner_.connections_.erase(shared_from_this());
    }

    std::chrono::steady_clock::time_point last_read() const { return last_read_; }

  private:
    void count(const hep::hep_framer_counters& fc) {
        bump(owner_.counters_.tcp_resyncs, fc.resyncs);
        bump(owner_.counters_.tcp_bytes_skipped, fc.bytes_skipped);
        bump(owner_.counters_.tcp_bad_packets, fc.bad_packets);
        bump(owner_.counters_.tcp_cut_short, fc.cut_short);
    }

    hep_listener& owner_;
    asio::ip::tcp::socket socket_;
    std::chrono::steady_clock::time_point last_read_ = std::chrono::steady_clock::now();
    std::string agent_;
    hep::hep_stream_framer framer_;
    std::array<std::uint8_t, 16384> buffer_{};
};

hep_listener::hep_listener(asio::io_context& io, hep_listener_settings settings, sip_handler handler,
                           hep_counters& counters)
    : strand_(asio::make_strand(io)),
      settings_(std::move(settings)),
      handler_(std::move(handler)),
      counters_(counters),
      parser_(settings_.max_inflated_bytes) {}

hep_listener::~hep_listener() = default;

std::string hep_listener::start() {
    boost::system::error_code ec;
    if (settings_.udp_enabled) {
        const auto address = asio::ip::make_address(settings_.udp_host, ec);
        if (ec) return fmt::format("ingest.hep.udp: '{}' is not an IP address", settings_.udp_host);
        const asio::ip::udp::endpoint ep(address, settings_.udp_port);
        udp_.emplace(strand_);
        udp_->open(ep.protocol(), ec);
        if (!ec) udp_->set_option(asio::socket_base::receive_buffer_size(4 * 1024 * 1024), ec);
        ec.clear();  // a smaller kernel buffer than asked for is not fatal
        udp_->bind(ep, ec);
        if (ec) return fmt::format("ingest.hep.udp: cannot bind {}:{}: {}", settings_.udp_host, settings_.udp_port, ec.message());
        bound_udp_port_ = udp_->local_endpoint().port();
        asio::dispatch(strand_, [this] { receive_udp(); });
    }
    if (settings_.tcp_enabled) {
        const auto address = asio::ip::make_address(settings_.tcp_host, ec);
        if (ec) return fmt::format("ingest.hep.tcp: '{}' is not an IP address", settings_.tcp_host);
        const asio::ip::tcp::endpoint ep(address, settings_.tcp_port);
        tcp_.emplace(strand_);
        tcp_->open(ep.protocol(), ec);
        if (!ec) tcp_->set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec) tcp_->bind(ep, ec);
        if (!ec) tcp_->listen(asio::socket_base::max_listen_connections, ec);
        if (ec) return fmt::format("ingest.hep.tcp: cannot listen on {}:{}: {}", settings_.tcp_host, settings_.tcp_port, ec.message());
        bound_tcp_port_ = tcp_->local_endpoint().port();
        asio::dispatch(strand_, [this] { accept_tcp(); });
    }
    idle_timer_.emplace(strand_);
    asio::dispatch(strand_, [this] { arm_idle(); });
    return {};
}

void hep_listener::arm_idle() {
    idle_timer_->expires_after(std::chrono::seconds(1));
    idle_timer_->async_wait([this](const boost::system::error_code& ec) {
        if (ec || stopped_) return;
        if (idle_) idle_();
        arm_idle();
    });
}

bool hep_listener::make_room() {
    if (settings_.tcp_idle_timeout.count() <= 0 || connections_.empty()) return false;
    // Only when every place is taken, and only the connection quiet longest: a healthy agent
    // that is merely quiet (at night) keeps its connection otherwise, since a connection
    // closed under an agent loses the packets it writes before it notices.
    auto longest = connections_.begin();
    for (auto i = connections_.begin(); i != connections_.end(); ++i)
        if ((*i)->last_read() < (*longest)->last_read()) longest = i;
    if ((*longest)->last_read() > std::chrono::steady_clock::now() - settings_.tcp_idle_timeout) return false;
    bump(counters_.tcp_idle_closed);
    const auto quiet = *longest;  // close() erases it from the set
    quiet->close();
    return true;
}

void hep_listener::stop() {
    stopped_ = true;
    asio::dispatch(strand_, [this] {
        boost::system::error_code ignored;
        if (idle_timer_) idle_timer_->cancel();
        accept_pause_.cancel();
        if (udp_) udp_->close(ignored);
        if (tcp_) tcp_->close(ignored);
        auto open = connections_;  // close() erases from the set
        for (const auto& c : open) c->close();
    });
}

void hep_listener::receive_udp() {
    udp_->async_receive_from(asio::buffer(datagram_), datagram_sender_,
                             [this](const boost::system::error_code& ec, std::size_t n) {
                                 if (stopped_ || ec == asio::error::operation_aborted) return;
                                 if (!ec) {
                                     bump(counters_.datagrams);
                                     const std::string agent = fmt::format("{}:{}", datagram_sender_.address().to_string(),
                                                                           datagram_sender_.port());
                                     handle_packet(std::span<const std::uint8_t>(datagram_.data(), n), agent);
                                 }
                                 receive_udp();
                             });
}

void hep_listener::accept_tcp() {
    tcp_->async_accept(strand_, [this](const boost::system::error_code& ec, asio::ip::tcp::socket socket) {
        if (stopped_ || ec == asio::error::operation_aborted) return;
        if (ec) {
            // Out of descriptors (or memory): tried again after a pause, not at once, which
            // would spin a core for as long as the shortage lasts.
            bump(counters_.tcp_accept_failures);
            accept_pause_.expires_after(std::chrono::milliseconds(50));
            accept_pause_.async_wait([this](const boost::system::error_code& wait_ec) {
                if (!wait_ec && !stopped_) accept_tcp();
            });
            return;
        }
        if (connections_.size() >= settings_.max_connections && !make_room()) {
            bump(counters_.tcp_connections_refused);
            boost::system::error_code ignored;
            socket.close(ignored);
        } else {
            bump(counters_.tcp_connections_accepted);
            auto c = std::make_shared<tcp_connection>(*this, std::move(socket));
            connections_.insert(c);
            c->read();
        }
        accept_tcp();
    });
}

void hep_listener::handle_packet(std::span<const std::uint8_t> bytes, std::string_view agent) {
    hep::hep_packet p;
    const hep::hep_error e = parser_.parse(bytes, p);
    if (e != hep::hep_error::none) {
        bump(counters_.errors[static_cast<std::size_t>(e)]);
        return;
    }
    if (!settings_.auth_key.empty() && (!p.auth_key || !same_key(*p.auth_key, settings_.auth_key))) {
        bump(counters_.auth_failed);
        return;
    }
    bump(counters_.packets);
    if (p.compressed) bump(counters_.compressed_payloads);
    if (p.protocol_type != hep::protocol::sip) {
        bump(counters_.other_payloads);
        return;
    }
    bump(counters_.sip_payloads);
    hep_sip_message m;
    m.payload = p.payload;
    m.source_ip = p.source.to_string();
    m.source_port = p.source_port;
    m.destination_ip = p.destination.to_string();
    m.destination_port = p.destination_port;
    m.ip_protocol = p.ip_protocol;
    bool corrected = false;
    m.time_us = hep::message_time_us(p, arrived_us(), corrected);
    if (corrected) bump(counters_.clock_corrected);
    m.capture_agent_id = p.capture_agent_id.value_or(0);
    m.correlation_id = p.correlation_id;
    m.agent = agent;
    handler_(m);
}

}  // namespace ringfence::ingest
