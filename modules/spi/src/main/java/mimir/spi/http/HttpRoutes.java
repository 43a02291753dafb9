package mimir.spi.http;

/**
 * The process's HTTP routes, served by the one HTTP server on {@code -server.http-listen-port}.
 * Registration happens while modules are created, before the server starts.
 */
public interface HttpRoutes {
    /** Whether a route needs a tenant. */
    enum Auth {
        /** No tenant is resolved. */
        NONE,
        /**
         * The tenant is taken from {@code X-Scope-OrgID} (or {@code -auth.no-auth-tenant} when
         * multi-tenancy is disabled): a missing header is a 401, an invalid tenant ID a 400.
         */
        TENANT,
        /**
         * Like {@link #TENANT}, for the read endpoints that support tenant federation: with
         * {@code -tenant-federation.enabled=true} the header may name several tenants separated by
         * {@code |}; each is validated and {@link HttpRequest#tenant()} is then their sorted,
         * de-duplicated {@code |}-joined list (a single tenant otherwise). Without federation several
         * tenants are a 400 naming the flag.
         */
        FEDERATED_TENANT
    }

    /**
     * Registers a handler for an exact path ({@code /api/v1/user_limits}) or, if {@code path} ends
     * with {@code /*}, for every path under that prefix. {@code methods} lists the accepted methods
     * ({@code GET}, {@code POST}, ...); other methods get a 405.
     *
     * @param description a short text for the index page at {@code /}, or null to leave it off
     * @throws IllegalArgumentException if the path is already registered
     */
    void register(String path, Auth auth, String description, HttpHandler handler, String... methods);
}
