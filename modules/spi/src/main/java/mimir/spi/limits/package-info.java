/**
 * Mimir's per-tenant limits.
 *
 * <p>{@link mimir.spi.limits.LimitsSettings} is the one table of every limit: YAML key, flag, type,
 * default, help and category, each as a {@link mimir.spi.config.Setting} under the {@code limits.}
 * YAML path. Nothing else repeats a name or a default: {@link mimir.spi.limits.Limits} stores values
 * in an array indexed by definition and its typed accessors read through the table, and every
 * rendering ({@code /config}, {@code /runtime_config}, {@code /api/v1/user_limits}, the
 * overrides-exporter) walks the table.
 *
 * <p>Values arrive from YAML as the config loader hands them over (strings, lists, maps), so this
 * package parses nothing itself and needs no YAML library. Structured limits that Mimir accepts only
 * in YAML ({@code blocked_queries}, {@code limited_queries}, {@code blocked_requests},
 * {@code metric_relabel_configs}) are immutable records decoded strictly: unknown keys are errors, as
 * in Mimir's runtime config.
 */
package mimir.spi.limits;
