package mimir.storage.s3;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * {@code -<scope>.s3.trace.enable}: logs each HTTP request to S3 (method, URL, status, duration) at debug
 * level on logger {@code mimir.storage.s3.trace}, as Mimir's minio client traces its requests.
 */
final class TraceInterceptor implements ExecutionInterceptor {
    static final Logger LOG = System.getLogger("mimir.storage.s3.trace");
    private static final ExecutionAttribute<Long> STARTED = new ExecutionAttribute<>("mimir.s3.trace.started");

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        attributes.putAttribute(STARTED, System.nanoTime());
    }

    @Override
    public void afterTransmission(Context.AfterTransmission context, ExecutionAttributes attributes) {
        Long started = attributes.getAttribute(STARTED);
        long micros = started == null ? -1 : (System.nanoTime() - started) / 1000;
        LOG.log(Level.DEBUG, () -> "s3 " + context.httpRequest().method() + " " + context.httpRequest().getUri() + " status="
                + context.httpResponse().statusCode() + " duration=" + micros + "us");
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        LOG.log(Level.DEBUG, () -> "s3 " + context.request().getClass().getSimpleName() + " failed: " + context.exception());
    }
}
