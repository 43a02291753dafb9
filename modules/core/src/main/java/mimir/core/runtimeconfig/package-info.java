/**
 * The runtime config: files reloaded while the process runs, holding per-tenant limit overrides and a
 * few other sections.
 *
 * <p>{@link mimir.core.runtimeconfig.RuntimeConfigManager} implements {@link mimir.spi.Overrides} for
 * every component. Its rules: a file that fails to load at startup stops the process; a file that
 * fails to load later never replaces good values; every error names the file and line; each reload
 * publishes one immutable snapshot, so a reader never sees half of a reload.
 */
package mimir.core.runtimeconfig;
