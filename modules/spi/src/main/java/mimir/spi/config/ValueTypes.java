package mimir.spi.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The value types settings use. */
public final class ValueTypes {
    private ValueTypes() {}

    public static final ValueType<Boolean> BOOLEAN = new Scalar<>("boolean") {
        @Override
        public Boolean parse(String text) {
            return switch (text.strip().toLowerCase(Locale.ROOT)) {
                case "true", "1", "t" -> true;
                case "false", "0", "f" -> false;
                default -> throw new IllegalArgumentException("invalid boolean \"" + text + "\" (expected true or false)");
            };
        }

        @Override
        public Object toYaml(Boolean value) {
            return value;
        }
    };

    public static final ValueType<Integer> INT = new Scalar<>("int") {
        @Override
        public Integer parse(String text) {
            try {
                return Integer.parseInt(text.strip());
            }
            catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid int \"" + text + "\"");
            }
        }

        @Override
        public Object toYaml(Integer value) {
            return value;
        }
    };

    public static final ValueType<Long> LONG = new Scalar<>("int") {
        @Override
        public Long parse(String text) {
            try {
                return Long.parseLong(text.strip());
            }
            catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid int \"" + text + "\"");
            }
        }

        @Override
        public Object toYaml(Long value) {
            return value;
        }
    };

    public static final ValueType<Double> DOUBLE = new Scalar<>("float") {
        @Override
        public Double parse(String text) {
            try {
                return Double.parseDouble(text.strip());
            }
            catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid float \"" + text + "\"");
            }
        }

        @Override
        public String format(Double value) {
            double v = value;
            if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15) {
                return Long.toString((long) v);
            }
            return Double.toString(v);
        }

        @Override
        public Object toYaml(Double value) {
            return value;
        }
    };

    public static final ValueType<String> STRING = new Scalar<>("string") {
        @Override
        public String parse(String text) {
            return text;
        }
    };

    public static final ValueType<Duration> DURATION = new Scalar<>("duration") {
        @Override
        public Duration parse(String text) {
            return Durations.parse(text);
        }

        @Override
        public String format(Duration value) {
            return Durations.format(value);
        }
    };

    /**
     * A list of strings: comma-separated on the command line (Mimir's {@code StringSliceCSV}); in YAML
     * either the same comma-separated string or a sequence.
     */
    public static final ValueType<List<String>> STRING_LIST = new ValueType<>() {
        @Override
        public String name() {
            return "comma-separated-list-of-strings";
        }

        @Override
        public List<String> parse(String text) {
            if (text.isBlank()) {
                return List.of();
            }
            return Arrays.stream(text.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
        }

        @Override
        public List<String> fromYaml(Object node) {
            if (node == null) {
                return List.of();
            }
            if (node instanceof List<?> list) {
                List<String> out = new ArrayList<>(list.size());
                for (Object element : list) {
                    if (!(element instanceof String s)) {
                        throw new IllegalArgumentException("expected a list of strings");
                    }
                    out.add(s);
                }
                return List.copyOf(out);
            }
            return ValueType.super.fromYaml(node);
        }

        @Override
        public String format(List<String> value) {
            return String.join(",", value);
        }

        @Override
        public Object toYaml(List<String> value) {
            return value;
        }
    };

    /** One of a fixed set of lowercase words, e.g. {@code filesystem|s3|gcs|azure}. */
    public static ValueType<String> oneOf(String... allowed) {
        List<String> values = List.of(allowed);
        return new Scalar<>("string") {
            @Override
            public String parse(String text) {
                if (!values.contains(text)) {
                    throw new IllegalArgumentException("invalid value \"" + text + "\" (supported values: " + String.join(", ", values) + ")");
                }
                return text;
            }
        };
    }

    private abstract static class Scalar<T> implements ValueType<T> {
        private final String name;

        Scalar(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String format(T value) {
            return String.valueOf(value);
        }
    }
}
