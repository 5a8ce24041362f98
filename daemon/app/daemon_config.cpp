#include "app/daemon_config.hpp"

#include <sys/un.h>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cerrno>
#include <cstring>
#include <map>
#include <filesystem>
#include <set>

#include "common/text_file.hpp"
#include "common/time_zone.hpp"
#include "model/country_codes.hpp"
#include "model/dial_string.hpp"
#include "common/yaml_fields.hpp"
#include "ingest/capture/live_capture.hpp"

namespace ringfence::app {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> split_key(const std::string& key) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = key.find('.', start);
        parts.push_back(key.substr(start, dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return parts;
}

// Sets root[a][b]...= value, creating mappings on the way (replacing non-mappings).
void apply_override(YAML::Node root, const config_override& o) {
    const auto parts = split_key(o.key);
    YAML::Node value;
    try {
        // "--set control.unix=" means the empty text (it disables what it names), not the
        // YAML null an empty document is, which would leave the default in place.
        value = o.value.find_first_not_of(" \t") == std::string::npos ? YAML::Node(std::string()) : YAML::Load(o.value);
    } catch (const YAML::Exception&) {
        value = YAML::Node(o.value);  // not YAML: take the text as it is
    }
    std::vector<YAML::Node> chain{root};
    for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
        YAML::Node next = chain.back()[parts[i]];
        if (!next.IsMap()) {
            chain.back()[parts[i]] = YAML::Node(YAML::NodeType::Map);
            next = chain.back()[parts[i]];
        }
        chain.push_back(next);
    }
    chain.back()[parts.back()] = value;
}

bool parse_endpoint(const std::string& text, endpoint& out, std::string& why) {
    if (text.empty()) {
        out.enabled = false;
        return true;
    }
    std::string host;
    std::string port_text;
    if (text.front() == '[') {  // [::1]:7575
        const auto close = text.find(']');
        if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            why = "expected [ipv6]:port";
            return false;
        }
        host = text.substr(1, close - 1);
        port_text = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string::npos) {
            why = "expected host:port";
            return false;
        }
        host = text.substr(0, colon);
        port_text = text.substr(colon + 1);
    }
    unsigned port = 0;
    auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (host.empty() || ec != std::errc() || p != port_text.data() + port_text.size() || port > 65535) {
        why = "expected host:port with a port from 0 to 65535";
        return false;
    }
    // The listeners bind literal addresses only; a name or a bad address would pass --check
    // and then stop the daemon at start.
    unsigned char address[16];
    if (::inet_pton(AF_INET, host.c_str(), address) != 1 && ::inet_pton(AF_INET6, host.c_str(), address) != 1) {
        why = fmt::format("'{}' is not an IP address (write one such as 127.0.0.1, 0.0.0.0 or ::1)", host);
        return false;
    }
    out.enabled = true;
    out.host = host;
    out.port = static_cast<std::uint16_t>(port);
    return true;
}

// A path from the file resolves against the file's folder; one from --set against the
// working directory (where the operator typed it).
std::string resolve(const std::string& p, const std::string& base_dir, bool from_override) {
    if (p.empty()) return p;
    fs::path path(p);
    if (path.is_absolute()) return path.lexically_normal().string();
    if (from_override) return (fs::current_path() / path).lexically_normal().string();
    return (fs::path(base_dir) / path).lexically_normal().string();
}

class config_reader {
public:
    config_reader(std::string file, std::set<std::string> overridden, std::vector<common::diagnostic>& diags)
        : file_(std::move(file)), overridden_(std::move(overridden)), diags_(diags),
          base_dir_(fs::absolute(fs::path(file_)).parent_path().string()) {}

    bool from_override(const std::string& key) const {
        for (const auto& o : overridden_)
            if (key == o || key.rfind(o + ".", 0) == 0) return true;
        return false;
    }
    std::string path_value(const std::string& key, const std::string& v) const {
        return resolve(v, base_dir_, from_override(key));
    }

    void read(const YAML::Node& root, daemon_config& c) {
        c.source_file = file_;
        common::yaml_fields top(root, file_, "", "CONFIG", diags_);
        if (auto v = top.get_string("state_dir")) {
            if (v->empty())  // resolved against nothing, the state files would land in the working directory
                top.error(top.node("state_dir"), "BAD_VALUE", "'state_dir' names the directory of the state files; it cannot be empty");
            else
                c.state_dir = path_value("state_dir", *v);
        }
        if (auto v = top.get_string("home_country")) {
            // Checked here, where the key has a place in the file; that a plan file gives the
            // country's national plan is checked when the plans load.
            if (model::country_code_of(*v).empty())
                top.error(top.node("home_country"), "BAD_VALUE",
                          fmt::format("'home_country': '{}' is not an ISO 3166 country the E.164 table knows (VN, TH, US...)", *v));
            c.numbering.home_country = *v;
        }
        read_numbering(top.node("numbering"), c);
        read_ingest(top.node("ingest"), c);
        read_smpp(top.node("smpp"), c);
        read_decision_log(top.node("decision_log"), c);
        read_rules(top.node("rules"), c);
        read_engine(top.node("engine"), c);
        read_subscribers(top.node("subscribers"), c);
        {
            common::yaml_fields pn(top.node("protected_numbers"), file_, "protected_numbers", "CONFIG", diags_);
            if (auto v = pn.get_string_list("files")) {
                c.engine.protected_numbers.files.clear();
                for (const auto& p : *v) c.engine.protected_numbers.files.push_back(path_value("protected_numbers.files", p));
            }
            if (auto v = pn.get_string_list("override_rules")) c.engine.protected_numbers.override_rules = *v;
            pn.reject_unknown_keys();
        }
        read_intel(top.node("intel"), c);
        {
            common::yaml_fields ctl(top.node("control"), file_, "control", "CONFIG", diags_);
            if (auto v = ctl.get_string("unix")) c.control_path = *v;
            control_from_override_ = from_override("control.unix");
            ctl.reject_unknown_keys();
        }
        read_log(top.node("log"), c);
        read_capture(top.node("capture"), c);
        top.reject_unknown_keys();
    }

private:
    void read_numbering(const YAML::Node& n, daemon_config& c) {
        common::yaml_fields f(n, file_, "numbering", "CONFIG", diags_);
        if (auto v = f.get_string_list("plans")) {
            c.numbering.plan_files.clear();
            for (const auto& p : *v) c.numbering.plan_files.push_back(path_value("numbering.plans", p));
        }
        if (auto v = f.get_bool("accept_bare_country_code")) c.numbering.accept_bare_country_code = *v;
        f.reject_unknown_keys();
    }

    void read_ingest(const YAML::Node& n, daemon_config& c) {
        common::yaml_fields f(n, file_, "ingest", "CONFIG", diags_);
        if (auto v = f.get_int("threads", 1, 64)) c.io_threads = static_cast<int>(*v);
        const YAML::Node jn = f.node("jsonl");
        common::yaml_fields j(jn, file_, "ingest.jsonl", "CONFIG", diags_);
        const YAML::Node tcp_node = j.node("tcp");
        if (auto v = j.get_string("tcp")) {  // "" disables it; `tcp:` with no value is an error, as for any key
            std::string why;
            if (!parse_endpoint(*v, c.jsonl.tcp, why))
                j.error(tcp_node, "BAD_VALUE", fmt::format("'ingest.jsonl.tcp': '{}': {}", *v, why));
        }
        if (auto v = j.get_string("unix")) c.jsonl.unix_path = *v;  // a state path: resolved against state_dir below
        jsonl_unix_from_override_ = from_override("ingest.jsonl.unix");
        if (auto v = j.get_int("max_line_bytes", 256, 16 * 1024 * 1024)) c.jsonl.max_line_bytes = static_cast<std::size_t>(*v);
        if (auto v = j.get_int("max_future_seconds", 0, 366 * 86'400)) c.jsonl.max_future_seconds = *v;
        if (auto v = j.get_int("max_connections", 1, 1'000'000)) c.jsonl.max_connections = static_cast<std::size_t>(*v);
        if (auto v = j.get_int("max_pending_reply_bytes", 64 * 1024, 1LL << 32))
            c.jsonl.max_pending_reply_bytes = static_cast<std::size_t>(*v);
        j.reject_unknown_keys();
        read_hep(f.node("hep"), c);
        f.reject_unknown_keys();
    }

    void read_hep(const YAML::Node& hn, daemon_config& c) {
        common::yaml_fields h(hn, file_, "ingest.hep", "CONFIG", diags_);
        for (const char* key : {"udp", "tcp"}) {
            endpoint& ep = std::string_view(key) == "udp" ? c.hep.udp : c.hep.tcp;
            const YAML::Node node = h.node(key);
            if (auto v = h.get_string(key)) {
                std::string why;
                if (!parse_endpoint(*v, ep, why))
                    h.error(node, "BAD_VALUE", fmt::format("'ingest.hep.{}': '{}': {}", key, *v, why));
            }
        }
        if (auto v = h.get_string("auth_key")) c.hep.auth_key = *v;
        if (auto v = h.get_int("max_connections", 1, 100'000)) c.hep.max_connections = static_cast<std::size_t>(*v);
        if (auto v = h.get_int("tcp_idle_timeout_s", 0, 604'800)) c.hep.tcp_idle_timeout_s = *v;
        h.reject_unknown_keys();
    }

    void read_smpp(const YAML::Node& n, daemon_config& c) {
        common::yaml_fields f(n, file_, "smpp", "CONFIG", diags_);
        auto& s = c.smpp;
        if (auto v = f.get_choice("origin_kind", {"home_mobile", "home_fixed", "interconnect", "international", "voip", "ott"}))
            s.origin_kind = model::parse_origin_kind(*v).value_or(model::origin_kind::unspecified);
        if (auto v = f.get_bool("gsm7_packed")) s.gsm7_packed = *v;
        if (const YAML::Node ports = f.node("ports"); ports.IsDefined() && !ports.IsNull()) {
            c.capture.smpp_ports.clear();
            bool ok = ports.IsSequence();
            if (ok)
                for (const auto& p : ports) {
                    int port = 0;
                    try {
                        port = p.as<int>();
                    } catch (const YAML::Exception&) {
                        port = 0;
                    }
                    if (port < 1 || port > 65535) ok = false;
                    else c.capture.smpp_ports.push_back(static_cast<std::uint16_t>(port));
                }
            if (!ok) f.error(ports, "BAD_VALUE", "'smpp.ports' is a list of TCP ports (1-65535) that carry SMPP");
        }
        if (auto v = f.get_int("max_pdu_bytes", 1024, 16 * 1024 * 1024)) s.framing.max_pdu_bytes = static_cast<std::size_t>(*v);
        common::yaml_fields r(f.node("reassembly"), file_, "smpp.reassembly", "CONFIG", diags_);
        if (auto v = r.get_int("timeout_s", 1, 86400)) s.reassembly.timeout_us = *v * 1'000'000;
        if (auto v = r.get_int("max_messages", 1, 100'000'000)) s.reassembly.max_messages = static_cast<std::size_t>(*v);
        if (auto v = r.get_int("max_bytes", 4096, 1LL << 36)) s.reassembly.max_bytes = static_cast<std::size_t>(*v);
        r.reject_unknown_keys();
        f.reject_unknown_keys();
    }

    void read_decision_log(const YAML::Node& n, daemon_config& c) {
        common::yaml_fields f(n, file_, "decision_log", "CONFIG", diags_);
        auto& d = c.decision_log;
        if (auto v = f.get_bool("enabled")) d.enabled = *v;
        if (auto v = f.get_string("path")) {
            // An empty path would make SQLite log into an anonymous temporary file, gone at exit.
            if (v->empty())
                f.error(f.node("path"), "BAD_VALUE", "'decision_log.path' names the decision log file; it cannot be empty (to run without a log, set decision_log.enabled: false)");
            d.settings.path = *v;  // resolved after state_dir is known
        }
        path_from_override_ = from_override("decision_log.path");
        if (auto v = f.get_choice("durability", {"reply_after_commit", "async"}))
            d.mode = *v == "async" ? durability::async : durability::reply_after_commit;
        if (auto v = f.get_choice("on_queue_full", {"backpressure", "allow", "warn", "block"})) {
            if (*v == "backpressure") d.on_queue_full = store::queue_full_policy::backpressure;
            else if (*v == "allow") d.on_queue_full = store::queue_full_policy::reply_allow;
            else if (*v == "warn") d.on_queue_full = store::queue_full_policy::reply_warn;
            else d.on_queue_full = store::queue_full_policy::reply_block;
        }
        if (auto v = f.get_choice("record_content", {"when_matched", "always", "never"})) {
            if (*v == "always") d.settings.content = store::record_content::always;
            else if (*v == "never") d.settings.content = store::record_content::never;
            else d.settings.content = store::record_content::when_matched;
        }
        if (auto v = f.get_int("queue_capacity", 16, 100'000'000)) d.settings.queue_capacity = static_cast<std::size_t>(*v);
        if (auto v = f.get_int("batch_max_rows", 1, 1'000'000)) d.settings.batch_max_rows = static_cast<std::size_t>(*v);
        if (auto v = f.get_int("batch_max_delay_us", 100, 10'000'000)) d.settings.batch_max_delay = std::chrono::microseconds(*v);
        // The number index's runs (docs/decision-log.md): rows after the last complete run
        // are found by reading them, so a run is bounded in rows and in age.
        if (auto v = f.get_int("index_run_rows", 1, 100'000'000)) d.settings.number_index.run_max_rows = static_cast<std::size_t>(*v);
        if (auto v = f.get_int("index_run_seconds", 1, 86'400)) d.settings.number_index.run_max_age = std::chrono::seconds(*v);
        f.reject_unknown_keys();
    }

    void read_rules(const YAML::Node& n, daemon_config& c) {
        common::yaml_fields f(n, file_, "rules", "CONFIG", diags_);
        if (auto v = f.get_string_list("paths")) {
            c.engine.rule_paths.clear();
            for (const auto& p : *v) c.engine.rule_paths.push_back(path_value("rules.paths", p));
        }
        f.reject_unknown_keys();
    }

    void read_engine(const YAML::Node& n, daemon_config& c) {
        common::yaml_fields f(n, file_, "engine", "CONFIG", diags_);
        if (auto v = f.get_string("time_zone")) {
            // Checked here, where the key has a place in the file, as well as by the engine.
            std::string why;
            if (!common::time_zone::load(*v, why))
                f.error(f.node("time_zone"), "BAD_VALUE", fmt::format("'engine.time_zone': {}", why));
            c.engine.time_zone = *v;
        }
        if (auto v = f.get_int("first_contact_lookback_s", 60, 365LL * 86400))
            c.engine.activity.first_contact_lookback_ms = *v * 1000;
        if (auto v = f.get_int("max_call_s", 60, 7LL * 86400)) c.engine.activity.max_call_ms = *v * 1000;
        const YAML::Node sn = f.node("state");
        common::yaml_fields st(sn, file_, "engine.state", "CONFIG", diags_);
        if (auto v = st.get_int("memory_cap_mb", 16, 1024 * 1024)) c.engine.windows.memory_cap_bytes = static_cast<std::size_t>(*v) << 20;
        if (auto v = st.get_int("idle_evict_s", 60, 90LL * 86400)) c.engine.windows.idle_evict_ms = *v * 1000;
        if (auto v = st.get_int("distinct_exact_limit", 8, 100000)) c.engine.windows.distinct_exact_limit = static_cast<std::uint32_t>(*v);
        if (auto v = st.get_string("snapshot_path")) c.state_snapshot_path = *v;
        snapshot_from_override_ = from_override("engine.state.snapshot_path");
        if (auto v = st.get_int("snapshot_interval_s", 0, 86400)) c.state_snapshot_interval_s = static_cast<int>(*v);
        st.reject_unknown_keys();
        if (auto v = f.get_string_list("emergency_numbers")) {
            for (const std::string& number : *v) {
                // As the engine matches it: digits read as the numbering plan reads them.
                const model::dial_string scanned = model::dial_string::scan(number);
                const bool dialable = scanned.kind == model::dial_string::form::digits && scanned.digit_count > 0;
                if (!dialable)
                    f.error(f.node("emergency_numbers"), "BAD_VALUE",
                            fmt::format("'engine.emergency_numbers': '{}' is not a number one can dial (digits, an optional leading +)", number));
            }
            c.engine.emergency_numbers = *v;
        }
        if (auto v = f.get_string("ip_country_db")) c.engine.ip_country_db = path_value("engine.ip_country_db", *v);
        f.reject_unknown_keys();
    }

    void read_subscribers(const YAML::Node& n, daemon_config& c) {
        common::yaml_fields f(n, file_, "subscribers", "CONFIG", diags_);
        if (auto v = f.get_string("path")) c.subscribers.path = *v;  // resolved after state_dir is known
        subscribers_from_override_ = from_override("subscribers.path");
        if (auto v = f.get_int("refresh_interval_ms", 100, 3'600'000)) c.subscribers.refresh_interval_ms = static_cast<int>(*v);
        const YAML::Node ln = f.node("lifecycle");
        common::yaml_fields l(ln, file_, "subscribers.lifecycle", "CONFIG", diags_);
        auto& p = c.subscribers.lifecycle;
        if (auto v = l.get_int("notice_min_days", 0, 3650)) p.notice_min_days = static_cast<int>(*v);
        if (auto v = l.get_int("one_way_lock_after_days", 0, 3650)) p.one_way_lock_after_days = static_cast<int>(*v);
        if (auto v = l.get_int("two_way_lock_after_days", 0, 3650)) p.two_way_lock_after_days = static_cast<int>(*v);
        if (auto v = l.get_int("terminate_after_days", 0, 3650)) p.terminate_after_days = static_cast<int>(*v);
        if (auto why = subscribers::validate(p); !why.empty()) l.error(ln, "BAD_VALUE", fmt::format("'subscribers.lifecycle': {}", why));
        l.reject_unknown_keys();
        const YAML::Node in = f.node("import");
        common::yaml_fields im(in, file_, "subscribers.import", "CONFIG", diags_);
        if (auto v = im.get_string("op_column")) c.subscriber_import.op_column = *v;
        const YAML::Node cols = im.node("columns");
        if (cols.IsMap()) {
            common::yaml_fields cf(cols, file_, "subscribers.import.columns", "CONFIG", diags_);
            for (const auto field : subscribers::import_fields())
                if (auto v = cf.get_string(std::string(field))) c.subscriber_import.columns[std::string(field)] = *v;
            cf.reject_unknown_keys();
        } else if (cols.IsDefined() && !cols.IsNull()) {
            im.error(cols, "BAD_TYPE", "'subscribers.import.columns' must map each field to the header the carrier's file uses");
        }
        // Each header feeds one field: two fields on one column would import the same value
        // into both (a status date as the population-match date), with nothing said.
        std::map<std::string, std::string> field_of_header;
        auto claim = [&](const std::string& field, const std::string& header, const YAML::Node& where) {
            const auto [it, first] = field_of_header.emplace(header, field);
            if (!first)
                im.error(where, "BAD_VALUE", fmt::format("'subscribers.import': the column '{}' would feed both '{}' and '{}'", header, it->second, field));
        };
        for (const auto field : subscribers::import_fields()) {
            const std::string name(field);
            const auto mapped = c.subscriber_import.columns.find(name);
            claim(name, mapped == c.subscriber_import.columns.end() ? name : mapped->second,
                  mapped == c.subscriber_import.columns.end() ? cols : cols[name]);
        }
        claim("op", c.subscriber_import.op_column, im.node("op_column").IsDefined() ? im.node("op_column") : in);
        im.reject_unknown_keys();
        f.reject_unknown_keys();
    }

    void read_capture(const YAML::Node& n, daemon_config& c) {
        common::yaml_fields f(n, file_, "capture", "CONFIG", diags_);
        auto& cap = c.capture;
        if (auto v = f.get_bool("enabled")) cap.enabled = *v;
        if (auto v = f.get_string_list("interfaces")) cap.live.interfaces = *v;
        if (auto v = f.get_string("bpf_filter")) cap.live.bpf_filter = *v;
        if (auto v = f.get_int("snaplen", 256, 262144)) cap.live.snaplen = static_cast<int>(*v);
        if (auto v = f.get_int("buffer_mb", 1, 4096)) cap.live.buffer_mb = static_cast<int>(*v);
        if (auto v = f.get_bool("immediate")) cap.live.immediate = *v;
        if (auto v = f.get_int("read_timeout_ms", 1, 10000)) cap.live.read_timeout_ms = static_cast<int>(*v);
        if (cap.enabled && cap.live.interfaces.empty())
            f.error(f.node("interfaces"), "BAD_VALUE", "'capture.interfaces': capture.enabled needs at least one interface");
        // A filter libpcap cannot compile is wrong wherever the file is read; whether the
        // interfaces exist is the daemon's question (ringfenced checks it before it listens),
        // not that of `ringfence rules check` on an author's machine.
        if (cap.enabled && !cap.live.bpf_filter.empty())
            if (const auto why = ingest::capture::bpf_filter_problem(cap.live.bpf_filter); !why.empty())
                f.error(f.node("bpf_filter"), "BAD_VALUE", fmt::format("'capture.bpf_filter': libpcap cannot compile '{}': {}", cap.live.bpf_filter, why));

        const YAML::Node sn = f.node("sip");
        common::yaml_fields sip(sn, file_, "capture.sip", "CONFIG", diags_);
        if (const YAML::Node ports = sip.node("ports"); ports.IsDefined() && !ports.IsNull()) {
            if (!ports.IsSequence()) {
                sip.error(ports, "BAD_TYPE", "'capture.sip.ports' must be a list of port numbers");
            } else {
                cap.sip.ports.clear();
                for (const auto& p : ports) {
                    int port = 0;
                    if (!p.IsScalar() || !YAML::convert<int>::decode(p, port) || port < 1 || port > 65535) {
                        sip.error(p, "BAD_VALUE", "'capture.sip.ports': each port must be 1..65535");
                        continue;
                    }
                    cap.sip.ports.push_back(static_cast<std::uint16_t>(port));
                }
            }
        }
        if (auto v = sip.get_bool("detect_any_port")) cap.sip.detect_any_port = *v;
        sip.reject_unknown_keys();

        const YAML::Node on = f.node("origins");
        common::yaml_fields origins(on, file_, "capture.origins", "CONFIG", diags_);
        if (auto v = origins.get_choice("default_kind", {"unspecified", "home_mobile", "home_fixed", "interconnect",
                                                         "international", "voip", "ott"})) {
            cap.default_origin_kind = model::parse_origin_kind(*v).value_or(model::origin_kind::unspecified);
        }
        if (const YAML::Node peers = origins.node("peers"); peers.IsDefined() && !peers.IsNull()) {
            if (!peers.IsSequence()) {
                origins.error(peers, "BAD_TYPE", "'capture.origins.peers' must be a list of {cidr, kind, trunk}");
            } else {
                cap.peers.clear();
                for (const auto& p : peers) {
                    common::yaml_fields peer(p, file_, "capture.origins.peers", "CONFIG", diags_);
                    decode::sip::peer_range range;
                    const auto cidr = peer.get_string("cidr");
                    const auto kind = peer.get_choice("kind", {"home_mobile", "home_fixed", "interconnect",
                                                               "international", "voip", "ott"});
                    if (auto t = peer.get_string("trunk")) range.trunk = *t;
                    peer.reject_unknown_keys();
                    if (!cidr || !kind) {
                        // A value that is there but wrong has its own error already.
                        if (!peer.has("cidr") || !peer.has("kind"))
                            peer.error(p, "MISSING_FIELD", "'capture.origins.peers': each peer needs cidr and kind");
                        continue;
                    }
                    std::string why;
                    if (!decode::sip::parse_cidr(*cidr, range.network, range.prefix_length, why)) {
                        peer.error(p["cidr"], "BAD_VALUE", fmt::format("'capture.origins.peers.cidr': {}", why));
                        continue;
                    }
                    range.kind = model::parse_origin_kind(*kind).value_or(model::origin_kind::unspecified);
                    // The same range twice: the longest prefix decides, and between equals the
                    // first would win silently, whatever the second says.
                    const auto same = std::find_if(cap.peers.begin(), cap.peers.end(), [&](const decode::sip::peer_range& other) {
                        return other.prefix_length == range.prefix_length && other.network.family == range.network.family &&
                               other.network.bytes == range.network.bytes;
                    });
                    if (same != cap.peers.end()) {
                        peer.error(p["cidr"], "DUPLICATE_KEY", fmt::format("'capture.origins.peers.cidr': {} is given twice", *cidr));
                        continue;
                    }
                    cap.peers.push_back(std::move(range));
                }
            }
        }
        origins.reject_unknown_keys();

        const YAML::Node ln = f.node("limits");
        common::yaml_fields lim(ln, file_, "capture.limits", "CONFIG", diags_);
        if (auto v = lim.get_int("max_dialogs", 16, 100'000'000)) cap.dialogs.max_dialogs = static_cast<std::size_t>(*v);
        if (auto v = lim.get_int("unanswered_timeout_s", 1, 86400)) cap.dialogs.unanswered_timeout_us = *v * 1'000'000;
        if (auto v = lim.get_int("answered_timeout_s", 60, 7 * 86400)) cap.dialogs.answered_timeout_us = *v * 1'000'000;
        if (auto v = lim.get_int("max_tcp_streams", 16, 10'000'000)) cap.sip.tcp.max_streams = static_cast<std::size_t>(*v);
        if (auto v = lim.get_int("max_tcp_stream_bytes", 4096, 64 * 1024 * 1024))
            cap.sip.tcp.max_stream_bytes = static_cast<std::size_t>(*v);
        if (auto v = lim.get_int("tcp_idle_timeout_s", 1, 86400)) cap.sip.tcp.idle_timeout_us = *v * 1'000'000;
        if (auto v = lim.get_int("tcp_hole_timeout_ms", 10, 600'000)) cap.sip.tcp.hole_timeout_us = *v * 1000;
        if (auto v = lim.get_int("max_fragment_datagrams", 16, 10'000'000))
            cap.fragments.max_datagrams = static_cast<std::size_t>(*v);
        if (auto v = lim.get_int("max_fragment_bytes_mb", 1, 65536))
            cap.fragments.max_bytes = static_cast<std::size_t>(*v) << 20;
        if (auto v = lim.get_int("fragment_timeout_s", 1, 600)) cap.fragments.timeout_us = *v * 1'000'000;
        lim.reject_unknown_keys();
        f.reject_unknown_keys();
    }

    void read_intel(const YAML::Node& n, daemon_config& c) {
        common::yaml_fields f(n, file_, "intel", "CONFIG", diags_);
        if (auto v = f.get_string("path")) {
            if (v->empty()) f.error(f.node("path"), "BAD_VALUE", "'intel.path' names the intel database file; it cannot be empty");
            else c.intel.path = *v;  // resolved after state_dir is known
        }
        intel_from_override_ = from_override("intel.path");
        if (auto v = f.get_int("refresh_interval_ms", 50, 3'600'000)) c.intel.refresh_interval_ms = static_cast<int>(*v);
        f.reject_unknown_keys();
    }

    void read_log(const YAML::Node& n, daemon_config& c) {
        common::yaml_fields f(n, file_, "log", "CONFIG", diags_);
        if (auto v = f.get_choice("level", {"debug", "info", "notice", "warning", "error"})) c.log.level = *v;
        if (auto v = f.get_int("stats_interval_s", 0, 86400)) c.log.stats_interval_s = static_cast<int>(*v);
        f.reject_unknown_keys();
    }

public:
    bool path_from_override_ = false;
    bool snapshot_from_override_ = false;
    bool control_from_override_ = false;
    bool jsonl_unix_from_override_ = false;
    bool subscribers_from_override_ = false;
    bool intel_from_override_ = false;

private:
    std::string file_;
    std::set<std::string> overridden_;
    std::vector<common::diagnostic>& diags_;
    std::string base_dir_;
};

// Errors caused by a --set value carry the override, not a line of the file.
void relocate_override_errors(std::vector<common::diagnostic>& diags, const std::vector<config_override>& overrides) {
    // An unknown key named by --set a.b.c may be reported as 'a' or 'a.b' (the first part
    // the config does not know): any dotted prefix of the override's key counts.
    auto names_prefix = [](const std::string& message, const std::string& key) {
        for (std::size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.', dot + 1))
            if (message.find("unknown key '" + key.substr(0, dot) + "'") != std::string::npos) return true;
        return false;
    };
    for (auto& d : diags) {
        for (const auto& o : overrides) {
            if (d.message.find("'" + o.key + "'") != std::string::npos ||
                d.message.find("'" + o.key + ".") != std::string::npos || names_prefix(d.message, o.key)) {
                d.file = "--set " + o.key;
                d.line = 0;
                d.column = 0;
            }
        }
    }
}

}  // namespace

bool parse_override(const std::string& text, config_override& out, std::string& error) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0) {
        error = fmt::format("--set '{}': expected key.path=value", text);
        return false;
    }
    out.key = text.substr(0, eq);
    out.value = text.substr(eq + 1);
    return true;
}

common::loaded<daemon_config> load_daemon_config(const std::string& file, const std::vector<config_override>& overrides) {
    common::loaded<daemon_config> result;
    YAML::Node root;
    std::string text, why;
    if (!common::read_text_file(file, text, why)) {
        result.diagnostics.push_back({common::severity::error, "CONFIG_OPEN_FAILED", fmt::format("cannot read config file: {}", why), file, 0, 0});
        return result;
    }
    if (const int line = common::second_yaml_document_line(text); line > 0) {
        result.diagnostics.push_back({common::severity::error, "CONFIG_YAML_PARSE", "a second YAML document: the config file is one document", file, line, 1});
        return result;
    }
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        result.diagnostics.push_back({common::severity::error, "CONFIG_YAML_PARSE", common::yaml_parse_message(e), file, e.mark.line + 1, e.mark.column + 1});
        return result;
    }
    if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);

    std::set<std::string> overridden;
    for (const auto& o : overrides) {
        if (root.IsMap()) apply_override(root, o);
        overridden.insert(o.key);
    }

    daemon_config c;
    // Defaults that depend on where the file is: the shipped plans beside it.
    const std::string base = fs::absolute(fs::path(file)).parent_path().string();
    c.numbering.plan_files = {resolve("numbering/vn.yaml", base, false), resolve("numbering/international.yaml", base, false)};
    c.state_dir = "/var/lib/ringfence";
    c.jsonl.tcp = {true, "127.0.0.1", 7575};
    c.decision_log.settings.path = "decisions.sqlite";
    c.state_snapshot_path = "window_state.sqlite";
    c.control_path = "control.sock";
    c.subscribers.path = "subscribers.sqlite";
    c.intel.path = "intel.sqlite";

    config_reader reader(file, overridden, result.diagnostics);
    reader.read(root, c);
    c.decision_log.settings.path = resolve(c.decision_log.settings.path, c.state_dir, reader.path_from_override_);
    c.state_snapshot_path = resolve(c.state_snapshot_path, c.state_dir, reader.snapshot_from_override_);
    c.control_path = resolve(c.control_path, c.state_dir, reader.control_from_override_);
    // Sockets are runtime state, beside the control socket: under the unit the config's own
    // folder (/etc/ringfence) is read-only.
    c.jsonl.unix_path = resolve(c.jsonl.unix_path, c.state_dir, reader.jsonl_unix_from_override_);
    c.subscribers.path = resolve(c.subscribers.path, c.state_dir, reader.subscribers_from_override_);
    c.intel.path = resolve(c.intel.path, c.state_dir, reader.intel_from_override_);
    // A Unix socket address holds at most sizeof(sun_path) - 1 bytes of path (107 on Linux):
    // a longer one cannot be bound, which is a configuration error, found by --check too.
    for (const auto& [key, path] : {std::pair<const char*, const std::string*>{"ingest.jsonl.unix", &c.jsonl.unix_path}, {"control.unix", &c.control_path}}) {
        if (path->size() >= sizeof(sockaddr_un::sun_path))
            result.diagnostics.push_back({common::severity::error, "CONFIG_BAD_VALUE",
                                          fmt::format("'{}': the socket path '{}' is {} bytes; a Unix socket path holds at most {}", key, *path,
                                                      path->size(), sizeof(sockaddr_un::sun_path) - 1),
                                          file, 0, 0});
    }
    relocate_override_errors(result.diagnostics, overrides);
    c.capture.smpp = c.smpp;  // one smpp: section for every SMPP source
    if (!common::has_errors(result.diagnostics)) result.value = std::move(c);
    return result;
}

}  // namespace ringfence::app
