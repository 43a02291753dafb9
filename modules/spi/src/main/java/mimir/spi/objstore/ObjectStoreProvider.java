package mimir.spi.objstore;

import java.io.IOException;
import java.util.List;

import mimir.spi.config.ConfigValues;
import mimir.spi.config.Setting;

/**
 * A storage backend, found with {@link java.util.ServiceLoader} in {@code lib/} or in a plugin folder.
 * One provider serves every {@link StorageScope}.
 */
public interface ObjectStoreProvider {
    /** The value of {@code -<scope>.backend} that selects this backend: {@code filesystem}, {@code s3}, ... */
    String name();

    /**
     * The backend's settings for one scope, named with {@link StorageScope#flag} and
     * {@link StorageScope#yaml}. Called once per scope before the configuration is read; the returned
     * settings are registered whether or not the backend is selected. Every scope gets the same
     * settings in the same order, so that a setting left unset in a scope can fall back to the same
     * setting of {@code common.storage}, as in Mimir.
     */
    List<Setting<?>> settings(StorageScope scope);

    /**
     * Opens the store for a scope whose backend is this one, reading the settings returned by
     * {@link #settings(StorageScope)} for that scope from {@code values}.
     *
     * @throws IllegalArgumentException if the configuration is invalid; the message names the flag
     * @throws IOException if the store cannot be reached
     */
    ObjectStore open(StorageScope scope, ConfigValues values) throws IOException;
}
