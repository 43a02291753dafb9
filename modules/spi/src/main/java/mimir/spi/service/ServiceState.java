package mimir.spi.service;

/** The states a service passes through, as in Guava's and dskit's service model. */
public enum ServiceState {
    NEW("New"),
    STARTING("Starting"),
    RUNNING("Running"),
    STOPPING("Stopping"),
    TERMINATED("Terminated"),
    FAILED("Failed");

    private final String displayName;

    ServiceState(String displayName) {
        this.displayName = displayName;
    }

    /** The name Mimir prints on {@code /services}. */
    public String displayName() {
        return displayName;
    }
}
