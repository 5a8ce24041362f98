#include "store/decision_log_inserter.hpp"

#include <algorithm>

#include "model/record_json.hpp"
#include "model/e164_integer.hpp"

namespace ringfence::store {

namespace {

constexpr int decision_columns = 18;

// INSERT INTO decisions with rows rows of values, numbered ?1 .. ?(18 * rows).
std::string insert_decisions_sql(std::size_t rows) {
    std::string sql =
        "INSERT INTO decisions (time_ms, decided_at_ms, record_id, kind, caller_raw, caller_e164, "
        "caller_num, callee_raw, callee_e164, callee_num, asserted_e164, origin_kind, origin_trunk, "
        "origin_ip, action, ruleset_version, latency_us, record_json) VALUES ";
    for (std::size_t r = 0; r < rows; ++r) {
        sql += r == 0 ? "(" : ", (";
        for (int c = 1; c <= decision_columns; ++c) {
            if (c > 1) sql += ", ";
            sql += "?" + std::to_string(static_cast<int>(r) * decision_columns + c);
        }
        sql += ")";
    }
    return sql;
}

constexpr std::string_view insert_rule_sql =
    "INSERT INTO decision_rules (decision_id, rule, priority, action, shadow, reason, "
    "evidence_json) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

constexpr std::string_view insert_ruleset_sql =
    "INSERT OR IGNORE INTO ruleset_versions (version, first_used_ms, content) VALUES (?1, ?2, ?3)";

// caller_num / callee_num: the E.164 digits as an integer, NULL when there is no E.164 form.
std::optional<std::int64_t> bind_number(const sqlite::sqlite_statement& s, int index, std::string_view e164) {
    const auto n = model::e164_to_integer(e164);
    if (n)
        s.bind_int(index, *n);
    else
        s.bind_null(index);
    return n;
}

}  // namespace

std::string decision_log_inserter::prepare(sqlite3* db, record_content content) {
    db_ = db;
    content_ = content;
    std::string error;
    const std::string one_row_sql = insert_decisions_sql(1);
    const std::string many_rows_sql = insert_decisions_sql(rows_per_statement);
    const std::pair<sqlite::sqlite_statement*, std::string_view> statements[] = {
        {&begin_, "BEGIN IMMEDIATE"},     {&commit_, "COMMIT"},
        {&rollback_, "ROLLBACK"},         {&insert_decision_, one_row_sql},
        {&insert_decisions_, many_rows_sql},
        {&insert_rule_, insert_rule_sql}, {&insert_ruleset_, insert_ruleset_sql},
        {&insert_action_, "INSERT INTO operator_actions (time_ms, actor_uid, action, subject, detail) VALUES (?, ?, ?, ?, ?)"},
    };
    for (const auto& [stmt, sql] : statements) {
        *stmt = sqlite::sqlite_statement::prepare(db, sql, error);
        if (!*stmt) return error;
    }
    return {};
}

std::string decision_log_inserter::begin() const { return begin_.run(); }

std::string decision_log_inserter::commit() const { return commit_.run(); }

void decision_log_inserter::rollback() const {
    if (sqlite3_get_autocommit(db_) == 0) (void)rollback_.run();
}

void decision_log_inserter::bind_decision(const sqlite::sqlite_statement& s, int base, const decision_log_entry& e, std::string& record_json,
                                          inserted_row& row) const {
    const model::record& r = e.rec;
    record_json.clear();
    // A shadow rule's match changes nothing, and one matching every message of a kind (a
    // brandname check before its routes are filled in) would keep every bank OTP's text.
    const bool enforced_match =
        std::any_of(e.dec.rules.begin(), e.dec.rules.end(), [](const engine::matched_rule& m) { return !m.shadow; });
    const bool with_content = content_ == record_content::always || (content_ == record_content::when_matched && enforced_match);
    model::append_record_json(record_json, r, with_content);

    // Every parameter is bound on every row: a stale SQLITE_STATIC pointer from the previous
    // entry must never survive into this one.
    s.bind_int(base + 1, r.time_ms);
    s.bind_int(base + 2, e.decided_at_ms);
    s.bind_text(base + 3, r.id);  // the id as given, "" too (every record has one; NULL would read as none)
    s.bind_text(base + 4, model::to_string(r.kind));
    s.bind_text_or_null(base + 5, r.caller.raw);
    s.bind_text_or_null(base + 6, r.caller.e164);
    row.time_ms = r.time_ms;
    row.caller_num = bind_number(s, base + 7, r.caller.e164);
    s.bind_text_or_null(base + 8, r.callee.raw);
    s.bind_text_or_null(base + 9, r.callee.e164);
    row.callee_num = bind_number(s, base + 10, r.callee.e164);
    s.bind_text_or_null(base + 11, r.asserted.e164);
    s.bind_text_or_null(base + 12, model::to_string(r.origin.kind));
    s.bind_text_or_null(base + 13, r.origin.trunk);
    s.bind_text_or_null(base + 14, r.origin.ip);
    s.bind_text(base + 15, engine::to_string(e.dec.final_action));
    s.bind_text_or_null(base + 16, e.dec.ruleset_version);
    s.bind_int(base + 17, e.latency_us);
    s.bind_text(base + 18, record_json);
}

std::string decision_log_inserter::insert_rules(const decision_log_entry& e, std::int64_t decision_id, std::uint64_t& rule_rows) const {
    const sqlite::sqlite_statement& rs = insert_rule_;
    for (const engine::matched_rule& m : e.dec.rules) {
        rs.bind_int(1, decision_id);
        rs.bind_text(2, m.rule);
        rs.bind_text(3, m.priority);
        rs.bind_text(4, engine::to_string(m.rule_action));
        rs.bind_int(5, m.shadow ? 1 : 0);
        rs.bind_text(6, m.reason);
        // evidence_json is NOT NULL and a JSON object: "{}" when the engine gave none.
        rs.bind_text(7, m.evidence_json.empty() ? std::string_view("{}") : std::string_view(m.evidence_json));
        if (std::string error = rs.run(); !error.empty()) return error;
        ++rule_rows;
    }
    return {};
}

std::string decision_log_inserter::insert(const decision_log_entry& e, std::uint64_t& rule_rows, inserted_row& row) {
    bind_decision(insert_decision_, 0, e, record_json_[0], row);
    if (std::string error = insert_decision_.run(); !error.empty()) return error;
    row.id = sqlite3_last_insert_rowid(db_);
    return insert_rules(e, row.id, rule_rows);
}

std::string decision_log_inserter::insert_many(std::span<const decision_log_entry_ptr> entries, std::uint64_t& rule_rows,
                                               std::span<inserted_row> rows) {
    if (entries.size() != rows_per_statement) {
        for (std::size_t i = 0; i < entries.size(); ++i)
            if (std::string error = insert(*entries[i], rule_rows, rows[i]); !error.empty()) return error;
        return {};
    }
    for (std::size_t i = 0; i < rows_per_statement; ++i)
        bind_decision(insert_decisions_, static_cast<int>(i) * decision_columns, *entries[i], record_json_[i], rows[i]);
    if (std::string error = insert_decisions_.run(); !error.empty()) return error;
    // The rows of one INSERT take consecutive ids in the order of their values: each new
    // rowid is the largest one plus one (no AUTOINCREMENT, and this is the only writer).
    const std::int64_t last = sqlite3_last_insert_rowid(db_);
    for (std::size_t i = 0; i < rows_per_statement; ++i) {
        rows[i].id = last - static_cast<std::int64_t>(rows_per_statement - 1 - i);
        if (entries[i]->dec.rules.empty()) continue;
        if (std::string error = insert_rules(*entries[i], rows[i].id, rule_rows); !error.empty()) return error;
    }
    return {};
}

std::string decision_log_inserter::insert_ruleset_version(std::string_view version,
                                                          std::string_view content,
                                                          std::int64_t first_used_ms) const {
    insert_ruleset_.bind_text(1, version);
    insert_ruleset_.bind_int(2, first_used_ms);
    insert_ruleset_.bind_text(3, content);
    return insert_ruleset_.run();
}

std::string decision_log_inserter::insert_operator_action(const operator_action& a) const {
    insert_action_.bind_int(1, a.time_ms);
    insert_action_.bind_int(2, a.actor_uid);
    insert_action_.bind_text(3, a.action);
    insert_action_.bind_text(4, a.subject);
    insert_action_.bind_text(5, a.detail_json);
    return insert_action_.run();
}

void decision_log_inserter::finalize() {
    insert_action_ = {};
    insert_ruleset_ = {};
    insert_rule_ = {};
    insert_decisions_ = {};
    insert_decision_ = {};
    rollback_ = {};
    commit_ = {};
    begin_ = {};
    db_ = nullptr;
}

}  // namespace ringfence::store
