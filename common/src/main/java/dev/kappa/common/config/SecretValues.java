package dev.kappa.common.config;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The secrets this process has read from its configuration, so that whatever it prints can be
 * masked by value as well as by key: a password also shows up inside a JDBC URL, a JAAS line or an
 * exception message under a key that looks harmless.
 */
public final class SecretValues {

    public static final String MASK = "******";

    /** Shorter values would mask ordinary words and numbers. */
    private static final int MIN_LENGTH = 6;
    private static final Set<String> SECRET_WORDS = Set.of("passwd", "credential", "credentials", "jaas");
    private static final List<String> SECRET_ENDINGS = List.of("key", "password", "secret", "token");
    private static final Pattern QUOTED_PASSWORD = Pattern.compile("password=\"([^\"]+)\"", Pattern.CASE_INSENSITIVE);
    private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();

    private SecretValues() {
    }

    /**
     * True for a key that names a secret: one of its words (split at '.', '-', '_') ends in key,
     * password, secret or token, or is jaas or credential(s), as in
     * {@code fs.azure.account.key.<account>}, {@code s3.secret-key} or {@code sasl.jaas.config}.
     */
    public static boolean looksSecret(String key) {
        return Arrays.stream(key.toLowerCase(Locale.ROOT).split("[._-]")).anyMatch(
                word -> SECRET_WORDS.contains(word) || SECRET_ENDINGS.stream().anyMatch(word::endsWith));
    }

    /** Remembers a secret value, and the passwords quoted inside it (a JAAS line). */
    static void remember(String value) {
        if (value == null) {
            return;
        }
        if (value.length() >= MIN_LENGTH) {
            KNOWN.add(value);
        }
        Matcher quoted = QUOTED_PASSWORD.matcher(value);
        while (quoted.find()) {
            if (quoted.group(1).length() >= MIN_LENGTH) {
                KNOWN.add(quoted.group(1));
            }
        }
    }

    /**
     * Remembers the secret values among command-line arguments before they are parsed: each
     * {@code key=value} whose key {@link #looksSecret looks secret}, as {@code --set} takes them.
     */
    public static void rememberSettings(String... args) {
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq > 0 && looksSecret(arg.substring(0, eq))) {
                remember(arg.substring(eq + 1));
            }
        }
    }

    /** {@code text} with every remembered secret replaced by {@link #MASK}. */
    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String secret : KNOWN) {
            masked = masked.replace(secret, MASK);
        }
        return masked;
    }
}
