package mimir.distributor;

import static java.util.Objects.requireNonNull;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;

import mimir.distributor.client.PushOutcome;
import mimir.ingester.client.WriteBatch;
import mimir.otlp.OtlpRequestException;
import mimir.otlp.OtlpResult;
import mimir.otlp.OtlpTranslator;
import mimir.spi.Overrides;
import mimir.spi.http.HttpRequest;
import mimir.spi.http.HttpResponse;
import mimir.spi.http.HttpRoutes;

/**
 * {@code POST /otlp/v1/metrics}: OTLP/HTTP metrics (protobuf or JSON, gzip or none) translated by
 * {@code mimir.otlp} into a batch that takes the same path as remote write ({@link Distributor#push}).
 *
 * <p>Responses follow the OTLP/HTTP spec: 200 with an {@code ExportMetricsServiceResponse} whose
 * {@code partial_success} names every metric that was not ingested (delta temporality, exponential
 * histograms: never a silent drop); a 4xx/5xx carries a {@code google.rpc.Status} with the message, in
 * the request's encoding, so the SDK's exporter logs why.
 */
@Singleton
final class DistributorOtlpApi {
    static final String OTLP_PATH = "/otlp/v1/metrics";

    private final Distributor distributor;
    private final Overrides overrides;
    private final OtlpTranslator translator = new OtlpTranslator();

    @Inject
    DistributorOtlpApi(Distributor distributor, Overrides overrides) {
        this.distributor = requireNonNull(distributor, "distributor is null");
        this.overrides = requireNonNull(overrides, "overrides is null");
    }

    void register(HttpRoutes routes) {
        routes.register(OTLP_PATH, HttpRoutes.Auth.TENANT, "OpenTelemetry OTLP/HTTP metrics", this::push, "POST");
    }

    HttpResponse push(HttpRequest request) {
        String tenant = request.requireTenant();
        String contentType = request.header("Content-Type").orElse("");
        String encoding = request.header("Content-Encoding").orElse("");
        int limit = distributor.config().maxOtlpRequestSize();
        if (request.body().length > limit) {
            return error(contentType, 413, "the incoming OTLP request has been rejected because its message size of " + request.body().length
                    + " bytes is larger than the allowed limit of " + limit + " bytes (err-mimir-distributor-max-otlp-request-size). "
                    + "To adjust the related limit, configure -" + DistributorConfig.MAX_OTLP_REQUEST_SIZE_FLAG + ", or contact your service administrator.");
        }
        WriteBatch batch = new WriteBatch();
        OtlpResult result;
        try {
            result = translator.translate(request.body(), contentType, encoding, limit, overrides.forTenant(tenant), batch);
        }
        catch (OtlpRequestException e) {
            return error(contentType, e.httpStatus(), e.getMessage());
        }
        PushOutcome outcome = distributor.push(tenant, batch);
        if (outcome.status() / 100 != 2) {
            return error(contentType, outcome.status(), outcome.message());
        }
        return new HttpResponse(200, OtlpTranslator.responseContentType(contentType), Map.of(), OtlpTranslator.response(result, contentType));
    }

    private static HttpResponse error(String requestContentType, int status, String message) {
        return new HttpResponse(status, OtlpTranslator.responseContentType(requestContentType), Map.of(),
                OtlpTranslator.errorResponse(status, message, requestContentType));
    }
}
