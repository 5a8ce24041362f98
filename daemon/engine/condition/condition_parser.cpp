#include "engine/condition/condition_parser.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <limits>
#include <vector>

#include "engine/condition/condition_lexer.hpp"

namespace ringfence::engine::condition {

namespace {

struct aggregate_name {
    std::string_view name;
    aggregate::function fn;
};

constexpr std::array<aggregate_name, 5> aggregate_names{{
    {"count", aggregate::function::count},
    {"distinct", aggregate::function::distinct},
    {"ratio", aggregate::function::ratio},
    {"sum", aggregate::function::sum},
    {"outgoing_share", aggregate::function::outgoing_share},
}};

const aggregate_name* find_aggregate(std::string_view name) {
    for (const auto& a : aggregate_names)
        if (a.name == name) return &a;
    return nullptr;
}

}  // namespace

bool is_reserved_word(std::string_view word) noexcept {
    return is_keyword(word) || find_aggregate(word) != nullptr || word == "true" || word == "false" || word == "unless" || word == "blocked";
}

namespace {

struct field_example {
    std::string_view field;  // empty: the function takes no "FIELD of"
    std::string_view usage;
};

// Only distinct and sum take "FIELD of"; what their error messages show as an example.
field_example example_of(aggregate::function fn) {
    switch (fn) {
        case aggregate::function::distinct:
            return {"callee.e164", "distinct(callee.e164 of call.attempt ...)"};
        case aggregate::function::sum:
            return {"call.talk_ms", "sum(call.talk_ms of call.end ...)"};
        default:
            return {};
    }
}

std::optional<compare_op> comparison(token_kind kind) {
    switch (kind) {
        case token_kind::eq:
            return compare_op::eq;
        case token_kind::ne:
            return compare_op::ne;
        case token_kind::lt:
            return compare_op::lt;
        case token_kind::le:
            return compare_op::le;
        case token_kind::gt:
            return compare_op::gt;
        case token_kind::ge:
            return compare_op::ge;
        default:
            return std::nullopt;
    }
}

std::optional<list_op> named_list_operator(token_kind kind) {
    switch (kind) {
        case token_kind::kw_prefix_in:
            return list_op::prefix_in;
        case token_kind::kw_contains_any:
            return list_op::contains_any;
        case token_kind::kw_icontains_any:
            return list_op::icontains_any;
        default:
            return std::nullopt;
    }
}

std::optional<text_op> text_operator(token_kind kind) {
    switch (kind) {
        case token_kind::kw_startswith:
            return text_op::startswith;
        case token_kind::kw_endswith:
            return text_op::endswith;
        case token_kind::kw_contains:
            return text_op::contains;
        case token_kind::kw_icontains:
            return text_op::icontains;
        case token_kind::kw_matches:
            return text_op::matches;
        default:
            return std::nullopt;
    }
}

bool starts_literal(token_kind kind) {
    switch (kind) {
        case token_kind::identifier:
        case token_kind::string:
        case token_kind::number:
        case token_kind::duration:
        case token_kind::time_of_day:
        case token_kind::minus:
            return true;
        default:
            return false;
    }
}

// Source text quoted for a message, kept to one line and a readable length.
std::string quote(std::string_view source) {
    constexpr std::size_t max_shown = 40;
    std::string shown;
    if (source.size() > max_shown) {
        std::size_t cut = max_shown - 3;
        // Do not cut a UTF-8 character in half.
        while (cut > 0 && (static_cast<unsigned char>(source[cut]) & 0xC0) == 0x80) --cut;
        shown.assign(source.substr(0, cut));
        shown.append("...");
    } else {
        shown.assign(source);
    }
    std::replace_if(
        shown.begin(), shown.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; },
        ' ');
    return "'" + shown + "'";
}

std::string describe(const token& t) {
    if (t.kind == token_kind::end) return "end of condition";
    return quote(t.text);
}

span span_of(const token& t) { return {t.offset, t.length}; }

class parser {
  public:
    explicit parser(std::string_view text) : text_(text), tokens_(lex_condition(text)) {}

    parse_result run() {
        parse_result result;
        expr_ptr root = or_expr();
        if (root && !at(token_kind::end)) {
            const token& t = current();
            if (t.kind == token_kind::rparen)
                fail(t, "unexpected ')'");
            else
                fail(t,
                     "expected 'and', 'or' or the end of the condition but found " + describe(t));
        }
        if (error_)
            result.error = std::move(error_);
        else
            result.root = std::move(root);
        return result;
    }

  private:
    // Depth of parentheses, `not` and aggregates being parsed; one scope per level.
    class nesting_scope {
      public:
        explicit nesting_scope(int& depth) : depth_(depth) { ++depth_; }
        ~nesting_scope() { --depth_; }
        nesting_scope(const nesting_scope&) = delete;
        nesting_scope& operator=(const nesting_scope&) = delete;
        bool too_deep() const { return depth_ > max_nesting; }

      private:
        int& depth_;
    };

    const token& current() const { return tokens_[pos_]; }
    const token& peek(std::size_t ahead) const {
        return tokens_[std::min(pos_ + ahead, tokens_.size() - 1)];
    }
    bool at(token_kind kind) const { return current().kind == kind; }

    // The token list ends with `end` or `error`; the parser never moves past it.
    const token& advance() {
        const token& t = tokens_[pos_];
        last_end_ = t.end_offset();
        if (pos_ + 1 < tokens_.size()) ++pos_;
        return t;
    }

    // Records the first error only. When the parser stumbles on the lexer's error token,
    // the lexer's message says more than "expected X".
    // Returns nullptr so that tree-building functions can `return fail(...)`.
    // The same, for an aggregate's window: the error is marked as one (RULES_BAD_WINDOW).
    std::nullptr_t fail_window(const token& at_token, std::string message) {
        const bool first = !error_;
        fail(at_token, std::move(message));
        if (first) error_->window = true;
        return nullptr;
    }

    std::nullptr_t fail(const token& at_token, std::string message) {
        if (error_) return nullptr;
        if (at_token.kind == token_kind::error)
            error_ = parse_error{at_token.offset, at_token.value};
        else
            error_ = parse_error{at_token.offset, std::move(message)};
        return nullptr;
    }

    std::string location(std::uint32_t offset) const {
        const auto [line, column] = line_column(text_, offset);
        if (text_.find('\n') == std::string_view::npos) return "column " + std::to_string(column);
        return "line " + std::to_string(line) + ", column " + std::to_string(column);
    }

    bool expect_close(const token& open) {
        if (at(token_kind::rparen)) {
            advance();
            return true;
        }
        fail(current(), "expected ')' to close '(' opened at " + location(open.offset) +
                            " but found " + describe(current()));
        return false;
    }

    span span_from(std::uint32_t start) const { return {start, last_end_ - start}; }

    expr_ptr node(expr::kind k) {
        auto e = std::make_unique<expr>();
        e->k = k;
        return e;
    }

    // and/or share one shape: n-ary over the next tighter level.
    template <class Next>
    expr_ptr chain(token_kind separator, expr::kind k, Next next) {
        const std::uint32_t start = current().offset;
        expr_ptr first = (this->*next)();
        if (!first || !at(separator)) return first;
        expr_ptr joined = node(k);
        joined->children.push_back(std::move(first));
        while (at(separator)) {
            advance();
            expr_ptr operand = (this->*next)();
            if (!operand) return nullptr;
            joined->children.push_back(std::move(operand));
        }
        joined->where = span_from(start);
        return joined;
    }

    expr_ptr or_expr() { return chain(token_kind::kw_or, expr::kind::or_, &parser::and_expr); }
    expr_ptr and_expr() { return chain(token_kind::kw_and, expr::kind::and_, &parser::not_expr); }

    expr_ptr not_expr() {
        if (!at(token_kind::kw_not)) return primary();
        const token& keyword = current();
        nesting_scope scope(nesting_);
        if (scope.too_deep()) {
            fail(keyword, "condition nested too deeply");
            return nullptr;
        }
        advance();
        expr_ptr inner = not_expr();
        if (!inner) return nullptr;
        expr_ptr negated = node(expr::kind::not_);
        negated->children.push_back(std::move(inner));
        negated->where = span_from(keyword.offset);
        return negated;
    }

    expr_ptr primary() {
        const token& t = current();
        if (t.kind == token_kind::lparen) return parenthesised();
        if (t.kind == token_kind::identifier && t.text == "time.between" &&
            peek(1).kind == token_kind::lparen)
            return time_between();
        if (starts_literal(t.kind)) return predicate();

        if (t.kind == token_kind::rparen && open_parens_ == 0)
            fail(t, "unexpected ')'");
        else if (pos_ == 0 && t.kind == token_kind::end)
            fail(t, "empty condition");
        else if (pos_ == 0)
            fail(t, "expected a condition but found " + describe(t));
        else
            fail(t, "expected a condition after " + describe(tokens_[pos_ - 1]) + " but found " +
                        describe(t));
        return nullptr;
    }

    expr_ptr parenthesised() {
        const token& open = current();
        nesting_scope scope(nesting_);
        if (scope.too_deep()) {
            fail(open, "condition nested too deeply");
            return nullptr;
        }
        advance();
        ++open_parens_;
        expr_ptr inner = or_expr();
        if (!inner || !expect_close(open)) return nullptr;
        --open_parens_;
        return inner;
    }

    expr_ptr time_between() {
        const token& name = current();
        advance();
        const token& open = advance();
        const char* const usage = "'time.between' takes two times of day such as 22:00";
        expr_ptr e = node(expr::kind::time_between);
        if (!at(token_kind::time_of_day)) return fail(current(), usage);
        e->from_minutes = advance().minutes;
        if (!at(token_kind::comma)) return fail(current(), usage);
        advance();
        if (!at(token_kind::time_of_day)) return fail(current(), usage);
        e->to_minutes = advance().minutes;
        if (!expect_close(open)) return nullptr;
        e->where = span_from(name.offset);
        return e;
    }

    expr_ptr predicate() {
        const std::uint32_t start = current().offset;
        value lhs;
        if (!operand(lhs)) return nullptr;
        if (at(token_kind::kw_except)) {
            if (lhs.is_aggregate) return fail(current(), "'except' filters the elements of a set field, not an aggregate");
            if (!name_after("except", "a list name", lhs.except_list, lhs.except_where)) return nullptr;
        }
        expr_ptr e;
        const token& op = current();
        if (const auto cmp = comparison(op.kind)) {
            advance();
            e = node(expr::kind::compare);
            e->cmp = *cmp;
            if (!starts_literal(current().kind))
                return fail(current(), "expected a value after " + describe(op) + " but found " +
                                           describe(current()));
            if (!operand(e->rhs)) return nullptr;
        } else if (op.kind == token_kind::kw_in) {
            advance();
            if (at(token_kind::lparen))
                e = value_list();
            else if (at(token_kind::identifier))
                e = named_list(list_op::in);
            else
                fail(current(),
                     "expected a list name or '(' after 'in' but found " + describe(current()));
            if (!e) return nullptr;
        } else if (const auto lop = named_list_operator(op.kind)) {
            advance();
            if (!at(token_kind::identifier))
                return fail(current(), "expected a list name after " + describe(op) +
                                           " but found " + describe(current()));
            e = named_list(*lop);
        } else if (const auto top = text_operator(op.kind)) {
            advance();
            e = node(expr::kind::text_test);
            e->top = *top;
            if (!starts_literal(current().kind))
                return fail(current(), "expected a value after " + describe(op) + " but found " +
                                           describe(current()));
            if (!take_literal(e->rhs.lit)) return nullptr;
            e->rhs.where = e->rhs.lit.where;
        } else if (op.kind == token_kind::kw_exists) {
            advance();
            e = node(expr::kind::exists);
        } else if (!lhs.is_aggregate && lhs.lit.kind == literal::type::identifier && lhs.except_list.empty()) {
            e = node(expr::kind::bare);
        } else {
            return fail(op, "expected an operator after " +
                                quote(text_.substr(lhs.where.offset, lhs.where.length)) +
                                " but found " + describe(op));
        }
        e->lhs = std::move(lhs);
        e->where = span_from(start);
        return e;
    }

    expr_ptr value_list() {
        const token& open = advance();
        expr_ptr e = node(expr::kind::in_values);
        for (;;) {
            if (!starts_literal(current().kind))
                return fail(current(), "expected a value in the list of 'in' but found " +
                                           describe(current()));
            literal item;
            if (!take_literal(item)) return nullptr;
            e->values.push_back(std::move(item));
            if (at(token_kind::comma)) {
                advance();
                continue;
            }
            if (at(token_kind::rparen)) {
                advance();
                return e;
            }
            return fail(current(), "expected ',' or ')' in the list opened at " +
                                       location(open.offset) + " but found " + describe(current()));
        }
    }

    // At a keyword (by, for, except): consumes it and the name that must follow, into name
    // and where; false, the error set, when no name follows.
    bool name_after(std::string_view keyword, std::string_view what, std::string& name, span& where) {
        advance();
        if (!at(token_kind::identifier)) {
            fail(current(), "expected " + std::string(what) + " after '" + std::string(keyword) + "' but found " + describe(current()));
            return false;
        }
        const token& t = advance();
        name = std::string(t.text);
        where = span_of(t);
        return true;
    }

    expr_ptr named_list(list_op lop) {
        const token& name = advance();
        expr_ptr e = node(expr::kind::in_list);
        e->lop = lop;
        e->list_name = std::string(name.text);
        e->list_where = span_of(name);
        return e;
    }

    // An aggregate when the name is one and "(" follows; a literal otherwise. The caller has
    // checked that the current token starts a literal.
    bool operand(value& out) {
        const token& t = current();
        if (t.kind == token_kind::identifier && peek(1).kind == token_kind::lparen) {
            if (const aggregate_name* a = find_aggregate(t.text)) {
                out.is_aggregate = true;
                out.agg = aggregate_call(a->fn);
                if (!out.agg) return false;
                out.where = out.agg->where_span;
                return true;
            }
        }
        if (!take_literal(out.lit)) return false;
        out.where = out.lit.where;
        return true;
    }

    bool take_literal(literal& out) {
        const token& t = current();
        if (t.kind == token_kind::minus) {
            const token& digits = peek(1);
            if (digits.kind != token_kind::number || digits.offset != t.end_offset()) {
                fail(digits.kind == token_kind::error ? digits : t,
                     "'-' must be followed directly by a number");
                return false;
            }
            advance();
            advance();
            out.kind = literal::type::number;
            out.number = -digits.number;
            out.text = std::string(text_.substr(t.offset, digits.end_offset() - t.offset));
            out.where = span_from(t.offset);
            return true;
        }
        switch (t.kind) {
            case token_kind::identifier:
                out.kind = literal::type::identifier;
                break;
            case token_kind::string:
                out.kind = literal::type::string;
                break;
            case token_kind::number:
                out.kind = literal::type::number;
                break;
            case token_kind::duration:
                out.kind = literal::type::duration;
                break;
            case token_kind::time_of_day:
                out.kind = literal::type::time_of_day;
                break;
            default:
                fail(t, "expected a value but found " + describe(t));
                return false;
        }
        out.text = t.kind == token_kind::string ? t.value : std::string(t.text);
        out.number = t.number;
        out.millis = t.millis;
        out.minutes = t.minutes;
        out.where = span_of(t);
        advance();
        return true;
    }

    std::shared_ptr<aggregate> aggregate_call(aggregate::function fn) {
        const token& name = current();
        nesting_scope scope(nesting_);
        if (scope.too_deep()) return fail(name, "condition nested too deeply");
        advance();
        const token& open = advance();
        ++open_parens_;
        auto agg = std::make_shared<aggregate>();
        agg->fn = fn;
        const std::string fn_name(to_string(fn));
        const field_example example = example_of(fn);
        const bool takes_field = !example.field.empty();

        if (!at(token_kind::identifier)) {
            const std::string wanted = takes_field
                                           ? "a field such as " + std::string(example.field)
                                           : std::string("an event kind such as call.attempt");
            return fail(current(), "expected " + wanted + " after '" + fn_name + "(' but found " +
                                       describe(current()));
        }
        const token& first = advance();
        const token* event = &first;
        if (at(token_kind::kw_of)) {
            if (!takes_field)
                return fail(current(), "'" + fn_name +
                                           "' takes no field ('... of'); only distinct and sum do");
            advance();
            if (!at(token_kind::identifier))
                return fail(current(),
                            "expected an event kind such as call.attempt after 'of' "
                            "but found " +
                                describe(current()));
            agg->of_field = std::string(first.text);
            agg->of_where = span_of(first);
            event = &advance();
        } else if (takes_field) {
            return fail(first, "'" + fn_name +
                                   "' needs a field and 'of' before the event kind, as in " +
                                   std::string(example.usage));
        }
        agg->event_kind = std::string(event->text);
        agg->event_where = span_of(*event);

        const char* expected_next = "expected 'where', 'by' or 'within'";
        if (at(token_kind::kw_where)) {
            advance();
            agg->where = or_expr();
            if (!agg->where) return nullptr;
            expected_next = "expected 'and', 'or', 'by' or 'within'";
        }
        if (at(token_kind::kw_by)) {
            if (!name_after("by", "a field name", agg->by_field, agg->by_where)) return nullptr;
            if (at(token_kind::kw_except) && !name_after("except", "a list name", agg->by_except, agg->by_except_where)) return nullptr;
            expected_next = "expected 'within'";
        }
        if (!at(token_kind::kw_within))
            return fail(current(),
                        std::string(expected_next) + " but found " + describe(current()));
        advance();
        if (!at(token_kind::duration))
            return fail_window(current(),
                               "'within' needs a duration such as 10m, found " + describe(current()));
        const token& window = advance();
        if (window.millis <= 0)
            return fail_window(window,
                               "'within' needs a duration greater than zero, found " + describe(window));
        agg->window_ms = window.millis;
        agg->window_where = span_of(window);
        if (at(token_kind::kw_for) && !name_after("for", "a field name", agg->for_field, agg->for_where)) return nullptr;
        // `unless blocked`: two plain identifiers here, not reserved words elsewhere.
        if (at(token_kind::identifier) && current().text == "unless") {
            const token& unless = advance();
            if (!at(token_kind::identifier) || current().text != "blocked")
                return fail(current(), "expected 'blocked' after 'unless' but found " + describe(current()));
            advance();
            agg->unless_blocked = true;
            agg->unless_where = span_from(unless.offset);
        }
        if (!expect_close(open)) return nullptr;
        --open_parens_;
        agg->where_span = span_from(name.offset);
        return agg;
    }

    std::string_view text_;
    std::vector<token> tokens_;
    std::size_t pos_ = 0;
    std::uint32_t last_end_ = 0;  // end offset of the last token consumed
    int nesting_ = 0;
    int open_parens_ = 0;  // "(" of sub-expressions and aggregates not yet closed
    std::optional<parse_error> error_;
};

}  // namespace

parse_result parse_condition(std::string_view text) {
    if (text.size() >= std::numeric_limits<std::uint32_t>::max()) {
        parse_result too_long;
        too_long.error = parse_error{0, "condition is too long"};
        return too_long;
    }
    return parser(text).run();
}

std::pair<int, int> line_column(std::string_view text, std::uint32_t offset) {
    const std::size_t end = std::min<std::size_t>(offset, text.size());
    int line = 1;
    int column = 1;
    for (std::size_t i = 0; i < end; ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++column;  // UTF-8 continuation bytes do not start a new column
        }
    }
    return {line, column};
}

}  // namespace ringfence::engine::condition
