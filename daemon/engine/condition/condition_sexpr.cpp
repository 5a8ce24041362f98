#include "engine/condition/condition_sexpr.hpp"

#include <charconv>
#include <string_view>

namespace ringfence::engine::condition {

namespace {

void append_integer(std::string& out, std::int64_t n) {
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, n);
    out.append(buffer, result.ptr);
}

void append_number(std::string& out, double n) {
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, n);
    out.append(buffer, result.ptr);
}

void append_quoted(std::string& out, std::string_view s) {
    out.push_back('"');
    for (const char c : s) {
        switch (c) {
            case '\\':
                out.append("\\\\");
                break;
            case '"':
                out.append("\\\"");
                break;
            case '\n':
                out.append("\\n");
                break;
            case '\t':
                out.append("\\t");
                break;
            default:
                out.push_back(c);
        }
    }
    out.push_back('"');
}

void append(std::string& out, const expr& e);

void append(std::string& out, const literal& l) {
    switch (l.kind) {
        case literal::type::identifier:
            out.append(l.text);
            break;
        case literal::type::string:
            append_quoted(out, l.text);
            break;
        case literal::type::number:
            append_number(out, l.number);
            break;
        case literal::type::duration:
            out.append("(dur ");
            append_integer(out, l.millis);
            out.push_back(')');
            break;
        case literal::type::time_of_day:
            out.append("(tod ");
            append_integer(out, l.minutes);
            out.push_back(')');
            break;
    }
}

void append(std::string& out, const aggregate& a) {
    out.append("(agg ");
    out.append(to_string(a.fn));
    out.push_back(' ');
    if (!a.of_field.empty()) {
        out.append(a.of_field);
        out.append(" of ");
    }
    out.append(a.event_kind);
    if (a.where) {
        out.append(" where ");
        append(out, *a.where);
    }
    if (!a.by_field.empty()) {
        out.append(" by ");
        out.append(a.by_field);
        if (!a.by_except.empty()) {
            out.append(" except ");
            out.append(a.by_except);
        }
    }
    out.append(" within ");
    append_integer(out, a.window_ms);
    if (!a.for_field.empty()) {
        out.append(" for ");
        out.append(a.for_field);
    }
    if (a.unless_blocked) out.append(" unless blocked");
    out.push_back(')');
}

void append(std::string& out, const value& v) {
    if (!v.except_list.empty()) {
        value plain;
        plain.lit = v.lit;
        out.append("(except ");
        append(out, plain);
        out.push_back(' ');
        out.append(v.except_list);
        out.push_back(')');
        return;
    }
    if (v.is_aggregate && v.agg)
        append(out, *v.agg);
    else if (v.is_aggregate)
        out.append("(agg ?)");
    else
        append(out, v.lit);
}

void append_children(std::string& out, std::string_view head, const expr& e) {
    out.push_back('(');
    out.append(head);
    for (const auto& child : e.children) {
        out.push_back(' ');
        append(out, *child);
    }
    out.push_back(')');
}

void append(std::string& out, const expr& e) {
    switch (e.k) {
        case expr::kind::and_:
            append_children(out, "and", e);
            return;
        case expr::kind::or_:
            append_children(out, "or", e);
            return;
        case expr::kind::not_:
            append_children(out, "not", e);
            return;
        case expr::kind::compare:
            out.append("(cmp ");
            out.append(to_string(e.cmp));
            out.push_back(' ');
            append(out, e.lhs);
            out.push_back(' ');
            append(out, e.rhs);
            break;
        case expr::kind::in_values:
            out.append("(in_values ");
            append(out, e.lhs);
            for (const auto& v : e.values) {
                out.push_back(' ');
                append(out, v);
            }
            break;
        case expr::kind::in_list:
            out.append("(in_list ");
            out.append(to_string(e.lop));
            out.push_back(' ');
            append(out, e.lhs);
            out.push_back(' ');
            out.append(e.list_name);
            break;
        case expr::kind::text_test:
            out.append("(text ");
            out.append(to_string(e.top));
            out.push_back(' ');
            append(out, e.lhs);
            out.push_back(' ');
            append(out, e.rhs);
            break;
        case expr::kind::exists:
            out.append("(exists ");
            append(out, e.lhs);
            break;
        case expr::kind::bare:
            out.append("(bare ");
            append(out, e.lhs);
            break;
        case expr::kind::time_between:
            out.append("(time_between ");
            append_integer(out, e.from_minutes);
            out.push_back(' ');
            append_integer(out, e.to_minutes);
            break;
    }
    out.push_back(')');
}

template <class T>
std::string print(const T& node) {
    std::string out;
    append(out, node);
    return out;
}

}  // namespace

std::string to_sexpr(const expr& e) { return print(e); }
std::string to_sexpr(const literal& l) { return print(l); }
std::string to_sexpr(const aggregate& a) { return print(a); }
std::string to_sexpr(const value& v) { return print(v); }

}  // namespace ringfence::engine::condition
