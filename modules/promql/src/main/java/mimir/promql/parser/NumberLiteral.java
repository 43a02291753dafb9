package mimir.promql.parser;

import static java.util.Objects.requireNonNull;

/**
 * A float literal. {@code duration} is set when it was written as a duration ({@code 5m}); the value is
 * then in seconds and the printer prints it back as a duration.
 */
public record NumberLiteral(double value, boolean duration, PositionRange position) implements Expr {
    public NumberLiteral {
        requireNonNull(position, "position is null");
    }

    @Override
    public ValueType type() {
        return ValueType.SCALAR;
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
