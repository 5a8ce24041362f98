#include "decode/packet/ip_fragment_reassembler.hpp"

#include <algorithm>

namespace ringfence::decode::packet {

namespace {

constexpr std::size_t max_datagram_payload = 65535;
constexpr std::int64_t expire_every_us = 1'000'000;

void mark_received(std::vector<std::pair<std::size_t, std::size_t>>& have, std::size_t begin,
                   std::size_t end) {
    have.emplace_back(begin, end);
    std::sort(have.begin(), have.end());
    std::size_t out = 0;
    for (std::size_t i = 1; i < have.size(); ++i) {
        if (have[i].first <= have[out].second) {
            have[out].second = std::max(have[out].second, have[i].second);
        } else {
            have[++out] = have[i];
        }
    }
    have.resize(out + 1);
}

}  // namespace

std::size_t ip_fragment_reassembler::key_hash::operator()(const fragment_key& k) const noexcept {
    std::uint64_t h = 1469598103934665603ULL;
    h = hash_mix(h, k.src.bytes.data(), k.src.size());
    h = hash_mix(h, k.dst.bytes.data(), k.dst.size());
    const unsigned char tail[5] = {
        static_cast<unsigned char>(k.id), static_cast<unsigned char>(k.id >> 8),
        static_cast<unsigned char>(k.id >> 16), static_cast<unsigned char>(k.id >> 24), k.protocol};
    return hash_mix(h, tail, sizeof tail);
}

ip_fragment_reassembler::ip_fragment_reassembler(fragment_settings settings,
                                                 packet_counters& counters)
    : settings_(settings), counters_(counters) {}

void ip_fragment_reassembler::release(
    std::unordered_map<fragment_key, datagram, key_hash>::iterator it) {
    bytes_ -= it->second.accounted;
    age_.erase(it->second.age);
    table_.erase(it);
}

std::string_view ip_fragment_reassembler::add(const fragment_key& key, std::size_t offset,
                                              bool more, std::string_view payload,
                                              std::int64_t now_us, bool& completed) {
    completed = false;
    ++counters_.fragments;
    if (now_us - last_expire_us_ >= expire_every_us || now_us < last_expire_us_) expire(now_us);

    const std::size_t end = offset + payload.size();
    auto it = table_.find(key);
    if (end > max_datagram_payload) {
        counters_.drop(drop_reason::fragment_too_large);
        if (it != table_.end()) release(it);  // the datagram can never be valid
        return {};
    }
    if (it == table_.end()) {
        if (table_.size() >= settings_.max_datagrams && !age_.empty()) {
            counters_.drop(drop_reason::fragment_table_full);
            release(table_.find(age_.front()));
        }
        it = table_.emplace(key, datagram{}).first;
        it->second.first_us = now_us;
        it->second.age = age_.insert(age_.end(), key);
    }
    datagram& d = it->second;
    if (!more) {
        // Two different "last" fragments: the datagram is inconsistent; give it up.
        if ((d.total_known && d.total != end) || (!d.have.empty() && d.have.back().second > end)) {
            counters_.drop(drop_reason::bad_ip_header);
            release(it);
            return {};
        }
        d.total = end;
        d.total_known = true;
    } else if (d.total_known && end > d.total) {
        counters_.drop(drop_reason::bad_ip_header);
        release(it);
        return {};
    }
    if (d.data.size() < end) {
        const std::size_t growth = std::max(
            {end, d.accounted, std::min<std::size_t>(2 * d.data.size(), max_datagram_payload)});
        // Over the byte cap: the oldest other datagrams are given up first, as at the
        // count cap; only a datagram that cannot fit alone is dropped itself.
        while (bytes_ - d.accounted + growth > settings_.max_bytes && age_.front() != key) {
            counters_.drop(drop_reason::fragment_table_full);
            release(table_.find(age_.front()));
        }
        if (bytes_ - d.accounted + growth > settings_.max_bytes) {
            counters_.drop(drop_reason::fragment_table_full);
            release(it);
            return {};
        }
        d.data.reserve(growth);
        d.data.resize(end);
        bytes_ += growth - d.accounted;
        d.accounted = growth;
    }
    std::copy(payload.begin(), payload.end(), d.data.begin() + static_cast<std::ptrdiff_t>(offset));
    if (!payload.empty()) mark_received(d.have, offset, end);

    if (d.total_known && d.have.size() == 1 && d.have[0].first == 0 &&
        d.have[0].second == d.total) {
        completed_.swap(d.data);
        completed_.resize(d.total);
        release(it);
        ++counters_.datagrams_reassembled;
        completed = true;
        return completed_;
    }
    return {};
}

void ip_fragment_reassembler::expire(std::int64_t now_us) {
    last_expire_us_ = now_us;
    for (auto it = table_.begin(); it != table_.end();) {
        if (now_us - it->second.first_us > settings_.timeout_us) {
            ++counters_.fragments_timed_out;
            auto next = std::next(it);
            release(it);
            it = next;
        } else {
            ++it;
        }
    }
}

}  // namespace ringfence::decode::packet
