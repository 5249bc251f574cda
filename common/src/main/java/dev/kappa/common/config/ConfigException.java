package dev.kappa.common.config;

/** A configuration problem the user must fix; the message names the key and where it came from. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
