"""What Trino 423's parser and type registry accept that sqlglot's forgiving Trino reader does not check.

sqlglot reads DuckDB's and other dialects' forms under `read="trino"` (trailing commas,
`INTERVAL 1 DAY`, `DISTINCT ON`, `GROUP BY ALL`, `FROM range(3)`, `->>`, `USING SAMPLE`, type
names such as `int64`), and DuckDB then runs them, so a model would pass locally and fail on TD.
Strict mode checks the statement's tokens and tree against Trino's grammar, allowing what the
grammar allows rather than listing what DuckDB adds.

Sources (read, not copied): Trino's grammar `core/trino-parser/.../SqlBase.g4` (rules
`querySpecification`, `selectItem`, `groupBy`, `interval`, `relationPrimary`, `sampledRelation`,
`sampleType`, `type`, `primaryExpression`'s `identifier string` type constructor and lambda), its
`TypeRegistry` (the built-in type names, `int` as the one alias), `ExpressionAnalyzer.visitCast`
(`TYPE_MISMATCH: Unknown type: x`), `visitGenericLiteral` (`TYPE_NOT_FOUND: Unknown type: x`)
and `StatementAnalyzer.visitSampledRelation` (the 0..100 percentage bounds).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlglot import exp
from sqlglot.dialects.trino import Trino
from sqlglot.parser import Parser
from sqlglot.tokens import Token, TokenType

from tdlocal.errors import TrinoError

# Type names Trino 423's TypeRegistry knows (built-in and parametric), the words its `type` rule
# spells types with, and the plugin types TD's Trino loads (geospatial). Everything else in a type
# position is `Unknown type`.
TRINO_TYPE_WORDS = frozenset(
    {
        "boolean", "tinyint", "smallint", "integer", "int", "bigint", "real", "double", "precision",
        "decimal", "varchar", "char", "varbinary", "json", "date", "time", "timestamp", "with",
        "without", "zone", "interval", "year", "month", "day", "hour", "minute", "second", "to",
        "array", "map", "row", "ipaddress", "uuid", "hyperloglog", "p4hyperloglog", "setdigest",
        "qdigest", "tdigest", "color", "geometry", "sphericalgeography", "bingtile",
    }
)  # fmt: skip
# Reserved words of Trino's grammar that can never start the element a comma promises.
_AFTER_COMMA_NEVER = {
    TokenType.COMMA,
    TokenType.R_PAREN,
    TokenType.R_BRACKET,
    TokenType.FROM,
    TokenType.WHERE,
    TokenType.GROUP_BY,
    TokenType.HAVING,
    TokenType.ORDER_BY,
    TokenType.UNION,
    TokenType.EXCEPT,
    TokenType.INTERSECT,
    TokenType.SEMICOLON,
}
# After `GROUP BY ALL` Trino's grammar needs a grouping element; these cannot start one.
_ENDS_GROUP_BY = _AFTER_COMMA_NEVER | {TokenType.LIMIT, TokenType.ORDER_BY, TokenType.WINDOW}
_SAMPLE_TYPES = {"bernoulli", "system"}
_STRING_TOKENS = {TokenType.STRING, TokenType.NATIONAL_STRING, TokenType.UNICODE_STRING}
_PUNCTUATION = {
    TokenType.L_PAREN,
    TokenType.R_PAREN,
    TokenType.COMMA,
    TokenType.LT,
    TokenType.GT,
    TokenType.L_BRACKET,
    TokenType.R_BRACKET,
    TokenType.NUMBER,
    TokenType.IDENTIFIER,  # a quoted row field name
}
# sqlglot's data type tokens: `int64`, `text`, `hugeint` ... tokenize as these, not as names.
_TYPE_TOKENS = frozenset(Parser.TYPE_TOKENS)


def token_position(token: Token) -> tuple[int, int]:
    """(line, column) where `token` starts, 1-based, as Trino reports positions.

    sqlglot's `col` is where the token ends.
    """
    return token.line, max(1, token.col - len(token.text) + 1)


def refuse_token(token: Token, expecting: str, advice: str, hint: str) -> None:
    """Raise Trino's parser error for `token`: `line L:C: mismatched input 'X'. Expecting: ...`."""
    line, column = token_position(token)
    raise TrinoError(
        f"line {line}:{column}: mismatched input '{token.text}'. Expecting: {expecting}: "
        f"Trino 423's grammar does not read this; {advice}" + hint,
        "SYNTAX_ERROR",
        line=line,
        column=column,
    )


def check(tokens: Sequence[Token], tree: exp.Expression, hint: str) -> None:
    """Raise the error Trino 423 gives for grammar or type names it lacks, else return.

    `tokens` are sqlglot's Trino tokens of the statement and `tree` its parse; `hint` ends every
    message (how to get a lenient server). Errors: SYNTAX_ERROR `line L:C: mismatched input 'X'.
    Expecting: ...`; TYPE_MISMATCH `Unknown type: x` for a CAST target and TYPE_NOT_FOUND for a
    typed literal or column definition, as Trino's analyzer words them; NUMERIC_VALUE_OUT_OF_RANGE
    for a TABLESAMPLE percentage outside 0..100.
    """
    kinds = [token.token_type for token in tokens]
    _check_tokens(tokens, kinds, hint)
    _check_arrows(tokens, kinds, tree, hint)
    _check_relations(tokens, tree, hint)
    _check_type_names(tokens, kinds, tree, hint)


# The tokens _check_tokens looks behind; every other token is skipped without a look.
_TRIGGERS = frozenset(
    {
        TokenType.COMMA,
        TokenType.INTERVAL,
        TokenType.DISTINCT,
        TokenType.GROUP_BY,
        TokenType.USING,
        TokenType.TABLE_SAMPLE,
        TokenType.SEMI,
        TokenType.ANTI,
        TokenType.ASOF,
        TokenType.GLOB,
        TokenType.SIMILAR_TO,
        TokenType.LIMIT,
        TokenType.LIKE,
        TokenType.UNION,
        TokenType.EXCEPT,
        TokenType.INTERSECT,
    }
)
# DuckDB's operators Trino's grammar has no rule for, with Trino's spelling.
_FOREIGN_OPERATORS = {
    TokenType.GLOB: "use LIKE or regexp_like",
    TokenType.SIMILAR_TO: "use regexp_like",
}
# Every operator and punctuation token sqlglot's Trino tokenizer knows, and the spellings of them
# Trino's lexer has (SqlBase.g4's literal tokens and EQ/NEQ/LT/LTE/GT/GTE/PLUS/MINUS/ASTERISK/
# SLASH/PERCENT/CONCAT/QUESTION_MARK): an allowlist, so `==`, `!`, `~~`, `&`, `|`, `~`, `@`, `^`,
# `<=>`, `??`, `|>` ... are refused without being listed.
_TOKENIZER = Trino.tokenizer_class
_OPERATOR_TOKENS = frozenset(
    {kind for text, kind in _TOKENIZER.SINGLE_TOKENS.items() if not text.isalnum()}
    | {kind for text, kind in _TOKENIZER.KEYWORDS.items() if not any(char.isalnum() for char in text)}
) - {TokenType.UNKNOWN, TokenType.STRING, TokenType.IDENTIFIER}
TRINO_OPERATORS = frozenset(
    {
        "(",
        ")",
        "*",
        "+",
        ",",
        "-",
        ".",
        "/",
        "%",
        ":",
        ";",
        "<",
        "=",
        ">",
        "?",
        "[",
        "]",
        "!=",
        "<>",
        "<=",
        ">=",
    }
    | {"->", "=>", "||"}
)
_OPERATOR_ADVICE = {
    "^": "use power(x, y)",
    "==": "use =",
    "&": "use bitwise_and(x, y)",
    "|": "use bitwise_or(x, y)",
    "::": "use CAST(x AS type)",
    "{": "use ROW(...) or MAP(...)",
    "->>": "use json_extract_scalar(x, '$.key')",
    "~~": "use LIKE",
}
_SET_OPERATIONS = {TokenType.UNION, TokenType.EXCEPT, TokenType.INTERSECT}


def _check_tokens(tokens: Sequence[Token], kinds: list[TokenType], hint: str) -> None:
    for index, kind in enumerate(kinds):
        text = tokens[index].text
        # (an alphanumeric text is a keyword sqlglot files under an operator's type: NOT, LIKE)
        if (
            kind in _OPERATOR_TOKENS
            and text not in TRINO_OPERATORS
            and not any(char.isalnum() for char in text)
        ):
            advice = _OPERATOR_ADVICE.get(text, "Trino 423 has no such operator: use its function")
            refuse_token(tokens[index], "<expression>", advice, hint)
        if kind not in _TRIGGERS:
            continue
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        after = tokens[index + 2] if index + 2 < len(tokens) else None
        if kind == TokenType.COMMA and (following is None or following.token_type in _AFTER_COMMA_NEVER):
            # `select a,, b` / `select a, from t`: a list element must follow every comma.
            refuse_token(following or token, "'*', <expression>", "remove the extra comma", hint)
        if kind == TokenType.INTERVAL and following is not None:
            number = after if following.token_type in (TokenType.PLUS, TokenType.DASH) else following
            if number is not None and number.token_type == TokenType.NUMBER:
                refuse_token(number, "<string>", "quote the value: INTERVAL '1' DAY", hint)
        if kind == TokenType.DISTINCT and following is not None and following.token_type == TokenType.ON:
            refuse_token(following, "'*', <expression>", "use row_number() OVER (PARTITION BY ...) = 1", hint)
        if (
            kind == TokenType.GROUP_BY
            and following is not None
            and following.token_type in (TokenType.ALL, TokenType.DISTINCT)
            and (after is None or after.token_type in _ENDS_GROUP_BY)
        ):
            refuse_token(
                after or following, "<expression>", "list the grouping columns or their ordinals", hint
            )
        if kind == TokenType.USING and following is not None and following.text.lower() == "sample":
            refuse_token(token, "<end of relation>", "use TABLESAMPLE BERNOULLI (percentage)", hint)
        if kind == TokenType.TABLE_SAMPLE:
            _check_sample_clause(tokens, index, hint)
        if (
            kind in (TokenType.SEMI, TokenType.ANTI, TokenType.ASOF)
            and TokenType.JOIN in kinds[index + 1 : index + 3]
        ):
            # joinType: INNER | LEFT/RIGHT/FULL [OUTER]; CROSS and NATURAL JOIN (SqlBase.g4)
            refuse_token(
                token,
                "'JOIN', 'INNER', 'LEFT', 'RIGHT', 'FULL', 'CROSS', 'NATURAL'",
                "use EXISTS, NOT EXISTS or a join with a window",
                hint,
            )
        if kind in _FOREIGN_OPERATORS:
            refuse_token(token, "<operator>", _FOREIGN_OPERATORS[kind], hint)
        if (
            kind == TokenType.LIMIT
            and following is not None
            and after is not None
            and after.token_type == TokenType.MOD
        ):
            refuse_token(after, "<end of query>", "LIMIT takes a row count", hint)
        if (
            kind == TokenType.LIKE
            and following is not None
            and following.token_type in (TokenType.ANY, TokenType.ALL, TokenType.SOME)
        ):
            refuse_token(following, "<expression>", "combine LIKE predicates with OR / AND", hint)
        if kind in _SET_OPERATIONS:
            word = (
                after
                if following is not None and following.token_type in (TokenType.ALL, TokenType.DISTINCT)
                else following
            )
            if word is not None and word.text.upper() == "BY":
                refuse_token(
                    word,
                    "'SELECT', 'TABLE', 'VALUES', '('",
                    "list the same columns in the same order on both sides",
                    hint,
                )


def _check_sample_clause(tokens: Sequence[Token], index: int, hint: str) -> None:
    """`TABLESAMPLE sampleType '(' expression ')'`, sampleType BERNOULLI or SYSTEM (SqlBase.g4)."""
    advice = "write TABLESAMPLE BERNOULLI (percentage) or TABLESAMPLE SYSTEM (percentage)"
    method = tokens[index + 1] if index + 1 < len(tokens) else None
    if method is None or method.text.lower() not in _SAMPLE_TYPES:
        refuse_token(method or tokens[index], "'BERNOULLI', 'SYSTEM'", advice, hint)
        return
    opening = tokens[index + 2] if index + 2 < len(tokens) else None
    if opening is None or opening.token_type != TokenType.L_PAREN:
        refuse_token(opening or method, "'('", advice, hint)
        return
    depth = 0
    for token in tokens[index + 2 :]:
        depth += {TokenType.L_PAREN: 1, TokenType.R_PAREN: -1}.get(token.token_type, 0)
        if depth == 0:
            return
        if depth == 1 and token.text.upper() in ("PERCENT", "ROWS"):
            refuse_token(token, "')'", "the percentage is a plain number", hint)


def _check_arrows(tokens: Sequence[Token], kinds: list[TokenType], tree: exp.Expression, hint: str) -> None:
    """`->` is Trino's lambda arrow only; `->>` and JSON `->` are DuckDB's operators."""
    if TokenType.ARROW not in kinds and TokenType.DARROW not in kinds:
        return
    arrows = [token for token in tokens if token.token_type in (TokenType.ARROW, TokenType.DARROW)]
    if not arrows:
        return
    for token in arrows:
        if token.token_type == TokenType.DARROW:
            refuse_token(token, "<expression>", "use json_extract_scalar(x, '$.key')", hint)
    if len(arrows) > len(list(tree.find_all(exp.Lambda))):
        json_arrow = next(
            (arrow for arrow in arrows if tokens[tokens.index(arrow) + 1].token_type in _STRING_TOKENS),
            arrows[-1],
        )
        refuse_token(json_arrow, "<expression>", "use json_extract(x, '$.key')", hint)


def _check_relations(tokens: Sequence[Token], tree: exp.Expression, hint: str) -> None:
    """Relations are tables, subqueries, UNNEST, LATERAL or TABLE(fn(...)): not `FROM range(3)`."""
    for node in tree.find_all(exp.Table, exp.TableSample):
        if isinstance(node, exp.TableSample):
            _check_sample_percentage(node, hint)
            continue
        function = node.this
        if isinstance(function, exp.Func) and not (
            isinstance(function, exp.Anonymous) and function.name.lower() == "table"
        ):
            name = function.sql_name().lower() if not isinstance(function, exp.Anonymous) else function.name
            opening = _call_opening(tokens, name)
            if opening is not None:
                refuse_token(
                    opening,
                    "<end of relation>",
                    f"Trino's table functions are called as TABLE({name}(...))",
                    hint,
                )
            raise TrinoError(
                f"mismatched input '('. Table function {name}(...) is DuckDB's; Trino's are called as TABLE(f(...))"
                + hint,
                "SYNTAX_ERROR",
            )


def _call_opening(tokens: Sequence[Token], name: str) -> Token | None:
    for index, token in enumerate(tokens[:-1]):
        if token.text.lower() == name.lower() and tokens[index + 1].token_type == TokenType.L_PAREN:
            return tokens[index + 1]
    return None


def _check_sample_percentage(sample: exp.TableSample, hint: str) -> None:
    percent = sample.args.get("percent")
    if percent is None:
        return
    value = percent.this if isinstance(percent, exp.Neg) else percent
    if not (isinstance(value, exp.Literal) and not value.is_string):
        raise TrinoError(
            f"tdlocal samples with a constant percentage only, not {percent.sql(dialect='trino')}: "
            "write the number (Trino evaluates the expression once per query)",
            "NOT_SUPPORTED",
        )
    number = float(value.this) * (-1 if isinstance(percent, exp.Neg) else 1)
    if number < 0:
        raise TrinoError("Sample percentage must be greater than or equal to 0", "NUMERIC_VALUE_OUT_OF_RANGE")
    if number > 100:
        raise TrinoError("Sample percentage must be less than or equal to 100", "NUMERIC_VALUE_OUT_OF_RANGE")


def _check_type_names(
    tokens: Sequence[Token], kinds: list[TokenType], tree: exp.Expression, hint: str
) -> None:
    """Type names in CAST / TRY_CAST targets, typed literals and column definitions."""
    for index, kind in enumerate(kinds):
        if kind in _TYPE_TOKENS:
            following = kinds[index + 1] if index + 1 < len(kinds) else None
            text = tokens[index].text.lower()
            if following in _STRING_TOKENS and not all(word in TRINO_TYPE_WORDS for word in text.split()):
                # `int64 '1'`: Trino's `identifier string` type constructor, then an unknown type.
                _unknown_type(tokens[index], "TYPE_NOT_FOUND", hint)
        elif (
            kind == TokenType.VAR
            and index + 1 < len(kinds)
            and kinds[index + 1] == TokenType.L_PAREN
            and tokens[index].text.lower() in ("cast", "try_cast")
        ):
            _check_cast_target(tokens, index + 1, hint)
    if isinstance(tree, exp.Create) and isinstance(tree.this, exp.Schema):
        _check_column_types(tokens, hint)


def _check_cast_target(tokens: Sequence[Token], opening: int, hint: str) -> None:
    depth, in_type = 0, False
    for index in range(opening, len(tokens)):
        token = tokens[index]
        kind = token.token_type
        if kind == TokenType.L_PAREN:
            depth += 1
        elif kind == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return
        elif depth == 1 and kind == TokenType.ALIAS:
            in_type = True
        elif in_type:
            _check_type_word(tokens, index, "TYPE_MISMATCH", hint)


def _check_column_types(tokens: Sequence[Token], hint: str) -> None:
    """`CREATE TABLE t (name type [NOT NULL] [COMMENT '...'] [WITH (...)], ...)`."""
    start = next((i for i, token in enumerate(tokens) if token.token_type == TokenType.L_PAREN), None)
    if start is None:
        return
    depth, position, column = 0, 0, ""  # position: 0 at a column's name, 1 in its type, 2 after it
    for index in range(start, len(tokens)):
        token = tokens[index]
        kind = token.token_type
        if kind == TokenType.L_PAREN:
            depth += 1
            continue
        if kind == TokenType.R_PAREN:
            depth -= 1
            if depth == 0:
                return
            continue
        if depth == 1 and kind == TokenType.COMMA:
            position = 0
        elif depth == 1 and position == 0:
            position = 2 if token.text.upper() == "LIKE" else 1
            column = token.text if token.token_type == TokenType.IDENTIFIER else token.text.lower()
        elif position == 1 and token.text.upper() in ("NOT", "COMMENT", "WITH") and depth == 1:
            position = 2
        elif position == 1:
            _check_type_word(tokens, index, "TYPE_NOT_FOUND", hint, column)


def _check_type_word(
    tokens: Sequence[Token], index: int, error_name: str, hint: str, column: str = ""
) -> None:
    token = tokens[index]
    if token.token_type in _PUNCTUATION or token.token_type in _STRING_TOKENS:
        return
    if all(word in TRINO_TYPE_WORDS for word in token.text.lower().split()):
        return  # sqlglot reads `double precision` as one token
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    previous = tokens[index - 1]
    if (
        previous.token_type in (TokenType.L_PAREN, TokenType.COMMA)
        and following is not None
        and following.token_type not in _PUNCTUATION
    ):
        return  # a row field's name: `row(a bigint)`
    _unknown_type(token, error_name, hint, column)


def _unknown_type(token: Token, error_name: str, hint: str, column_name: str = "") -> None:
    """Trino's words: `Unknown type: x` (CAST, typed literal), `Unknown type 'x' for column 'c'`
    (CreateTableTask)."""
    line, column = token_position(token)
    name = token.text.lower()
    unknown = f"Unknown type '{name}' for column '{column_name}'" if column_name else f"Unknown type: {name}"
    raise TrinoError(
        f"line {line}:{column}: {unknown}: Trino's types are boolean, tinyint, "
        "smallint, integer, bigint, real, double, decimal(p,s), varchar, char, varbinary, json, date, "
        "time, timestamp, interval, array(...), map(...), row(...), ipaddress, uuid" + hint,
        error_name,
        line=line,
        column=column,
    )
