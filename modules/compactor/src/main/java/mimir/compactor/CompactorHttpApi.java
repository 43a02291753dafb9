package mimir.compactor;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import mimir.bucket.BucketJson;
import mimir.model.InvalidTenantIdException;
import mimir.model.TenantIds;
import mimir.spi.http.HttpException;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.http.HttpRoutes;
import mimir.spi.http.HttpRoutes.Auth;
import mimir.tsdb.block.BlockMeta;

/**
 * The compactor's endpoints, as in Mimir: tenant deletion ({@code POST /compactor/delete_tenant},
 * {@code GET /compactor/delete_tenant_status}, tenant from {@code X-Scope-OrgID}), and the pages
 * {@code /compactor/tenants} and {@code /compactor/tenant/{tenant}/planned_jobs} (which, with the compactor
 * ring, names each job's compactor and whether it is this one).
 */
final class CompactorHttpApi {
    private static final String TENANT_PREFIX = "/compactor/tenant/";

    private final BucketCompactor compactor;

    @Inject
    CompactorHttpApi(BucketCompactor compactor) {
        this.compactor = requireNonNull(compactor, "compactor is null");
    }

    void register(HttpRoutes routes) {
        routes.register("/compactor/delete_tenant", Auth.TENANT, "Delete all blocks of the tenant (X-Scope-OrgID)", this::deleteTenant, "POST");
        routes.register("/compactor/delete_tenant_status", Auth.TENANT, "Whether the tenant's blocks are deleted", this::deleteTenantStatus, "GET");
        routes.register("/compactor/tenants", Auth.NONE, "Tenants in the blocks storage", this::tenants, "GET");
        routes.register(TENANT_PREFIX + "*", Auth.NONE, "Compaction jobs planned for a tenant (/compactor/tenant/<tenant>/planned_jobs)", this::plannedJobs,
                "GET");
    }

    private HttpResponse deleteTenant(HttpRequest request) {
        try {
            compactor.markTenantForDeletion(request.requireTenant());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new HttpResponse(200, HttpResponse.TEXT, Map.of(), new byte[0]);
    }

    private HttpResponse deleteTenantStatus(HttpRequest request) {
        boolean deleted;
        try {
            deleted = compactor.tenantBlocksDeleted(request.requireTenant());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HttpResponse.json(200, "{\"tenant_id\":" + BucketJson.string(request.requireTenant()) + ",\"blocks_deleted\":" + deleted + "}");
    }

    private HttpResponse tenants(HttpRequest request) {
        List<String> tenants;
        try {
            tenants = compactor.tenants();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder text = new StringBuilder();
        tenants.forEach(tenant -> text.append(tenant).append('\n'));
        return HttpResponse.ok(HttpResponse.TEXT, text.toString());
    }

    private HttpResponse plannedJobs(HttpRequest request) {
        String rest = request.path().substring(TENANT_PREFIX.length());
        if (!rest.endsWith("/planned_jobs")) {
            throw new HttpException(404, "not found: use /compactor/tenant/<tenant>/planned_jobs");
        }
        String tenant = rest.substring(0, rest.length() - "/planned_jobs".length());
        try {
            TenantIds.validate(tenant);
        }
        catch (InvalidTenantIdException e) {
            throw new HttpException(400, e.getMessage());
        }
        List<Planner.Job> jobs;
        try {
            jobs = compactor.plannedJobs(tenant);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // With a ring, each line names the compactor that runs the job and whether it is this one.
        List<String> owners = compactor.sharded() ? compactor.jobOwners(tenant, jobs) : null;
        StringBuilder text = new StringBuilder();
        for (int j = 0; j < jobs.size(); j++) {
            Planner.Job job = jobs.get(j);
            text.append("range=").append(job.range()).append(" window=").append(Instant.ofEpochMilli(job.windowStart())).append(" blocks=");
            for (int i = 0; i < job.blocks().size(); i++) {
                BlockMeta meta = job.blocks().get(i);
                text.append(i == 0 ? "" : ",").append(meta.ulid());
            }
            if (owners != null) {
                String owner = owners.get(j);
                text.append(" owner=").append(owner.isEmpty() ? "unknown" : owner).append(" owned=").append(owner.equals(compactor.instanceId()));
            }
            text.append('\n');
        }
        return HttpResponse.ok(HttpResponse.TEXT, text.toString());
    }
}
