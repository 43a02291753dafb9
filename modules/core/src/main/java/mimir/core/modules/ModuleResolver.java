package mimir.core.modules;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Resolves {@code -target} into the modules to run, dependencies first, and explains what is missing
 * when a target cannot run in this image.
 */
public final class ModuleResolver {
    private ModuleResolver() {}

    /**
     * The outcome of resolving a target list.
     *
     * @param targets  the requested targets, aggregates expanded, in the order given
     * @param modules  the modules to create and start, every module after its dependencies
     * @param problems what prevents the target from starting; empty if it can start
     */
    public record Resolution(List<String> targets, List<ModuleDefinition> modules, List<String> problems) {
        public Resolution {
            targets = List.copyOf(targets);
            modules = List.copyOf(modules);
            problems = List.copyOf(problems);
        }

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /**
     * Resolves {@code requested} against the installed modules.
     *
     * @param installed modules this image can run, by name
     * @param image     the name of this image (its {@code IMAGE} file), or empty if unknown; a target this
     *                  image lacks is explained with the images of {@link ModuleCatalog#IMAGES} that have it
     */
    public static Resolution resolve(List<String> requested, Map<String, ModuleDefinition> installed, String image) {
        List<String> problems = new ArrayList<>();
        Set<String> targets = new LinkedHashSet<>();
        String available = "available targets: " + String.join(", ", availableTargets(installed));
        String thisImage = image.isEmpty() ? "this image" : "this image (" + image + ")";
        if (requested.isEmpty()) {
            problems.add("no target given: set -target to one of " + String.join(", ", availableTargets(installed)));
        }
        for (String target : requested) {
            List<String> members = ModuleCatalog.AGGREGATES.get(target);
            if (members != null) {
                List<String> absent = members.stream().filter(m -> !installed.containsKey(m) || !installed.get(m).userVisible()).sorted().toList();
                if (!absent.isEmpty()) {
                    List<String> elsewhere = otherImagesWith(members, image);
                    problems.add("target " + target + " needs modules that are not installed in " + thisImage + ": " + String.join(", ", absent)
                            + (elsewhere.isEmpty() ? "" : "; they are in " + String.join(", ", elsewhere)) + " (" + available + ")");
                }
                targets.addAll(members);
                continue;
            }
            ModuleDefinition definition = installed.get(target);
            if (definition == null) {
                List<String> elsewhere = otherImagesWith(List.of(target), image);
                if (!elsewhere.isEmpty()) {
                    problems.add("target " + target + " is not in " + thisImage + "; it is in " + String.join(", ", elsewhere) + " (" + available + ")");
                }
                else if (ModuleCatalog.isMimirModule(target)) {
                    problems.add("target " + target + " is a Mimir module that is not installed in " + thisImage + ": no ComponentProvider named "
                            + target + " in lib/ or plugins/ (" + available + ")");
                }
                else {
                    problems.add("unrecognised module name: " + target + " (" + available + ")");
                }
                continue;
            }
            if (!definition.userVisible() && ModuleCatalog.MIMIR_USER_VISIBLE.contains(target)) {
                List<String> elsewhere = otherImagesWith(List.of(target), image);
                problems.add("target " + target + " is not in " + thisImage + (elsewhere.isEmpty() ? "" : "; it is in " + String.join(", ", elsewhere))
                        + " (its jar is here as a library of this image's components; " + available + ")");
                continue;
            }
            if (!definition.userVisible()) {
                problems.add("module " + target + " is internal and cannot be targeted (" + available + ")");
                continue;
            }
            targets.add(target);
        }
        List<ModuleDefinition> order = new ArrayList<>();
        Set<String> visited = new LinkedHashSet<>();
        for (String target : targets) {
            if (installed.containsKey(target)) {
                visit(target, new ArrayList<>(), installed, visited, order, problems);
            }
        }
        return new Resolution(List.copyOf(targets), order, problems);
    }

    private static List<String> otherImagesWith(List<String> components, String image) {
        return ModuleCatalog.imagesWith(components).stream().filter(name -> !name.equals(image)).toList();
    }

    private static void visit(String name, List<String> path, Map<String, ModuleDefinition> installed, Set<String> visited,
            List<ModuleDefinition> order, List<String> problems) {
        if (visited.contains(name)) {
            return;
        }
        List<String> chain = new ArrayList<>(path);
        chain.add(name);
        if (path.contains(name)) {
            problems.add("module dependency cycle: " + String.join(" -> ", chain));
            return;
        }
        ModuleDefinition definition = installed.get(name);
        if (definition == null) {
            problems.add("target " + chain.getFirst() + " needs module " + name + " (" + String.join(" -> ", chain) + "), which is not installed in this image");
            visited.add(name);
            return;
        }
        for (String dependency : new TreeSet<>(definition.dependencies())) {
            visit(dependency, chain, installed, visited, order, problems);
        }
        visited.add(name);
        order.add(definition);
    }

    /** The targets a user can give in this image: aggregates whose members are all installed, and user-visible modules. */
    public static List<String> availableTargets(Map<String, ModuleDefinition> installed) {
        Set<String> available = new TreeSet<>();
        ModuleCatalog.AGGREGATES.forEach((name, members) -> {
            if (members.stream().allMatch(member -> installed.containsKey(member) && installed.get(member).userVisible())) {
                available.add(name);
            }
        });
        installed.values().stream().filter(ModuleDefinition::userVisible).forEach(d -> available.add(d.name()));
        return List.copyOf(available);
    }

    /**
     * Mimir's {@code -modules} output for this image: user-visible installed modules and the aggregate
     * targets whose members are all installed, sorted, with {@code " *"} after those that target
     * {@code all} includes (transitively, by Mimir's dependency table), a blank line, and the legend.
     * An image of one deployment mode lists only what it can run.
     */
    public static String modulesListing(Map<String, ModuleDefinition> installed) {
        Set<String> inAll = new TreeSet<>();
        for (String member : ModuleCatalog.AGGREGATES.get("all")) {
            collectDependencies(member, installed, inAll);
        }
        Set<String> names = new TreeSet<>(availableTargets(installed));
        StringBuilder out = new StringBuilder();
        for (String name : names) {
            out.append(name);
            if (inAll.contains(name) && !ModuleCatalog.AGGREGATES.containsKey(name)) {
                out.append(" *");
            }
            out.append('\n');
        }
        out.append('\n').append("Modules marked with * are included in target All.\n");
        return out.toString();
    }

    private static void collectDependencies(String name, Map<String, ModuleDefinition> installed, Set<String> out) {
        if (!out.add(name)) {
            return;
        }
        ModuleDefinition definition = installed.get(name);
        List<String> dependencies = definition != null ? definition.dependencies() : ModuleCatalog.MIMIR_DEPENDENCIES.getOrDefault(name, List.of());
        for (String dependency : dependencies) {
            collectDependencies(dependency, installed, out);
        }
    }
}
