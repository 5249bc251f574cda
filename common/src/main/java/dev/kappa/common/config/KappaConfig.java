package dev.kappa.common.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.flink.util.TimeUtils;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The whole configuration of one command, parsed and checked once at start: YAML file, then
 * {@code --set key=value} overrides, then defaults. Unknown or mistyped keys fail here, naming the
 * key and the file, so that a typo never becomes a silently ignored setting in production.
 */
public final class KappaConfig {

    private static final Pattern ENV_REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");

    /** The origin of a value given with {@code --set} (or set by a command itself). */
    public static final String COMMAND_LINE = "--set";

    private final Map<String, ConfigOption<?>> options;
    private final Map<String, Object> values;
    private final Map<String, String> origins;
    private final Path file;
    private final List<String> overrides;
    private final Map<String, String> env;

    private KappaConfig(Map<String, ConfigOption<?>> options, Map<String, Object> values,
            Map<String, String> origins, Path file, List<String> overrides, Map<String, String> env) {
        this.options = options;
        this.values = values;
        this.origins = origins;
        this.file = file;
        this.overrides = overrides;
        this.env = env;
    }

    public static KappaConfig load(Path file, List<String> overrides, Collection<ConfigOption<?>> known) {
        return load(file, overrides, known, System.getenv());
    }

    static KappaConfig load(Path file, List<String> overrides, Collection<ConfigOption<?>> known,
            Map<String, String> env) {
        Map<String, ConfigOption<?>> options = new LinkedHashMap<>();
        for (ConfigOption<?> option : known) {
            if (options.put(option.key(), option) != null) {
                throw new IllegalStateException("config key declared twice: " + option.key());
            }
        }
        Map<String, Object> raw = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        if (file != null) {
            flatten("", readYaml(file), raw);
            raw.keySet().forEach(k -> origins.put(k, file.toString()));
        }
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--set " + override + ": expected key=value");
            }
            String key = override.substring(0, eq).trim();
            raw.put(key, override.substring(eq + 1));
            origins.put(key, COMMAND_LINE);
        }

        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, Map<String, Object>> maps = new LinkedHashMap<>();
        Map<String, String> mapOrigins = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : raw.entrySet()) {
            String key = entry.getKey();
            String origin = origins.get(key);
            Object value = resolveEnv(entry.getValue(), key, origin, env);
            ConfigOption<?> option = options.get(key);
            if (value instanceof String text && ((option != null && option.secret()) || SecretValues.looksSecret(key)
                    || refersToSecret(entry.getValue()))) {
                SecretValues.remember(text);
            }
            if (option != null && !option.isMap()) {
                values.put(key, parse(option, value, origin));
                continue;
            }
            ConfigOption<?> mapOption = mapOwning(options, key);
            if (mapOption == null) {
                throw new ConfigException(origin + ": unknown key '" + key + "'" + suggestion(key, options));
            }
            maps.computeIfAbsent(mapOption.key(), k -> new TreeMap<>())
                    .put(key.substring(mapOption.key().length() + 1), value);
            mapOrigins.putIfAbsent(mapOption.key(), origin);
        }
        maps.forEach((key, map) -> values.put(key, parse(options.get(key), map, mapOrigins.get(key))));
        origins.putAll(mapOrigins);
        return new KappaConfig(options, values, origins, file, List.copyOf(overrides), env);
    }

    /**
     * This configuration with more {@code key=value} overrides on top, checked like {@code --set}: for
     * settings a command decides itself (a replay's job name, version and checkpoint directory).
     */
    public KappaConfig with(String... more) {
        List<String> all = new ArrayList<>(overrides);
        all.addAll(List.of(more));
        return load(file, all, options.values(), env);
    }

    /** This configuration with one setting a command decides itself, as a typed value, checked like {@code --set}. */
    public <T> KappaConfig with(ConfigOption<T> option, T value) {
        if (option.isMap()) {
            throw new IllegalArgumentException(option.key() + " is a map: set its entries as " + option.key()
                    + ".<key>=<value>");
        }
        String text = value instanceof Duration d ? TimeUtils.formatWithHighestUnit(d)
                : value instanceof Enum<?> e ? ConfigOption.enumName(e) : String.valueOf(value);
        return with(option.key() + "=" + text);
    }

    @SuppressWarnings("unchecked")
    public <T> T get(ConfigOption<T> option) {
        if (!options.containsKey(option.key())) {
            throw new IllegalStateException("option not registered with this config: " + option.key());
        }
        Object value = values.get(option.key());
        if (value != null) {
            return (T) value;
        }
        return option.isMap() ? (T) Map.of() : option.defaultValue();
    }

    /** Where a key's value came from (a file, --set or the default), for error messages. */
    public String originOf(ConfigOption<?> option) {
        return origins.getOrDefault(option.key(), "default");
    }

    /**
     * Every key with its effective value and description, for {@code kappa config}; secrets masked by
     * key and, wherever else they appear, by value.
     */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (ConfigOption<?> option : options.values()) {
            out.append(option.key()).append(" = ").append(option.render(get(option)))
                    .append("   (").append(option.type()).append(", ").append(originOf(option)).append(")\n")
                    .append("    ").append(option.description()).append('\n');
        }
        return SecretValues.mask(out.toString());
    }

    private static Object parse(ConfigOption<?> option, Object value, String origin) {
        try {
            return option.parse(value);
        } catch (IllegalArgumentException e) {
            String shown = option.secret() ? SecretValues.MASK : SecretValues.mask(String.valueOf(value));
            throw new ConfigException(origin + ": invalid value '" + shown + "' for '" + option.key() + "': "
                    + e.getMessage());
        }
    }

    private static ConfigOption<?> mapOwning(Map<String, ConfigOption<?>> options, String key) {
        for (ConfigOption<?> option : options.values()) {
            if (option.isMap() && key.startsWith(option.key() + ".")) {
                return option;
            }
        }
        return null;
    }

    /** A value taken from an environment variable whose name says it holds a secret (KAFKA_PASSWORD). */
    private static boolean refersToSecret(Object raw) {
        if (!(raw instanceof String s)) {
            return false;
        }
        Matcher m = ENV_REF.matcher(s);
        while (m.find()) {
            if (SecretValues.looksSecret(m.group(1))) {
                return true;
            }
        }
        return false;
    }

    private static Object resolveEnv(Object value, String key, String origin, Map<String, String> env) {
        if (!(value instanceof String s) || !s.contains("${env:")) {
            return value;
        }
        Matcher m = ENV_REF.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String resolved = env.get(m.group(1));
            if (resolved == null) {
                resolved = m.group(2);
            }
            if (resolved == null) {
                throw new ConfigException(origin + ": '" + key + "' refers to environment variable "
                        + m.group(1) + ", which is not set");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(resolved));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static Map<?, ?> readYaml(Path file) {
        try {
            Object tree = new ObjectMapper(new YAMLFactory()).readValue(Files.readAllBytes(file), Object.class);
            if (tree == null) {
                return Map.of();
            }
            if (!(tree instanceof Map<?, ?> map)) {
                throw new ConfigException(file + ": expected a YAML mapping of keys to values");
            }
            return map;
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": config file not found");
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + ": not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, Object> out) {
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = prefix + entry.getKey();
            if (entry.getValue() instanceof Map<?, ?> nested) {
                flatten(key + ".", nested, out);
            } else {
                out.put(key, entry.getValue());
            }
        }
    }

    private static String suggestion(String key, Map<String, ConfigOption<?>> options) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : options.keySet()) {
            int d = editDistance(key, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best != null && bestDistance <= 3 ? " (did you mean '" + best + "'?)" : "";
    }

    private static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
