package mimir.promql.parser;

import static java.util.Objects.requireNonNull;

/**
 * A string literal, unquoted. Bytes that are not valid UTF-8 (from {@code \x} or octal escapes) are kept
 * as the lone surrogates {@code U+DC80..U+DCFF} so no information is lost.
 */
public record StringLiteral(String value, PositionRange position) implements Expr {
    public StringLiteral {
        requireNonNull(value, "value is null");
        requireNonNull(position, "position is null");
    }

    @Override
    public ValueType type() {
        return ValueType.STRING;
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
