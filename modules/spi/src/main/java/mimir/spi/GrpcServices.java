package mimir.spi;

/**
 * The process's gRPC server on {@code -server.grpc-listen-port}.
 *
 * <p>The SPI carries no gRPC types, so services are passed as {@link Object}: each must be an
 * {@code io.grpc.BindableService} or an {@code io.grpc.ServerServiceDefinition} from the grpc-java
 * version in {@code lib/}. Registration happens while modules are created, before the server starts.
 */
public interface GrpcServices {
    /**
     * Adds a service.
     *
     * @throws IllegalArgumentException if the object is neither kind, or a service with the same name
     *                                  is already registered
     */
    void add(Object service);
}
