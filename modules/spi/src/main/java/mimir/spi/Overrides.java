package mimir.spi;

import java.util.Map;

import mimir.spi.limits.Limits;

/**
 * Per-tenant limits: the {@code limits} block of the configuration, overridden per tenant by the
 * runtime config file's {@code overrides} section, which is reloaded every
 * {@code -runtime-config.reload-period}.
 */
public interface Overrides {
    /** The limits of tenants without overrides. */
    Limits defaults();

    /** The effective limits of a tenant: its overrides, else the defaults. */
    Limits forTenant(String tenant);

    /** The tenants that have overrides, with their effective limits, as of the last reload. */
    Map<String, Limits> tenantOverrides();

    /** Calls {@code listener} after each reload that changed the overrides. */
    void addChangeListener(Runnable listener);
}
