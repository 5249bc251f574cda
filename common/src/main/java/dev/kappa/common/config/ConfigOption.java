package dev.kappa.common.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.flink.configuration.MemorySize;
import org.apache.flink.util.TimeUtils;

/**
 * One typed configuration key with its default and a description for {@code --help} and
 * {@code kappa config}. Values come from YAML (already typed) or from {@code --set} (strings), so
 * every parser accepts both.
 */
public final class ConfigOption<T> {

    private final String key;
    private final String type;
    private final Function<Object, T> parser;
    private final T defaultValue;
    private final String description;
    private final boolean secret;

    private ConfigOption(String key, String type, Function<Object, T> parser, T defaultValue,
            String description, boolean secret) {
        this.key = key;
        this.type = type;
        this.parser = parser;
        this.defaultValue = defaultValue;
        this.description = description;
        this.secret = secret;
    }

    public static Builder key(String key) {
        return new Builder(key);
    }

    public String key() {
        return key;
    }

    public String type() {
        return type;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** Secrets are never printed: {@link KappaConfig#describe()} masks them. */
    public boolean secret() {
        return secret;
    }

    /** Whether this option collects every key below it ({@link Builder#mapType()}). */
    public boolean isMap() {
        return type.equals("map");
    }

    T parse(Object raw) {
        return parser.apply(raw);
    }

    public ConfigOption<T> asSecret() {
        return new ConfigOption<>(key, type, parser, defaultValue, description, true);
    }

    /** Renders a value the way a user would write it in YAML. */
    public String render(Object value) {
        if (value == null) {
            return "";
        }
        if (secret) {
            return SecretValues.MASK;
        }
        if (value instanceof Duration d) {
            return TimeUtils.formatWithHighestUnit(d);
        }
        if (value instanceof java.util.Map<?, ?> map) {
            return map.entrySet().stream()
                    .map(e -> e.getKey() + "="
                            + (SecretValues.looksSecret(String.valueOf(e.getKey())) ? SecretValues.MASK : e.getValue()))
                    .collect(Collectors.joining(", ", "{", "}"));
        }
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
        }
        if (value instanceof Enum<?> e) {
            return enumName(e);
        }
        return String.valueOf(value);
    }

    static String enumName(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Fluent construction: {@code ConfigOption.key("a.b").durationType().defaultValue(...)}. */
    public static final class Builder {
        private final String key;

        private Builder(String key) {
            this.key = key;
        }

        public Typed<String> stringType() {
            return new Typed<>(key, "string", raw -> {
                if (raw instanceof List || raw instanceof java.util.Map) {
                    throw new IllegalArgumentException("expected a string");
                }
                return String.valueOf(raw);
            });
        }

        public Typed<Integer> intType() {
            return new Typed<>(key, "int", raw -> {
                if (raw instanceof Integer i) {
                    return i;
                }
                try {
                    return Integer.parseInt(String.valueOf(raw).trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("expected a whole number");
                }
            });
        }

        public Typed<Duration> durationType() {
            return new Typed<>(key, "duration", raw -> {
                try {
                    return TimeUtils.parseDuration(String.valueOf(raw).trim());
                } catch (IllegalArgumentException | NullPointerException e) {
                    throw new IllegalArgumentException("expected a duration such as 500ms, 10s, 15min, 7d");
                }
            });
        }

        public Typed<java.time.Instant> instantType() {
            return new Typed<>(key, "timestamp", raw -> {
                try {
                    return java.time.OffsetDateTime.parse(String.valueOf(raw).trim()).toInstant();
                } catch (java.time.DateTimeException e) {
                    throw new IllegalArgumentException("expected an ISO-8601 timestamp such as 2000-01-01T00:00:00Z");
                }
            });
        }

        public Typed<MemorySize> memoryType() {
            return new Typed<>(key, "size", raw -> {
                try {
                    return MemorySize.parse(String.valueOf(raw).trim());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("expected a size such as 512kb, 1mb");
                }
            });
        }

        public <E extends Enum<E>> Typed<E> enumType(Class<E> type) {
            E[] constants = type.getEnumConstants();
            String choices = Arrays.stream(constants).map(ConfigOption::enumName)
                    .collect(Collectors.joining("|"));
            return new Typed<>(key, choices, raw -> {
                String s = String.valueOf(raw).trim();
                for (E c : constants) {
                    if (enumName(c).equalsIgnoreCase(s)) {
                        return c;
                    }
                }
                throw new IllegalArgumentException("expected one of " + choices);
            });
        }

        /**
         * Free-form settings handed to another system as they are (Kafka client properties, Flink
         * configuration): every key below this one, e.g. {@code kafka.properties.sasl.mechanism}.
         */
        public Typed<java.util.Map<String, String>> mapType() {
            return new Typed<>(key, "map", raw -> {
                java.util.Map<String, String> out = new java.util.TreeMap<>();
                ((java.util.Map<?, ?>) raw).forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
                return java.util.Collections.unmodifiableMap(out);
            });
        }

        /** A list from a YAML sequence or a comma-separated string ({@code --set k=a,b}). */
        public Typed<List<String>> listType() {
            return new Typed<>(key, "list", raw -> {
                List<String> out = new ArrayList<>();
                if (raw instanceof List<?> list) {
                    for (Object o : list) {
                        out.add(String.valueOf(o).trim());
                    }
                } else {
                    for (String part : String.valueOf(raw).split(",")) {
                        if (!part.isBlank()) {
                            out.add(part.trim());
                        }
                    }
                }
                return List.copyOf(out);
            });
        }
    }

    /** A key with its type chosen; finished by {@link #defaultValue} or {@link #noDefault}. */
    public static final class Typed<T> {
        private final String key;
        private final String type;
        private final Function<Object, T> parser;

        private Typed(String key, String type, Function<Object, T> parser) {
            this.key = key;
            this.type = type;
            this.parser = parser;
        }

        public Described<T> defaultValue(T value) {
            return new Described<>(key, type, parser, value);
        }

        public Described<T> noDefault() {
            return new Described<>(key, type, parser, null);
        }
    }

    /** The last step: every option must say what it is for. */
    public static final class Described<T> {
        private final String key;
        private final String type;
        private final Function<Object, T> parser;
        private final T defaultValue;

        private Described(String key, String type, Function<Object, T> parser, T defaultValue) {
            this.key = key;
            this.type = type;
            this.parser = parser;
            this.defaultValue = defaultValue;
        }

        public ConfigOption<T> withDescription(String description) {
            return new ConfigOption<>(key, type, parser, defaultValue, description, false);
        }
    }
}
