#include "decode/smpp/sms_reassembler.hpp"

#include "decode/packet/ip_address.hpp"

namespace ringfence::decode::smpp {

struct sms_reassembler::pending {
    std::string key;
    model::record head;
    std::int64_t first_us = 0;
    std::int64_t last_us = 0;
    std::uint8_t total = 0;
    std::size_t received = 0;
    std::size_t bytes = 0;
    struct stored_part {
        bool present = false;
        text_coding coding = text_coding::gsm7;
        std::string units;
        std::uint64_t identity = 0;  // part_identity: the PDU that carried it and its bytes
    };
    std::vector<stored_part> parts;  // index seqnum - 1
};

namespace {

// What a pending message costs beyond its parts' bytes: the record, the key, the slots.
std::size_t overhead(std::size_t total) { return sizeof(model::record) + 128 + total * 40; }

void append_key(std::string& key, const model::record& head, const sms_reassembler::part& p) {
    key.clear();
    key.push_back(static_cast<char>(head.kind));
    key += head.origin.trunk;
    key.push_back('\0');
    key += head.sms.sender;
    key.push_back('\0');
    key += head.callee.raw;
    key.push_back('\0');
    key.push_back(static_cast<char>(p.reference >> 8));
    key.push_back(static_cast<char>(p.reference & 0xFF));
    key.push_back(static_cast<char>(p.total));
}

// A part as sent: the PDU that carried it (the record id names the connection and the
// PDU's sequence number, which an ESME sending the PDU again keeps) and its bytes. A new
// submit of the same text has a new sequence number: a message of its own, not a copy.
std::uint64_t part_identity(std::string_view pdu_id, std::string_view units) {
    const auto bytes = [](std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); };
    const unsigned char separator = 0xFF;  // not in an id: "ab"+"c" and "a"+"bc" differ
    std::uint64_t h = packet::hash_mix(1469598103934665603ULL, bytes(pdu_id), pdu_id.size());
    h = packet::hash_mix(h, &separator, 1);
    return packet::hash_mix(h, bytes(units), units.size());
}

}  // namespace

bool sms_reassembler::sent_again(const std::string& key, const part& p, std::uint64_t identity) const {
    const auto it = joined_.find(key);
    if (it == joined_.end() || p.time_us - it->second.at_us >= limits_.timeout_us) return false;
    const auto& hashes = it->second.part_hashes;
    return p.seqnum - 1u < hashes.size() && hashes[p.seqnum - 1u] == identity;
}

void sms_reassembler::remember_joined(const pending& msg) {
    joined_message& j = joined_[msg.key];
    j.at_us = msg.last_us;
    j.part_hashes.clear();
    for (const auto& s : msg.parts) j.part_hashes.push_back(s.identity);
    joined_by_age_.emplace_back(msg.key, msg.last_us);
    while (!joined_by_age_.empty() && (joined_by_age_.size() > limits_.max_messages ||
                                       msg.last_us - joined_by_age_.front().second >= limits_.timeout_us)) {
        const auto& [key, at] = joined_by_age_.front();
        // The same key joined again since: its newer entry stays.
        if (auto it = joined_.find(key); it != joined_.end() && it->second.at_us == at) joined_.erase(it);
        joined_by_age_.pop_front();
    }
}

sms_reassembler::sms_reassembler(limits l, emit_fn emit) : limits_(l), emit_(std::move(emit)) {}
sms_reassembler::~sms_reassembler() = default;

void sms_reassembler::add(const model::record& head, const part& p) {
    ++counters_.parts;
    expire(p.time_us);
    append_key(key_, head, p);
    const std::uint64_t identity = part_identity(head.id, p.units);
    auto found = by_key_.find(key_);
    if (found == by_key_.end()) {
        if (!joined_.empty() && sent_again(key_, p, identity)) {
            ++counters_.duplicate_parts;
            return;
        }
        auto msg = std::make_unique<pending>();
        msg->key = key_;
        msg->head = head;
        msg->first_us = p.time_us;
        msg->total = p.total;
        msg->parts.resize(p.total);
        msg->bytes = overhead(p.total);
        bytes_ += msg->bytes;
        by_age_.push_back(std::move(msg));
        found = by_key_.emplace(key_, std::prev(by_age_.end())).first;
    }
    pending& msg = **found->second;
    auto& slot = msg.parts[p.seqnum - 1];
    if (slot.present) {
        ++counters_.duplicate_parts;
        return;
    }
    slot.present = true;
    slot.coding = p.coding;
    slot.units.assign(p.units);
    slot.identity = identity;
    msg.bytes += p.units.size();
    bytes_ += p.units.size();
    msg.last_us = std::max(msg.last_us, p.time_us);
    ++msg.received;
    if (msg.received == msg.total) {
        remember_joined(msg);
        emit_and_erase(found->second, outcome::complete);
        return;
    }
    // Over the cap: the oldest messages go first, possibly this one.
    while (!by_age_.empty() && (by_key_.size() > limits_.max_messages || bytes_ > limits_.max_bytes))
        emit_and_erase(by_age_.begin(), outcome::evicted);
}

void sms_reassembler::expire(std::int64_t now_us) {
    while (!by_age_.empty() && now_us - by_age_.front()->first_us >= limits_.timeout_us)
        emit_and_erase(by_age_.begin(), outcome::timed_out);
}

void sms_reassembler::flush() {
    while (!by_age_.empty()) emit_and_erase(by_age_.begin(), outcome::flushed);
}

void sms_reassembler::emit_and_erase(pending_list::iterator it, outcome o) {
    std::unique_ptr<pending> msg = std::move(*it);
    by_age_.erase(it);
    by_key_.erase(msg->key);
    bytes_ -= msg->bytes;
    switch (o) {
        case outcome::complete: ++counters_.completed; break;
        case outcome::timed_out: ++counters_.timed_out; break;
        case outcome::evicted: ++counters_.evicted; break;
        case outcome::flushed: ++counters_.flushed; break;
    }

    model::record& rec = msg->head;
    rec.sms.present = true;
    rec.sms.parts = msg->total;
    rec.sms.text.clear();
    rec.time_ms = msg->last_us / 1000;
    // Join the units first (so a character split across parts decodes whole) when every
    // part that arrived has one coding; otherwise decode part by part.
    text_coding coding = text_coding::gsm7;
    bool first = true;
    bool mixed = false;
    for (const auto& s : msg->parts) {
        if (!s.present) continue;
        if (first) coding = s.coding;
        mixed = mixed || s.coding != coding;
        first = false;
    }
    if (mixed) {
        ++counters_.mixed_coding;
        for (const auto& s : msg->parts)
            if (s.present) append_text_utf8(s.coding, s.units, rec.sms.text);
    } else {
        std::string joined;
        for (const auto& s : msg->parts)
            if (s.present) joined += s.units;
        append_text_utf8(coding, joined, rec.sms.text);
    }
    if (o != outcome::complete) {
        model::extra_field f;
        f.name = "sms.parts_received";
        f.type = model::extra_field::json_type::number;
        f.text = std::to_string(msg->received);
        rec.extra.push_back(std::move(f));
    }
    emit_(rec, o);
}

}  // namespace ringfence::decode::smpp
