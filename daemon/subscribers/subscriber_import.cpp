#include "subscribers/subscriber_import.hpp"

#include <fmt/format.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "common/exclusive_files.hpp"
#include "common/text_file.hpp"
#include "common/utf8_check.hpp"
#include "model/civil_date.hpp"
#include "model/e164_integer.hpp"
#include "model/time_format.hpp"
#include "subscribers/csv_reader.hpp"
#include "subscribers/subscriber_database.hpp"

namespace ringfence::subscribers {

namespace {

enum field_index : std::size_t {
    f_msisdn, f_imsi, f_owner_id_hash, f_owner_type, f_population_match, f_population_match_date, f_matched_fields,
    f_biometric_verified, f_reverify_pending, f_status, f_status_since, f_activated_on, f_bank_link_verified, f_count
};

// An identity-card number in clear: 9 (CMND) or 12 (CCCD) digits, also when grouped with
// '-', '.' or '/' or written after the card's name (CMND..., CCCD:..., CCCD=..., CCCD079-...).
// No hash is taken for one: hex hashes hold none of those separators, "cmnd" and "cmt" are
// not hex, and "cccd" (which is) counts only with a separator after it or in what follows.
bool looks_like_document_number(std::string_view s) {
    auto starts_with_name = [&](std::string_view name) {
        return s.size() > name.size() && std::equal(name.begin(), name.end(), s.begin(), [](char a, char b) {
                   return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
               });
    };
    // Any ASCII punctuation after the card's name ("CCCD=...", "CMND#..."): a hex hash has none.
    auto is_separator = [](char c) { return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~'); };
    for (const std::string_view name : {"cmnd", "cmt", "cccd"}) {
        if (!starts_with_name(name)) continue;
        // "cccd" is hex too: it is the card's name when a separator follows it, or when what
        // follows holds one ("CCCD079-123-456-789"): a hex hash holds none.
        if (name == "cccd" && !is_separator(s[name.size()]) && std::none_of(s.begin() + 4, s.end(), is_separator)) break;
        s.remove_prefix(name.size());
        if (is_separator(s[0])) s.remove_prefix(1);
        break;
    }
    std::size_t digits = 0;
    for (const char c : s) {
        if (c >= '0' && c <= '9') ++digits;
        else if (!is_separator(c)) return false;  // grouped with any punctuation: 079_123_456_789
    }
    return digits == 9 || digits == 12;
}

bool all_digits(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }); }

}  // namespace

std::optional<std::int64_t> msisdn_key(const model::numbering_plan& plan, std::string_view v, model::number_info& number) {
    bool read = plan.normalize(v, number) == model::normalize_error::none && !number.e164.empty() && number.is_home;
    if (!read && all_digits(v) && v.substr(0, plan.home_country_code().size()) == plan.home_country_code()) {
        const std::string with_plus = "+" + std::string(v);
        read = plan.normalize(with_plus, number) == model::normalize_error::none && !number.e164.empty() && number.is_home;
        if (!read) plan.normalize(v, number);
    }
    if (!read) return std::nullopt;
    return model::e164_to_integer(number.e164);
}

namespace {

// Collects problems, keeping the first max_reported_problems.
struct problem_sink {
    parsed_import& out;
    void add(std::size_t line, std::string_view column, std::string reason) {
        ++out.problem_count;
        if (out.problems.size() < max_reported_problems) out.problems.push_back({line, std::string(column), std::move(reason)});
    }
};

struct row_reader {
    const import_mapping& mapping;
    const model::numbering_plan& plan;
    std::array<std::size_t, f_count> at{};  // column index of each field
    problem_sink& sink;
    std::size_t line = 0;
    model::number_info number;
    bool ok = true;
    std::optional<std::int32_t> latest_day;

    std::string_view header(field_index f) const { return mapping.header_for(import_fields()[f]); }
    void bad(field_index f, std::string reason) {
        sink.add(line, header(f), std::move(reason));
        ok = false;
    }

    std::optional<std::int64_t> msisdn(std::string_view v) {
        if (v.empty()) {
            bad(f_msisdn, "missing: every row needs the subscriber number");
            return std::nullopt;
        }
        if (const auto key = msisdn_key(plan, v, number)) return key;
        if (number.e164.empty()) {
            bad(f_msisdn, fmt::format("'{}' is not a phone number the numbering plan reads", v));
            return std::nullopt;
        }
        if (!number.is_home) {
            bad(f_msisdn, fmt::format("'{}' ({}) is not a number of the home country", v, number.e164));
            return std::nullopt;
        }
        return model::e164_to_integer(number.e164);
    }
    bool boolean(field_index f, std::string_view v) {
        if (v == "0" || v == "1") return v == "1";
        bad(f, fmt::format("'{}' is not a boolean (0 or 1)", v));
        return false;
    }
    std::int32_t date(field_index f, std::string_view v) {
        if (const auto d = model::parse_iso_date(v)) {
            // A date still to come is an export's mistake: as an activation date it would make
            // the SIM look new until then, and lifecycle deadlines would count from it.
            if (latest_day && *d > *latest_day)
                bad(f, fmt::format("'{}' is in the future (after {})", v, model::iso_date(*latest_day)));
            return *d;
        }
        bad(f, v.empty() ? std::string("missing: a date (YYYY-MM-DD) is required") : fmt::format("'{}' is not a date (YYYY-MM-DD)", v));
        return 0;
    }

    void read(const std::vector<std::string_view>& cells, subscriber_row& r, std::int64_t key) {
        auto cell = [&](field_index f) { return cells[at[f]]; };
        r.msisdn = key;
        const std::string_view imsi = cell(f_imsi);
        if (!imsi.empty() && (!all_digits(imsi) || imsi.size() < 5 || imsi.size() > 15)) bad(f_imsi, fmt::format("'{}' is not an IMSI (5 to 15 digits)", imsi));
        r.imsi.assign(imsi);
        const std::string_view owner = cell(f_owner_id_hash);
        if (owner.empty()) {
            bad(f_owner_id_hash, "missing: the owner's identity-document hash is required");
        } else if (looks_like_document_number(owner)) {
            // A 9- or 12-digit value is an identity-card number in clear: never stored.
            bad(f_owner_id_hash, "looks like an identity-document number in clear, not a hash; import a hash of it");
        } else if (owner.size() > 128 || std::any_of(owner.begin(), owner.end(), [](char c) { return c <= ' ' || c == 0x7F; })) {
            bad(f_owner_id_hash, "a hash is at most 128 characters, with no spaces or control characters");
        }
        r.owner_id_hash.assign(owner);
        if (const auto t = parse_owner_type(cell(f_owner_type))) r.owner = *t;
        else bad(f_owner_type, fmt::format("'{}' is not individual or business", cell(f_owner_type)));
        if (const auto m = parse_population_match(cell(f_population_match))) r.match = *m;
        else bad(f_population_match, fmt::format("'{}' is not matched, mismatch or unchecked", cell(f_population_match)));
        const std::string_view match_date = cell(f_population_match_date);
        r.match_date.reset();
        if (!match_date.empty()) r.match_date = date(f_population_match_date, match_date);
        const std::string_view fields = cell(f_matched_fields);
        int n = 0;
        const auto [p, ec] = std::from_chars(fields.data(), fields.data() + fields.size(), n);
        if (fields.empty() || ec != std::errc() || p != fields.data() + fields.size() || n < 0 || n > 255)
            bad(f_matched_fields, fmt::format("'{}' is not a count from 0 to 255", fields));
        r.matched_fields = n;
        r.biometric_verified = boolean(f_biometric_verified, cell(f_biometric_verified));
        r.reverify_pending = boolean(f_reverify_pending, cell(f_reverify_pending));
        if (const auto s = parse_subscriber_status(cell(f_status))) r.status = *s;
        else bad(f_status, fmt::format("'{}' is not active, notified, one_way_locked, two_way_locked or terminated", cell(f_status)));
        r.status_since = date(f_status_since, cell(f_status_since));
        r.activated_on = date(f_activated_on, cell(f_activated_on));
        r.bank_link_verified = boolean(f_bank_link_verified, cell(f_bank_link_verified));
    }
};

}  // namespace

const std::vector<std::string_view>& import_fields() {
    static const std::vector<std::string_view> fields{"msisdn", "imsi", "owner_id_hash", "owner_type", "population_match",
                                                      "population_match_date", "matched_fields", "biometric_verified", "reverify_pending",
                                                      "status", "status_since", "activated_on", "bank_link_verified"};
    return fields;
}

std::string_view import_mapping::header_for(std::string_view field) const {
    const auto it = columns.find(field);
    return it == columns.end() ? field : std::string_view(it->second);
}

parsed_import parse_subscriber_csv(std::string_view data, const import_mapping& mapping, const model::numbering_plan& plan, import_mode mode,
                                   std::optional<std::int32_t> latest_day) {
    parsed_import out;
    out.mode = mode;
    problem_sink sink{out};
    if (common::has_cr_only_line_endings(data)) {
        sink.add(1, "", "lines end with CR alone (classic Mac line endings): save the file with LF or CRLF line endings");
        return out;
    }
    // Another encoding would read as a header lacking every column, or as a hash with odd
    // characters: said as what it is, where it is.
    if (data.starts_with("\xFF\xFE") || data.starts_with("\xFE\xFF")) {
        sink.add(1, "", "the file is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8");
        return out;
    }
    if (const auto bad_at = common::first_invalid_utf8(data)) {
        const int line = 1 + static_cast<int>(std::count(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(*bad_at), '\n'));
        sink.add(line, "", fmt::format("not valid UTF-8 (byte {:#04x}): save the file as UTF-8", static_cast<unsigned char>(data[*bad_at])));
        return out;
    }
    csv_reader csv(data);
    std::vector<std::string_view> cells;
    std::string error;
    if (!csv.next(cells, error)) {
        sink.add(csv.line() ? csv.line() : 1, "", error.empty() ? "the file is empty: a header row is required" : error);
        return out;
    }
    row_reader reader{mapping, plan, {}, sink, 0, {}, true, latest_day};
    reader.line = csv.line();
    // A column named twice: which one holds the value would be a guess (the first was taken,
    // and the second only said to be "not read").
    for (std::size_t i = 0; i < cells.size(); ++i)
        for (std::size_t j = i + 1; j < cells.size(); ++j)
            if (!cells[i].empty() && cells[i] == cells[j]) {
                sink.add(csv.line(), "", fmt::format("column '{}' appears twice in the header", cells[i]));
                return out;
            }
    std::vector<bool> used(cells.size());
    std::size_t op_at = cells.size();
    std::vector<std::string_view> missing;
    for (std::size_t f = 0; f < f_count; ++f) {
        const std::string_view name = mapping.header_for(import_fields()[f]);
        const auto it = std::find(cells.begin(), cells.end(), name);
        if (it == cells.end()) {
            missing.push_back(name);
            continue;
        }
        reader.at[f] = static_cast<std::size_t>(it - cells.begin());
        used[reader.at[f]] = true;
    }
    if (mode == import_mode::delta) {
        const auto it = std::find(cells.begin(), cells.end(), std::string_view(mapping.op_column));
        if (it == cells.end()) missing.push_back(mapping.op_column);
        else {
            op_at = static_cast<std::size_t>(it - cells.begin());
            used[op_at] = true;
        }
    }
    if (!missing.empty()) {
        std::string names;
        for (auto m : missing) names += fmt::format("{}'{}'", names.empty() ? "" : ", ", m);
        sink.add(csv.line(), "", fmt::format("the header lacks {} (see docs/subscribers.md for the columns)", names));
        return out;
    }
    for (std::size_t i = 0; i < cells.size(); ++i)
        if (!used[i]) out.ignored_columns.emplace_back(cells[i]);
    const std::size_t width = cells.size();

    struct keyed {
        std::int64_t msisdn;
        std::uint32_t line;
        std::uint32_t index;  // into upserts, or deletions when delete_
        bool delete_;
    };
    std::vector<keyed> keys;
    std::vector<subscriber_row> rows;
    subscriber_row row;
    while (true) {
        error.clear();
        const bool got = csv.next(cells, error);
        if (!got && error.empty()) break;
        ++out.rows;
        reader.line = csv.line();
        reader.ok = true;
        if (!got) {
            sink.add(csv.line(), "", error);
            continue;
        }
        if (cells.size() != width) {
            sink.add(csv.line(), "", fmt::format("has {} fields; the header has {}", cells.size(), width));
            continue;
        }
        bool is_delete = false;
        if (mode == import_mode::delta) {
            const std::string_view op = cells[op_at];
            if (op == "delete") is_delete = true;
            else if (op != "upsert") {
                sink.add(csv.line(), mapping.op_column, fmt::format("'{}' is not upsert or delete", op));
                continue;
            }
        }
        const auto key = reader.msisdn(cells[reader.at[f_msisdn]]);
        if (!key) continue;
        const auto line = static_cast<std::uint32_t>(csv.line());
        if (is_delete) {
            keys.push_back({*key, line, static_cast<std::uint32_t>(out.deletions.size()), true});
            out.deletions.push_back(*key);
            continue;
        }
        reader.read(cells, row, *key);
        if (!reader.ok) continue;
        keys.push_back({*key, line, static_cast<std::uint32_t>(rows.size()), false});
        rows.push_back(row);
    }
    // One row per subscriber: a second row for the same number is an error naming both lines.
    std::sort(keys.begin(), keys.end(), [](const keyed& a, const keyed& b) { return a.msisdn != b.msisdn ? a.msisdn < b.msisdn : a.line < b.line; });
    for (std::size_t i = 1; i < keys.size(); ++i)
        if (keys[i].msisdn == keys[i - 1].msisdn)
            sink.add(keys[i].line, mapping.header_for("msisdn"), fmt::format("+{} is also on line {}", keys[i].msisdn, keys[i - 1].line));
    if (!out.ok()) return out;
    out.upserts.reserve(rows.size());
    std::vector<std::int64_t> deletions;
    for (const auto& k : keys) {
        if (k.delete_) deletions.push_back(k.msisdn);
        else out.upserts.push_back(std::move(rows[k.index]));
    }
    out.deletions = std::move(deletions);
    return out;
}

namespace {

void bind_row(const sqlite::sqlite_statement& st, const subscriber_row& r, std::string (&dates)[3]) {
    dates[0].clear();
    if (r.match_date) model::append_iso_date(dates[0], *r.match_date);
    dates[1].clear();
    model::append_iso_date(dates[1], r.status_since);
    dates[2].clear();
    model::append_iso_date(dates[2], r.activated_on);
    st.bind_int(1, r.msisdn);
    st.bind_text_or_null(2, r.imsi);
    st.bind_text(3, r.owner_id_hash);
    st.bind_text(4, to_string(r.owner));
    st.bind_text(5, to_string(r.match));
    st.bind_text_or_null(6, dates[0]);
    st.bind_int(7, r.matched_fields);
    st.bind_int(8, r.biometric_verified);
    st.bind_int(9, r.reverify_pending);
    st.bind_text(10, to_string(r.status));
    st.bind_text(11, dates[1]);
    st.bind_text(12, dates[2]);
    st.bind_int(13, r.bank_link_verified);
}

const char* const insert_sql = "INSERT INTO subscribers VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

bool file_exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

std::string record_run(const sqlite::sqlite_connection& db, const parsed_import& p, const import_source& src, const import_changes& c) {
    std::string error;
    auto st = sqlite::sqlite_statement::prepare(
        db.get(), "INSERT INTO import_runs (imported_at, actor, actor_uid, file, file_sha256, mode, rows, inserted, updated, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        error);
    if (!st) return error;
    std::string now;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    model::append_rfc3339_utc(now, ms);
    st.bind_text(1, now);
    st.bind_text(2, src.actor);
    st.bind_int(3, src.actor_uid);
    st.bind_text(4, src.file_name);
    st.bind_text(5, src.sha256);
    st.bind_text(6, p.mode == import_mode::full ? "full" : "delta");
    st.bind_int(7, static_cast<std::int64_t>(p.rows));
    st.bind_int(8, static_cast<std::int64_t>(c.inserted));
    st.bind_int(9, static_cast<std::int64_t>(c.updated));
    st.bind_int(10, static_cast<std::int64_t>(c.deleted));
    return st.run();
}

// Makes the file's contents and its directory entry durable before anyone relies on them.
std::string sync_path(const std::string& path, bool directory) {
    const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDWR) | O_CLOEXEC);
    if (fd < 0) return fmt::format("{}: {}", path, std::strerror(errno));
    const int rc = ::fsync(fd);
    ::close(fd);
    return rc == 0 ? std::string() : fmt::format("{}: fsync: {}", path, std::strerror(errno));
}

std::string apply_full(const std::string& path, const parsed_import& p, const import_source& src, const import_changes& c) {
    const std::string tmp = path + ".new";
    std::remove(tmp.c_str());
    std::remove((tmp + "-journal").c_str());
    std::string error;
    {
        auto db = sqlite::sqlite_connection::open(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, error);
        if (!db) return fmt::format("{}: {}", tmp, error);
        // Nobody reads this file until it is renamed into place, so no journal and no syncs
        // while it fills; one fsync before the rename makes it durable.
        if (auto e = db.exec("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE; PRAGMA cache_size = -262144;"); !e.empty())
            return e;
        if (auto e = create_subscriber_schema(db); !e.empty()) return e;
        bool had_old = false;
        if (file_exists(path)) {
            std::string why;
            if (open_subscriber_database(path, why)) {
                auto attach = sqlite::sqlite_statement::prepare(db.get(), "ATTACH DATABASE ? AS previous", error);
                if (!attach) return error;
                attach.bind_text(1, path);
                if (auto e = attach.run(); !e.empty()) return e;
                had_old = true;
            }
        }
        if (auto e = db.exec("BEGIN"); !e.empty()) return e;
        // The history of earlier imports stays with the database.
        if (had_old) {
            if (auto e = db.exec("INSERT INTO import_runs SELECT * FROM previous.import_runs"); !e.empty()) return e;
        }
        auto ins = sqlite::sqlite_statement::prepare(db.get(), insert_sql, error);
        if (!ins) return error;
        std::string dates[3];
        for (const auto& r : p.upserts) {
            bind_row(ins, r, dates);
            if (auto e = ins.run(); !e.empty()) return fmt::format("subscriber +{}: {}", r.msisdn, e);
        }
        if (auto e = record_run(db, p, src, c); !e.empty()) return e;
        if (auto e = db.exec("COMMIT"); !e.empty()) return e;
        if (had_old) db.exec("DETACH DATABASE previous");
        if (auto e = db.exec("PRAGMA journal_mode = DELETE"); !e.empty()) return e;
    }
    if (auto e = sync_path(tmp, false); !e.empty()) return e;
    if (std::rename(tmp.c_str(), path.c_str()) != 0) return fmt::format("rename {} -> {}: {}", tmp, path, std::strerror(errno));
    const auto dir = std::filesystem::path(path).parent_path();
    return sync_path(dir.empty() ? std::string(".") : dir.string(), true);
}

std::string apply_delta(const std::string& path, const parsed_import& p, const import_source& src, import_changes& c) {
    std::string error;
    const bool existed = file_exists(path);
    if (existed) {
        if (!open_subscriber_database(path, error)) return error;
    }
    auto db = sqlite::sqlite_connection::open(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, error);
    if (!db) return fmt::format("{}: {}", path, error);
    sqlite3_busy_timeout(db.get(), 10000);
    if (!existed) {
        if (auto e = create_subscriber_schema(db); !e.empty()) return e;
    }
    if (auto e = db.exec("BEGIN IMMEDIATE"); !e.empty()) return e;
    auto rollback = [&](std::string e) {
        db.exec("ROLLBACK");
        return e;
    };
    auto ins = sqlite::sqlite_statement::prepare(
        db.get(),
        std::string(insert_sql) +
            " ON CONFLICT (msisdn) DO UPDATE SET imsi = excluded.imsi, owner_id_hash = excluded.owner_id_hash, owner_type = excluded.owner_type, "
            "population_match = excluded.population_match, population_match_date = excluded.population_match_date, matched_fields = excluded.matched_fields, "
            "biometric_verified = excluded.biometric_verified, reverify_pending = excluded.reverify_pending, status = excluded.status, "
            "status_since = excluded.status_since, activated_on = excluded.activated_on, bank_link_verified = excluded.bank_link_verified",
        error);
    auto del = sqlite::sqlite_statement::prepare(db.get(), "DELETE FROM subscribers WHERE msisdn = ?", error);
    if (!ins || !del) return rollback(error);
    std::string dates[3];
    for (const auto& r : p.upserts) {
        bind_row(ins, r, dates);
        if (auto e = ins.run(); !e.empty()) return rollback(fmt::format("subscriber +{}: {}", r.msisdn, e));
    }
    for (const auto m : p.deletions) {
        del.bind_int(1, m);
        if (auto e = del.run(); !e.empty()) return rollback(fmt::format("subscriber +{}: {}", m, e));
    }
    if (auto e = record_run(db, p, src, c); !e.empty()) return rollback(e);
    if (auto e = db.exec("COMMIT"); !e.empty()) return rollback(e);
    return {};
}

}  // namespace

std::string compare_with_database(const std::string& path, const parsed_import& p, import_changes& out) {
    out = {};
    if (!file_exists(path)) {
        out.inserted = p.upserts.size();
        out.absent_deletions = p.deletions.size();
        return {};
    }
    std::string error;
    auto db = open_subscriber_database(path, error);
    if (!db) return error;
    if (p.mode == import_mode::full) {
        // Both sides in msisdn order: one merge pass, no index of the old file in memory.
        std::size_t i = 0;
        const auto& rows = p.upserts;
        error = for_each_subscriber(db, [&](const subscriber_row& old) {
            while (i < rows.size() && rows[i].msisdn < old.msisdn) ++out.inserted, ++i;
            if (i < rows.size() && rows[i].msisdn == old.msisdn) {
                ++(rows[i] == old ? out.unchanged : out.updated);
                ++i;
            } else {
                ++out.deleted;
            }
        });
        out.inserted += rows.size() - i;
        return error;
    }
    // A delta touches few rows: look each one up.
    subscriber_finder finder(db, error);
    auto get = sqlite::sqlite_statement::prepare(db.get(), "SELECT 1 FROM subscribers WHERE msisdn = ?", error);
    if (!finder || !get) return error;
    subscriber_row old;
    for (const auto& r : p.upserts) {
        if (finder.find(r.msisdn, old, error)) ++(old == r ? out.unchanged : out.updated);
        else if (!error.empty()) return error;
        else ++out.inserted;
    }
    for (const auto m : p.deletions) {
        get.bind_int(1, m);
        const int rc = sqlite3_step(get.get());
        if (rc == SQLITE_ROW) ++out.deleted;
        else if (rc == SQLITE_DONE) ++out.absent_deletions;
        sqlite3_reset(get.get());
    }
    return {};
}

std::string apply_import(const std::string& path, const parsed_import& p, const import_source& source, import_changes& out) {
    if (!p.ok()) return "the file has errors; nothing was applied";
    // One import at a time: a full import builds a new file from the old one and renames it
    // into place, so a delta committed meanwhile into the old file would vanish, and two full
    // imports would each replace the other. The next one waits, then applies on top.
    common::file_lock one_import;
    if (auto e = one_import.take_waiting(path, import_lock_wait); !e.empty()) return e;
    if (auto e = compare_with_database(path, p, out); !e.empty()) return e;
    return p.mode == import_mode::full ? apply_full(path, p, source, out) : apply_delta(path, p, source, out);
}

}  // namespace ringfence::subscribers
