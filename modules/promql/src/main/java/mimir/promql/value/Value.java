package mimir.promql.value;

import java.util.List;

/** A query result: one of PromQL's four value types. */
public sealed interface Value {
    /** The name the Prometheus API uses in {@code resultType}. */
    String typeName();

    /** An instant vector. */
    record Vector(List<Sample> samples) implements Value {
        public Vector {
            samples = List.copyOf(samples);
        }

        @Override
        public String typeName() {
            return "vector";
        }
    }

    /** A range vector or range-query result. */
    record Matrix(List<Series> series) implements Value {
        public Matrix {
            series = List.copyOf(series);
        }

        @Override
        public String typeName() {
            return "matrix";
        }
    }

    /** A scalar at a time. */
    record Scalar(long timestamp, double value) implements Value {
        @Override
        public String typeName() {
            return "scalar";
        }
    }

    /** A string at a time. */
    record StringValue(long timestamp, String value) implements Value {
        public StringValue {
            java.util.Objects.requireNonNull(value, "value is null");
        }

        @Override
        public String typeName() {
            return "string";
        }
    }
}
