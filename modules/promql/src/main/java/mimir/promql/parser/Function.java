package mimir.promql.parser;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A PromQL function's signature. {@code variadic} is 0 for a fixed argument count, {@code n > 0} when the
 * last argument type may repeat so that up to {@code n} more arguments follow it (the last one is then
 * optional), and -1 for unbounded repetition.
 */
public record Function(String name, List<ValueType> argTypes, int variadic, ValueType returnType, boolean experimental) {
    public Function {
        requireNonNull(name, "name is null");
        argTypes = List.copyOf(argTypes);
        requireNonNull(returnType, "returnType is null");
        if (variadic < -1) {
            throw new IllegalArgumentException("variadic must be -1, 0 or positive: " + variadic);
        }
    }

    /** The type expected for the argument at {@code index}, following the variadic rule. */
    public ValueType argType(int index) {
        return argTypes.get(Math.min(index, argTypes.size() - 1));
    }
}
