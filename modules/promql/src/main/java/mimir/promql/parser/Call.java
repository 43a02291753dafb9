package mimir.promql.parser;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** A function call. */
public record Call(Function function, List<Expr> args, PositionRange position) implements Expr {
    public Call {
        requireNonNull(function, "function is null");
        args = List.copyOf(args);
        requireNonNull(position, "position is null");
    }

    @Override
    public ValueType type() {
        return function.returnType();
    }

    @Override
    public String toString() {
        return Printer.print(this);
    }
}
