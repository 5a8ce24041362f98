// ringfence lists create|import|add|remove|show|audit: the operator's hands on the
// intelligence lists. Every change is one transaction with its audit row (the OS user and
// uid running this command, the time, what changed); a running daemon applies it within
// intel.refresh_interval_ms, with no restart. Run it as the daemon's user (or one in its
// group), who owns state_dir.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "common/json_writer.hpp"
#include "common/sha256.hpp"
#include "common/time_zone.hpp"
#include "engine/rule_pack_reader.hpp"
#include "intel/intel_database.hpp"
#include "intel/intel_editor.hpp"
#include "intel/intel_import.hpp"
#include "intel/intel_values.hpp"
#include "model/time_format.hpp"
#include "tools/ringfence/cli_common.hpp"
#include "tools/ringfence/commands.hpp"
#include "common/text_file.hpp"

namespace ringfence::cli {

namespace {

constexpr const char* lists_usage =
    "usage: ringfence lists COMMAND [--config FILE] [--set key=value]... ARGS\n"
    "  create NAME --kind KIND [--desc TEXT]   a list of number, number_prefix, domain, url, ip or bank_account entries\n"
    "  import LIST FILE                        add or replace every entry of a .csv or .yaml file, all or nothing\n"
    "  add LIST VALUE --source S --reason R [--expires DATE|TIME|DURATION]\n"
    "                                          add an entry (or replace the one with the same value)\n"
    "  remove LIST VALUE                       remove an entry\n"
    "  restore BACKUP.sqlite                   put every list of a backup back as it held it, audited\n"
    "  show [LIST] [--all] [--json]            the lists, or a list's live entries (--all: expired ones too)\n"
    "  audit [LIST] [--limit N] [--json]       the changes, newest first (default 50)\n"
    "  S: police | bank | spam_reports | internal. A list the rule packs declare (intel: KIND)\n"
    "  is created on its first add or import. Every change is audited. See docs/intel-lists.md.\n";

constexpr std::size_t max_import_bytes = std::size_t{1} << 30;

std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string time_text(std::int64_t ms) {
    if (ms == 0) return "never";
    std::string out;
    model::append_rfc3339_utc(out, ms);
    return out;
}


class lists_command {
public:
    int run(const std::string& what, std::vector<std::string> args) {
        common_options opts;
        std::string error;
        if (!take_common_options(args, opts, error)) return usage(error);
        auto setup = load_plan_or_report(opts);
        if (!setup.value) return 1;
        config_ = std::move(setup.value->config);
        plan_ = std::move(setup.value->plan);
        std::string why;
        auto zone = common::time_zone::load(config_.engine.time_zone, why);
        if (!zone) {
            std::fprintf(stderr, "ringfence lists: engine.time_zone '%s': %s\n", config_.engine.time_zone.c_str(), why.c_str());
            return 1;
        }
        zone_ = std::move(zone);
        // A database that is not there is one the daemon never made: most likely a wrong
        // --config or intel.path. Reading it shows nothing, so it is refused; a change may
        // start it (lists loaded before the daemon's first start), and says so. Its folder
        // must exist: one made up from a mistyped path would hide the mistake.
        const std::string& path = config_.intel.path;
        std::error_code ec;
        const bool missing = !std::filesystem::exists(path, ec);
        if (ec) return fail(fmt::format("{} (intel.path): {}", path, ec.message()));
        // A remove from a database that is not there removes nothing: refused like a read.
        const bool changes = what == "create" || what == "import" || what == "add" || what == "restore";
        if (missing && !changes)
            return fail(fmt::format("no intelligence database at {} (intel.path): check --config; ringfenced creates it at start", path));
        const auto folder = std::filesystem::path(path).parent_path();
        if (missing && !folder.empty() && !std::filesystem::is_directory(folder, ec))
            return fail(fmt::format("no intelligence database at {} and no folder {} for one (intel.path): check --config", path, folder.string()));
        auto db = intel::open_intel_database(path);
        for (const auto& d : db.diagnostics) std::fprintf(stderr, "%s\n", d.to_text().c_str());
        if (!db.value) return 1;
        if (missing) std::fprintf(stderr, "ringfence lists: created a new intelligence database %s (intel.path)\n", path.c_str());
        db_ = std::move(*db.value);
        editor_.emplace(db_, intel::current_actor());
        if (what == "create") return create(args);
        if (what == "import") return import(args);
        if (what == "add") return add(args);
        if (what == "remove") return remove(args);
        if (what == "restore") return restore(args);
        if (what == "show") return show(args);
        if (what == "audit") return audit(args);
        return usage(fmt::format("unknown subcommand '{}'", what));
    }

    static int usage(const std::string& error) {
        if (!error.empty()) std::fprintf(stderr, "ringfence lists: %s\n", error.c_str());
        std::fputs(lists_usage, stderr);
        return 2;
    }

private:
    static int fail(const std::string& message) {
        std::fprintf(stderr, "ringfence lists: %s\n", terminal_safe(message).c_str());
        return 1;
    }

    // The kind the configured rule packs declare for name (nullopt: not declared).
    std::optional<std::pair<engine::intel_kind, std::string>> declared(const std::string& name) {
        auto items = engine::read_rule_paths(config_.engine.rule_paths);
        std::optional<std::pair<engine::intel_kind, std::string>> out;
        if (!items.value) return out;
        for (const auto& l : items.value->lists)
            if (l.name == name && l.intel)
                if (auto k = engine::parse_intel_kind(l.intel->text)) out = std::make_pair(*k, l.desc);
        return out;
    }

    // Where a change goes: the list's row, or the kind the rule packs declare for a list the
    // database does not hold yet (created only once the change is known to be good).
    struct list_target {
        std::optional<intel::list_row> row;
        engine::intel_kind kind{};
        std::string description;
    };

    // Reads only; "" or why the change cannot go there.
    std::string resolve_list(const std::string& name, list_target& out) {
        if (auto err = editor_->find_list(name, out.row, now_ms()); !err.empty()) return err;
        const auto decl = declared(name);
        if (out.row) {
            if (decl && decl->first != out.row->kind)
                return fmt::format("the rule packs declare '{}' intel: {}, but the intel database holds it as a {} list", name, to_string(decl->first),
                                   to_string(out.row->kind));
            out.kind = out.row->kind;
            return {};
        }
        if (!decl)
            return fmt::format("no list '{}': declare it in a rule pack (- list: {} / intel: KIND) or create it with `ringfence lists create {} --kind KIND`",
                               name, name, name);
        out.kind = decl->first;
        out.description = decl->second;
        return {};
    }

    // The target's row, creating the list the rule packs declare; "" or why not.
    std::string list_row_of(const std::string& name, const list_target& t, intel::list_row& out) {
        if (t.row) {
            out = *t.row;
            return {};
        }
        if (auto err = editor_->create_list(name, t.kind, t.description, now_ms()); !err.empty()) return err;
        std::fprintf(stderr, "created list %s (%s, as the rule packs declare it)\n", name.c_str(), std::string(to_string(t.kind)).c_str());
        std::optional<intel::list_row> row;
        editor_->find_list(name, row, now_ms());
        if (!row) return "the new list cannot be read back";
        out = *row;
        return {};
    }

    int create(const std::vector<std::string>& args) {
        parsed_args p;
        std::string error;
        if (!parse(args, {"--kind", "--desc"}, {}, p, error) || p.words.size() != 1 || !p.options.count("--kind"))
            return usage(error.empty() ? "create NAME --kind KIND" : error);
        const auto kind = engine::parse_intel_kind(p.options["--kind"]);
        if (!kind) return fail(fmt::format("--kind is one of {}, not '{}'", engine::intel_kind_names(), p.options["--kind"]));
        const std::string& name = p.words[0];
        if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") != std::string::npos)
            return fail(fmt::format("'{}': a list name is letters, digits, _ and -", name));
        if (const auto decl = declared(name); decl && decl->first != *kind)
            return fail(fmt::format("the rule packs declare '{}' intel: {}", name, to_string(decl->first)));
        std::optional<intel::list_row> row;
        editor_->find_list(name, row, now_ms());
        if (row) return fail(fmt::format("list '{}' exists ({})", name, to_string(row->kind)));
        if (auto err = editor_->create_list(name, *kind, p.options["--desc"], now_ms()); !err.empty()) return fail(err);
        std::printf("created list %s (%s)\n", name.c_str(), std::string(to_string(*kind)).c_str());
        return 0;
    }

    int add(const std::vector<std::string>& args) {
        parsed_args p;
        std::string error;
        if (!parse(args, {"--source", "--reason", "--expires"}, {}, p, error) || p.words.size() != 2) return usage(error.empty() ? "add LIST VALUE --source S --reason R" : error);
        // Everything is checked before a list the rule packs declare is created: a refused
        // add leaves the database, and its audit trail, as they were.
        list_target target;
        if (auto err = resolve_list(p.words[0], target); !err.empty()) return fail(err);
        std::string why;
        const auto value = intel::normalise_value(target.kind, p.words[1], *plan_, why);
        if (!value) return fail("value: " + why);
        const auto source = intel::parse_entry_source(p.options["--source"]);
        if (!source) return fail(fmt::format("--source: '{}' is not police, bank, spam_reports or internal", p.options["--source"]));
        const auto reason = intel::check_reason(p.options["--reason"], why);
        if (!reason) return fail("--reason: " + why);
        const std::int64_t now = now_ms();
        const auto expires = intel::parse_expiry(p.options["--expires"], *zone_, now, why);
        if (!expires) return fail("--expires: " + why);
        intel::list_row list;
        if (auto err = list_row_of(p.words[0], target, list); !err.empty()) return fail(err);
        bool replaced = false;
        if (auto err = editor_->add(list, {value->value, value->bank_code, *source, *reason, *expires}, now, replaced); !err.empty()) return fail(err);
        std::printf("%s %s %s (source %s, expires %s)\n", replaced ? "replaced" : "added", list.name.c_str(), value->value.c_str(),
                    std::string(to_string(*source)).c_str(), time_text(*expires).c_str());
        return 0;
    }

    int remove(const std::vector<std::string>& args) {
        parsed_args p;
        std::string error;
        if (!parse(args, {}, {}, p, error) || p.words.size() != 2) return usage(error.empty() ? "remove LIST VALUE" : error);
        std::optional<intel::list_row> list;
        if (auto err = editor_->find_list(p.words[0], list, now_ms()); !err.empty()) return fail(err);
        if (!list) return fail(fmt::format("no list '{}'", p.words[0]));
        // The value as the kind reads it, else exactly as stored (copied from `lists show`).
        std::string why;
        const auto value = intel::normalise_value(list->kind, p.words[1], *plan_, why);
        std::vector<std::string> candidates;
        if (value) candidates.push_back(value->value);
        if (!value || value->value != p.words[1]) candidates.push_back(p.words[1]);
        bool found = false;
        std::string removed;
        for (const auto& c : candidates) {
            if (auto err = editor_->remove(*list, c, now_ms(), found); !err.empty()) return fail(err);
            if (found) {
                removed = c;
                break;
            }
        }
        if (!found) return fail(value ? fmt::format("{} holds no entry {}", list->name, value->value) : "value: " + why);
        std::printf("removed %s %s\n", list->name.c_str(), removed.c_str());
        return 0;
    }

    int import(const std::vector<std::string>& args) {
        parsed_args p;
        std::string error;
        if (!parse(args, {}, {}, p, error) || p.words.size() != 2) return usage(error.empty() ? "import LIST FILE" : error);
        const std::string& file = p.words[1];
        const auto format = intel::import_format_of(file);
        if (!format) return fail(fmt::format("{}: an import file ends .csv, .yaml or .yml", file));
        std::error_code ec;
        const auto size = std::filesystem::file_size(file, ec);
        if (ec) return fail(fmt::format("{}: {}", file, ec.message()));
        if (size > max_import_bytes) return fail(fmt::format("{}: {} bytes; split files over {} bytes", file, size, max_import_bytes));
        std::string text, why;
        if (!common::read_text_file(file, text, why, max_import_bytes)) return fail(fmt::format("{}: cannot read: {}", file, why));
        list_target target;
        if (auto err = resolve_list(p.words[0], target); !err.empty()) return fail(err);
        const std::int64_t now = now_ms();
        const auto rows = intel::read_import(text, *format, {target.kind, *plan_, *zone_, now});
        if (!rows.ok()) {
            for (const auto& pr : rows.problems) {
                // A problem of the whole file (empty, too many problems to list) has no line.
                const std::string at = pr.line > 0 ? fmt::format("{}:{}", file, pr.line) : file;
                std::fprintf(stderr, "%s: %s%s%s\n", at.c_str(), pr.field.c_str(), pr.field.empty() ? "" : ": ", pr.message.c_str());
            }
            return fail(fmt::format("{}: nothing imported (fix every problem and import the file again)", file));
        }
        intel::list_row list;  // a declared list is created only for a file that imports
        if (auto err = list_row_of(p.words[0], target, list); !err.empty()) return fail(err);
        std::int64_t added = 0, replaced = 0;
        if (auto err = editor_->import(list, rows.rows, file, common::sha256_hex(text), now, added, replaced); !err.empty())
            return fail(fmt::format("{}: nothing imported: {}", file, err));
        std::printf("imported %s into %s: %lld added, %lld replaced\n", file.c_str(), list.name.c_str(), static_cast<long long>(added),
                    static_cast<long long>(replaced));
        return 0;
    }

    int restore(const std::vector<std::string>& args) {
        parsed_args p;
        std::string error;
        if (!parse(args, {}, {}, p, error) || p.words.size() != 1) return usage(error.empty() ? "restore BACKUP.sqlite" : error);
        const std::string& backup = p.words[0];
        std::error_code ec;
        if (!std::filesystem::is_regular_file(backup, ec)) return fail(fmt::format("{}: no such file", backup));
        if (std::filesystem::equivalent(backup, config_.intel.path, ec))
            return fail(fmt::format("{} is the live database (intel.path), not a backup of it", backup));
        std::string bytes, why;
        if (!common::read_text_file(backup, bytes, why, std::size_t{16} << 30)) return fail(fmt::format("{}: cannot read: {}", backup, why));
        std::vector<intel::restored_list> restored;
        // As create and add: a list the rule packs declare keeps that kind, or the daemon could
        // neither refresh its lists nor start again.
        auto fits_packs = [&](const std::string& name, const std::string& kind) -> std::string {
            const auto decl = declared(name);
            if (!decl || to_string(decl->first) == kind) return {};
            return fmt::format("the rule packs declare '{}' intel: {}, but {} holds it as a {} list", name, to_string(decl->first), backup, kind);
        };
        if (auto err = editor_->restore(backup, common::sha256_hex(bytes), now_ms(), restored, fits_packs); !err.empty())
            return fail(fmt::format("nothing restored: {}", err));
        for (const auto& r : restored)
            std::printf("restored %s from %s: %lld entries (it held %lld)%s\n", r.name.c_str(), backup.c_str(),
                        static_cast<long long>(r.entries_restored), static_cast<long long>(r.entries_before), r.created ? "; list created" : "");
        if (restored.empty()) std::printf("%s holds no lists: nothing restored\n", backup.c_str());
        return 0;
    }

    int show(const std::vector<std::string>& args) {
        parsed_args p;
        std::string error;
        if (!parse(args, {}, {"--all", "--json"}, p, error) || p.words.size() > 1) return usage(error.empty() ? "show [LIST] [--all] [--json]" : error);
        const bool json = has_flag(p, "--json");
        const std::int64_t now = now_ms();
        if (p.words.empty()) {
            std::vector<intel::list_row> all;
            if (auto err = editor_->lists(all, now); !err.empty()) return fail(err);
            for (const auto& l : all) {
                if (json) {
                    std::string out = "{\"list\":";
                    common::append_json_string(out, l.name);
                    out += ",\"kind\":";
                    common::append_json_string(out, to_string(l.kind));
                    out += ",\"entries\":";
                    common::append_json_int(out, l.entries);
                    out += ",\"live\":";
                    common::append_json_int(out, l.live);
                    out += ",\"description\":";
                    common::append_json_string(out, l.description);
                    std::printf("%s}\n", out.c_str());
                } else {
                    std::printf("%-28s %-14s %10lld live %10lld total  %s\n", l.name.c_str(), std::string(to_string(l.kind)).c_str(),
                                static_cast<long long>(l.live), static_cast<long long>(l.entries), l.description.c_str());
                }
            }
            return 0;
        }
        std::optional<intel::list_row> list;
        if (auto err = editor_->find_list(p.words[0], list, now); !err.empty()) return fail(err);
        if (!list) return fail(fmt::format("no list '{}'", p.words[0]));
        std::vector<intel::entry_row> rows;
        if (auto err = editor_->entries(*list, has_flag(p, "--all"), now, rows); !err.empty()) return fail(err);
        for (const auto& r : rows) {
            if (json) {
                std::string out = "{\"value\":";
                common::append_json_string(out, r.value);
                out += ",\"source\":";
                common::append_json_string(out, r.source);
                out += ",\"reason\":";
                common::append_json_string(out, r.reason);
                out += ",\"added_at\":";
                common::append_json_string(out, time_text(r.added_at_ms));
                out += ",\"expires_at\":";
                if (r.expires_at_ms) common::append_json_string(out, time_text(r.expires_at_ms));
                else out += "null";
                out += ",\"added_by\":";
                common::append_json_string(out, r.added_by);
                std::printf("%s}\n", out.c_str());
            } else {
                std::printf("%-24s %-12s expires %-24s added %s by %s  %s\n", r.value.c_str(), r.source.c_str(), time_text(r.expires_at_ms).c_str(),
                            time_text(r.added_at_ms).c_str(), r.added_by.c_str(), r.reason.c_str());
            }
        }
        return 0;
    }

    int audit(const std::vector<std::string>& args) {
        parsed_args p;
        std::string error;
        if (!parse(args, {"--limit"}, {"--json"}, p, error) || p.words.size() > 1) return usage(error.empty() ? "audit [LIST] [--limit N] [--json]" : error);
        const int limit = p.options.count("--limit") ? std::atoi(p.options["--limit"].c_str()) : 50;
        if (limit <= 0) return fail("--limit is a positive number");
        std::vector<intel::audit_row> rows;
        if (auto err = editor_->audit(p.words.empty() ? std::string() : p.words[0], limit, rows); !err.empty()) return fail(err);
        // A mistyped name must not look like a list nobody ever changed.
        if (!p.words.empty() && rows.empty()) {
            std::optional<intel::list_row> list;
            if (auto err = editor_->find_list(p.words[0], list, now_ms()); !err.empty()) return fail(err);
            if (!list) return fail(fmt::format("no list '{}'", p.words[0]));
        }
        for (const auto& a : rows) {
            if (has_flag(p, "--json")) {
                std::string out = "{\"time\":";
                common::append_json_string(out, time_text(a.time_ms));
                for (const auto& [k, v] : std::initializer_list<std::pair<const char*, const std::string*>>{
                         {"actor", &a.actor}, {"action", &a.action}, {"list", &a.list}, {"value", &a.value}, {"file", &a.file}, {"file_sha256", &a.file_sha256}, {"detail", &a.detail}}) {
                    if (v->empty()) continue;
                    out += fmt::format(",\"{}\":", k);
                    common::append_json_string(out, *v);
                }
                if (a.rows_added >= 0) out += fmt::format(",\"rows_added\":{},\"rows_replaced\":{}", a.rows_added, a.rows_replaced);
                std::printf("%s}\n", out.c_str());
            } else {
                std::string what = a.value.empty() ? a.file : a.value;
                if (a.rows_added >= 0) what += fmt::format(" (sha256 {}, {} added, {} replaced)", a.file_sha256, a.rows_added, a.rows_replaced);
                std::printf("%s  %-24s %-7s %-24s %s  %s\n", time_text(a.time_ms).c_str(), a.actor.c_str(), a.action.c_str(), a.list.c_str(), what.c_str(),
                            a.detail.c_str());
            }
        }
        return 0;
    }

    app::daemon_config config_;
    std::unique_ptr<model::numbering_plan> plan_;
    std::optional<common::time_zone> zone_;
    sqlite::sqlite_connection db_;
    std::optional<intel::intel_editor> editor_;
};

}  // namespace

int cmd_lists(std::vector<std::string> args) {
    if (args.empty()) return lists_command::usage("");
    const std::string what = args[0];
    args.erase(args.begin());
    return lists_command().run(what, std::move(args));
}

}  // namespace ringfence::cli
