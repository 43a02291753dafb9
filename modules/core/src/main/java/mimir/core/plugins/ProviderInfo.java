package mimir.core.plugins;

import static java.util.Objects.requireNonNull;

import java.lang.module.ModuleDescriptor;
import java.net.URI;
import java.util.Optional;

/**
 * Where a service provider came from, for diagnostics: the SPI it implements, its class, and the JPMS
 * module, layer and jar behind it.
 *
 * @param spi          the SPI interface's simple name, e.g. {@code ComponentProvider}
 * @param name         the provider's own name (module name or backend name)
 * @param className    the provider class
 * @param moduleName   the JPMS module, or {@code unnamed} for a classpath-style plugin
 * @param version      the module version, or empty
 * @param layer        {@code boot} or {@code plugin:<folder>}
 * @param location     the jar or folder it was loaded from, or empty
 * @param provider     the provider instance
 */
public record ProviderInfo(String spi, String name, String className, String moduleName, String version, String layer, String location, Object provider) {
    public ProviderInfo {
        requireNonNull(spi, "spi is null");
        requireNonNull(name, "name is null");
        requireNonNull(className, "className is null");
        requireNonNull(moduleName, "moduleName is null");
        requireNonNull(version, "version is null");
        requireNonNull(layer, "layer is null");
        requireNonNull(location, "location is null");
        requireNonNull(provider, "provider is null");
    }

    /** Describes a provider instance found in {@code layer}. */
    static ProviderInfo of(String spi, String name, Object provider, String layer) {
        Class<?> type = provider.getClass();
        Module module = type.getModule();
        String moduleName = module.isNamed() ? module.getName() : "unnamed";
        String version = module.isNamed()
                ? Optional.ofNullable(module.getDescriptor()).flatMap(ModuleDescriptor::rawVersion).orElse("")
                : "";
        String location = "";
        var codeSource = type.getProtectionDomain().getCodeSource();
        if (codeSource != null && codeSource.getLocation() != null) {
            try {
                location = URI.create(codeSource.getLocation().toString()).getPath();
            }
            catch (IllegalArgumentException e) {
                location = codeSource.getLocation().toString();
            }
        }
        else if (module.isNamed() && module.getLayer() != null) {
            location = module.getLayer().configuration().findModule(module.getName())
                    .flatMap(r -> r.reference().location()).map(URI::getPath).orElse("");
        }
        return new ProviderInfo(spi, name, type.getName(), moduleName, version, layer, location == null ? "" : location, provider);
    }
}
