package mimir.ruler;

import static java.util.Objects.requireNonNull;

import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import java.lang.System.Logger.Level;

import mimir.model.InvalidTenantIdException;
import mimir.model.TenantIds;

/**
 * The ruler's {@link RulerGrpc#RULES} service: this ruler's own groups of the call's tenant, rendered
 * for the rules and alerts API of the ruler that asks. A call without a valid tenant in
 * {@code x-scope-orgid} fails with {@code INVALID_ARGUMENT}; anything else that fails is
 * {@code INTERNAL}, logged.
 */
final class RulerGrpcService implements BindableService {
    private static final System.Logger LOG = System.getLogger(RulerGrpcService.class.getName());
    private static final Context.Key<String> TENANT = Context.key("mimir-tenant");

    private final RulerPrometheusApi api;

    RulerGrpcService(RulerPrometheusApi api) {
        this.api = requireNonNull(api, "api is null");
    }

    @Override
    public ServerServiceDefinition bindService() {
        ServerServiceDefinition definition = ServerServiceDefinition.builder(RulerGrpc.SERVICE_NAME)
                .addMethod(RulerGrpc.RULES, ServerCalls.asyncUnaryCall((request, observer) -> {
                    String tenant = TENANT.get();
                    RulerGrpc.Response response;
                    try {
                        response = new RulerGrpc.Response(api.localGroups(tenant, request));
                    }
                    catch (RuntimeException e) {
                        LOG.log(Level.ERROR, "ruler grpc call failed method=" + RulerGrpc.RULES.getFullMethodName() + " user=" + tenant + " err=\"" + e
                                + "\"", e);
                        observer.onError(Status.INTERNAL.withDescription(RulerGrpc.RULES.getFullMethodName() + " failed: " + e.getMessage())
                                .asException());
                        return;
                    }
                    observer.onNext(response);
                    observer.onCompleted();
                }))
                .build();
        return ServerInterceptors.intercept(definition, new TenantFromHeader());
    }

    /** Reads and checks the tenant header, refusing a call without a valid one. */
    private static final class TenantFromHeader implements ServerInterceptor {
        @Override
        public <Req, Resp> ServerCall.Listener<Req> interceptCall(ServerCall<Req, Resp> call, Metadata headers, ServerCallHandler<Req, Resp> next) {
            String tenant = headers.get(RulerGrpc.TENANT_HEADER);
            String problem;
            if (tenant == null || tenant.isEmpty()) {
                problem = "no org id: the x-scope-orgid header is missing";
            }
            else {
                try {
                    TenantIds.validate(tenant);
                    problem = null;
                }
                catch (InvalidTenantIdException e) {
                    problem = e.getMessage();
                }
            }
            if (problem != null) {
                call.close(Status.INVALID_ARGUMENT.withDescription(problem), new Metadata());
                return new ServerCall.Listener<>() {};
            }
            return Contexts.interceptCall(Context.current().withValue(TENANT, tenant), call, headers, next);
        }
    }
}
