package mimir.yaml;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * YAML text composed into nodes, which keep their marks (line and column): what the engine's
 * {@code org.snakeyaml.engine.v2.api.lowlevel.Compose} does, which the engine's module does not
 * export; the composer, parser and reader it chains are exported, so they are chained here. Syntax
 * errors are {@link org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException}s.
 */
public final class YamlComposer {
    private YamlComposer() {}

    /**
     * The one document in {@code yaml}, empty if it holds none (nothing, or comments only).
     *
     * @throws org.snakeyaml.engine.v2.exceptions.ComposerException if a second document follows
     *         ({@code expected a single document in the stream})
     */
    public static Optional<Node> composeOne(LoadSettings settings, String yaml) {
        return composer(settings, yaml).getSingleNode();
    }

    /** The documents in {@code yaml} in order; a syntax error is thrown when the iteration reaches it. */
    public static Iterator<Node> composeAll(LoadSettings settings, String yaml) {
        Composer composer = composer(settings, yaml);
        // The engine's composer only steps over a document boundary in hasNext(), so next() asks it first.
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return composer.hasNext();
            }

            @Override
            public Node next() {
                if (!composer.hasNext()) {
                    throw new NoSuchElementException();
                }
                return composer.next();
            }
        };
    }

    private static Composer composer(LoadSettings settings, String yaml) {
        return new Composer(settings, new ParserImpl(settings, new StreamReader(settings, yaml)));
    }
}
