package mimir.yaml;

import java.util.regex.Pattern;

import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;

/**
 * Resolves a plain scalar as a YAML 1.1 reader does (SnakeYAML 2's resolver, whose patterns, order and
 * length limits these are): used only when writing, where a string the resolver does not call a
 * string gets quoted. A value the 1.1 types and the 1.2 core schema both leave a string is written
 * plain either way.
 */
final class Yaml11ScalarResolver implements ScalarResolver {
    private static final Tag TIMESTAMP = new Tag(Tag.PREFIX + "timestamp");

    private static final Pattern BOOL = Pattern.compile("yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF");
    private static final Pattern INT = Pattern.compile("[-+]?0b_*[0-1][0-1_]*"    // base 2
            + "|[-+]?0_*[0-7][0-7_]*"                                            // base 8
            + "|[-+]?(?:0|[1-9][0-9_]*)"                                         // base 10
            + "|[-+]?0x_*[0-9a-fA-F][0-9a-fA-F_]*"                               // base 16
            + "|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+");                            // base 60
    private static final Pattern FLOAT = Pattern.compile("[-+]?(?:[0-9][0-9_]*)\\.[0-9_]*(?:[eE][-+]?[0-9]+)?"
            + "|[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)"
            + "|[-+]?\\.[0-9_]+(?:[eE][-+]?[0-9]+)?"
            + "|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\\.[0-9_]*"                    // base 60
            + "|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN)");
    private static final Pattern NULL = Pattern.compile("~|null|Null|NULL| ");
    private static final Pattern TIMESTAMP_PATTERN = Pattern.compile("[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"
            + "|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\\.[0-9]*)?"
            + "(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?");
    // SnakeYAML leaves longer values unresolved; the limits are part of what gets quoted.
    private static final int SHORT_LIMIT = 10;
    private static final int NUMBER_LIMIT = 1024;
    private static final int TIMESTAMP_LIMIT = 50;

    @Override
    public Tag resolve(String value, Boolean implicit) {
        if (!implicit) {
            return Tag.STR;
        }
        int length = value.length();
        if (length <= SHORT_LIMIT && BOOL.matcher(value).matches()) {
            return Tag.BOOL;
        }
        if (length <= NUMBER_LIMIT && INT.matcher(value).matches()) {
            return Tag.INT;
        }
        if (length <= NUMBER_LIMIT && FLOAT.matcher(value).matches()) {
            return Tag.FLOAT;
        }
        if (value.equals("<<")) {
            return Tag.MERGE;
        }
        if (length <= TIMESTAMP_LIMIT && TIMESTAMP_PATTERN.matcher(value).matches()) {
            return TIMESTAMP;
        }
        if (value.isEmpty() || NULL.matcher(value).matches()) {
            return Tag.NULL;
        }
        return Tag.STR;
    }
}
