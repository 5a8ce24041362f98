#include "decode/hep/hep_packet.hpp"

#include <arpa/inet.h>
#include <zlib.h>

#include <cstring>

namespace ringfence::decode::hep {

namespace {

std::uint16_t be16(const std::uint8_t* p) noexcept { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
std::uint32_t be32(const std::uint8_t* p) noexcept {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// Which generic chunks were seen, so a second one is caught.
class seen_chunks {
  public:
    bool mark(std::uint16_t type) noexcept {
        if (type >= 64) return true;
        const std::uint64_t bit = std::uint64_t{1} << type;
        if (bits_ & bit) return false;
        bits_ |= bit;
        return true;
    }
    bool has(std::uint16_t type) const noexcept { return type < 64 && (bits_ & (std::uint64_t{1} << type)); }

  private:
    std::uint64_t bits_ = 0;
};

}  // namespace

std::string ip_address::to_string() const {
    char buf[INET6_ADDRSTRLEN] = {};
    if (family == family_ipv4) return inet_ntop(AF_INET, bytes.data(), buf, sizeof buf) ? buf : "";
    if (family == family_ipv6) return inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf) ? buf : "";
    return "";
}

std::string_view to_string(hep_error e) noexcept {
    switch (e) {
        case hep_error::none: return "";
        case hep_error::too_short: return "too_short";
        case hep_error::bad_magic: return "bad_magic";
        case hep_error::bad_length: return "bad_length";
        case hep_error::bad_chunk_length: return "bad_chunk_length";
        case hep_error::bad_chunk_size: return "bad_chunk_size";
        case hep_error::duplicate_chunk: return "duplicate_chunk";
        case hep_error::bad_family: return "bad_family";
        case hep_error::missing_chunk: return "missing_chunk";
        case hep_error::bad_timestamp: return "bad_timestamp";
        case hep_error::inflate_failed: return "inflate_failed";
        case hep_error::inflated_too_large: return "inflated_too_large";
    }
    return "";
}

struct hep_parser::inflater {
    z_stream z{};
    bool ready = false;
    ~inflater() {
        if (ready) inflateEnd(&z);
    }
};

hep_parser::hep_parser(std::size_t max_inflated_bytes)
    : max_inflated_bytes_(max_inflated_bytes), inflater_(std::make_unique<inflater>()) {}
hep_parser::~hep_parser() = default;

hep_error hep_parser::parse(std::span<const std::uint8_t> bytes, hep_packet& out) {
    out = hep_packet{};
    if (bytes.size() < header_size) return hep_error::too_short;
    if (std::memcmp(bytes.data(), "HEP3", 4) != 0) return hep_error::bad_magic;
    const std::size_t total = be16(bytes.data() + 4);
    if (total < header_size || total != bytes.size()) return hep_error::bad_length;

    seen_chunks seen;
    std::string_view compressed;
    std::size_t pos = header_size;
    while (pos < total) {
        if (total - pos < 6) return hep_error::bad_chunk_length;
        const std::uint8_t* c = bytes.data() + pos;
        const std::uint16_t vendor = be16(c);
        const std::uint16_t type = be16(c + 2);
        const std::size_t length = be16(c + 4);
        if (length < 6 || length > total - pos) return hep_error::bad_chunk_length;
        pos += length;
        const std::uint8_t* v = c + 6;
        const std::size_t n = length - 6;
        const std::string_view text(reinterpret_cast<const char*>(v), n);
        if (vendor != 0) {
            ++out.chunks_skipped;
            continue;
        }
        const auto fixed = [&](std::size_t want) { return n == want; };
        switch (type) {
            case chunk::ip_family: case chunk::ip_protocol: case chunk::ipv4_source: case chunk::ipv4_destination:
            case chunk::ipv6_source: case chunk::ipv6_destination: case chunk::source_port: case chunk::destination_port:
            case chunk::timestamp_seconds: case chunk::timestamp_microseconds: case chunk::protocol_type:
            case chunk::capture_agent_id: case chunk::auth_key: case chunk::payload: case chunk::compressed_payload:
            case chunk::correlation_id: case chunk::vlan_id: case chunk::node_name:
                if (!seen.mark(type)) return hep_error::duplicate_chunk;
                break;
            default:
                ++out.chunks_skipped;
                continue;
        }
        switch (type) {
            case chunk::ip_family:
                if (!fixed(1)) return hep_error::bad_chunk_size;
                out.ip_family = v[0];
                break;
            case chunk::ip_protocol:
                if (!fixed(1)) return hep_error::bad_chunk_size;
                out.ip_protocol = v[0];
                break;
            case chunk::ipv4_source:
            case chunk::ipv4_destination: {
                if (!fixed(4)) return hep_error::bad_chunk_size;
                ip_address& a = type == chunk::ipv4_source ? out.source : out.destination;
                a.family = family_ipv4;
                std::memcpy(a.bytes.data(), v, 4);
                break;
            }
            case chunk::ipv6_source:
            case chunk::ipv6_destination: {
                if (!fixed(16)) return hep_error::bad_chunk_size;
                ip_address& a = type == chunk::ipv6_source ? out.source : out.destination;
                a.family = family_ipv6;
                std::memcpy(a.bytes.data(), v, 16);
                break;
            }
            case chunk::source_port:
            case chunk::destination_port:
                if (!fixed(2)) return hep_error::bad_chunk_size;
                (type == chunk::source_port ? out.source_port : out.destination_port) = be16(v);
                break;
            case chunk::timestamp_seconds:
                if (!fixed(4)) return hep_error::bad_chunk_size;
                out.timestamp_seconds = be32(v);
                break;
            case chunk::timestamp_microseconds:
                if (!fixed(4)) return hep_error::bad_chunk_size;
                out.timestamp_microseconds = be32(v);
                break;
            case chunk::protocol_type:
                if (!fixed(1)) return hep_error::bad_chunk_size;
                out.protocol_type = v[0];
                break;
            case chunk::capture_agent_id:
                // 4 octets by the spec; some agents send 2.
                if (n == 4) out.capture_agent_id = be32(v);
                else if (n == 2) out.capture_agent_id = be16(v);
                else return hep_error::bad_chunk_size;
                break;
            case chunk::auth_key: out.auth_key = text; break;
            case chunk::payload: out.payload = text; break;
            case chunk::compressed_payload: compressed = text; break;
            case chunk::correlation_id: out.correlation_id = text; break;
            case chunk::node_name: out.node_name = text; break;
            case chunk::vlan_id:
                if (!fixed(2)) return hep_error::bad_chunk_size;
                out.vlan_id = be16(v);
                break;
        }
    }

    if (!seen.has(chunk::ip_family) || !seen.has(chunk::source_port) || !seen.has(chunk::destination_port) ||
        !seen.has(chunk::timestamp_seconds) || !seen.has(chunk::protocol_type))
        return hep_error::missing_chunk;
    if (out.ip_family != family_ipv4 && out.ip_family != family_ipv6) return hep_error::bad_family;
    if (out.source.family == 0 || out.destination.family == 0) return hep_error::missing_chunk;
    // Both addresses of the declared family: a packet carrying an IPv4 source and an IPv6
    // destination, or chunks of both families, is not one flow.
    if (out.source.family != out.ip_family || out.destination.family != out.ip_family) return hep_error::bad_family;
    if (seen.has(chunk::ipv4_source) && seen.has(chunk::ipv6_source)) return hep_error::bad_family;
    if (seen.has(chunk::ipv4_destination) && seen.has(chunk::ipv6_destination)) return hep_error::bad_family;
    if (out.timestamp_microseconds >= 1'000'000) return hep_error::bad_timestamp;
    const bool plain = seen.has(chunk::payload);
    const bool packed = seen.has(chunk::compressed_payload);
    if (plain == packed) return plain ? hep_error::duplicate_chunk : hep_error::missing_chunk;
    if (packed) {
        out.compressed = true;
        if (const hep_error e = inflate(compressed, out.payload); e != hep_error::none) return e;
    }
    return hep_error::none;
}

hep_error hep_parser::inflate(std::string_view compressed, std::string_view& out) {
    // 15 window bits + 32: zlib or gzip, detected from the header.
    if (!inflater_->ready) {
        if (inflateInit2(&inflater_->z, 15 + 32) != Z_OK) return hep_error::inflate_failed;
        inflater_->ready = true;
    } else if (inflateReset(&inflater_->z) != Z_OK) {
        return hep_error::inflate_failed;
    }
    z_stream& z = inflater_->z;
    inflated_.resize(std::min<std::size_t>(max_inflated_bytes_ + 1, std::max<std::size_t>(compressed.size() * 4, 4096)));
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
    z.avail_in = static_cast<uInt>(compressed.size());
    std::size_t produced = 0;
    int rc = Z_OK;
    while (true) {
        z.next_out = reinterpret_cast<Bytef*>(inflated_.data() + produced);
        z.avail_out = static_cast<uInt>(inflated_.size() - produced);
        rc = ::inflate(&z, Z_NO_FLUSH);
        produced = inflated_.size() - z.avail_out;
        if (rc == Z_STREAM_END) break;
        if (rc != Z_OK && rc != Z_BUF_ERROR) break;
        if (produced > max_inflated_bytes_) break;
        if (z.avail_out == 0) {
            inflated_.resize(std::min(inflated_.size() * 2, max_inflated_bytes_ + 1));
            continue;
        }
        if (z.avail_in == 0 || rc == Z_BUF_ERROR) break;  // input ended before the stream did
    }
    if (produced > max_inflated_bytes_) return hep_error::inflated_too_large;
    if (rc != Z_STREAM_END) return hep_error::inflate_failed;
    out = std::string_view(inflated_.data(), produced);
    return hep_error::none;
}

}  // namespace ringfence::decode::hep
