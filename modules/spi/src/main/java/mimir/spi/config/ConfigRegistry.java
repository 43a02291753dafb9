package mimir.spi.config;

/**
 * Where components and storage backends declare their settings before the command line and YAML file
 * are read. Every setting of every installed module is registered, whether or not its module runs,
 * so that a flag for a module that is not targeted is still accepted (as in Mimir) and an unknown flag
 * is an error.
 */
public interface ConfigRegistry {
    /**
     * Registers a setting and returns it. Registering the same instance again is a no-op: two modules
     * may share a setting through a module both depend on (a client module's settings).
     *
     * @throws IllegalArgumentException if another setting already uses the same flag or YAML path
     */
    <T> Setting<T> register(Setting<T> setting);
}
