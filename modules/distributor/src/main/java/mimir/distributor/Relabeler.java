package mimir.distributor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import mimir.model.LabelNames;
import mimir.model.Labels;
import mimir.spi.limits.RelabelConfig;

/**
 * Prometheus relabeling of a series' labels by a tenant's {@code metric_relabel_configs}: the regexes
 * are RE2 (RE2/J), fully anchored as in Prometheus, and each action does what Prometheus's
 * {@code relabel.Process} does. Compiled patterns are cached per rule (rules change only with the
 * runtime config). Thread-safe.
 */
final class Relabeler {
    private static final int MAX_CACHED_PATTERNS = 10_000;

    private final Map<RelabelConfig, Pattern> patterns = new ConcurrentHashMap<>();

    /** The relabeled labels, or null if a rule dropped the series. */
    Labels relabel(Labels labels, List<RelabelConfig> rules) {
        Labels.Builder builder = null;
        Labels current = labels;
        for (RelabelConfig rule : rules) {
            if (builder != null) {
                current = builder.build();
            }
            builder = current.toBuilder();
            if (!apply(current, builder, rule)) {
                return null;
            }
        }
        return builder == null ? labels : builder.build();
    }

    private boolean apply(Labels labels, Labels.Builder builder, RelabelConfig rule) {
        String value = sourceValue(labels, rule);
        Pattern pattern = pattern(rule);
        switch (rule.action()) {
            case "drop" -> {
                return !pattern.matcher(value).matches();
            }
            case "keep" -> {
                return pattern.matcher(value).matches();
            }
            case "dropequal" -> {
                return !value.equals(orEmpty(labels.get(rule.targetLabel())));
            }
            case "keepequal" -> {
                return value.equals(orEmpty(labels.get(rule.targetLabel())));
            }
            case "replace" -> {
                Matcher matcher = pattern.matcher(value);
                if (!matcher.matches()) {
                    return true;
                }
                String target = expand(matcher, rule.targetLabel(), pattern);
                if (!LabelNames.isValidLabelName(target)) {
                    return true;
                }
                String replaced = expand(matcher, rule.replacement(), pattern);
                if (replaced.isEmpty()) {
                    builder.delete(target);
                }
                else {
                    builder.set(target, replaced);
                }
            }
            case "lowercase" -> builder.set(rule.targetLabel(), value.toLowerCase(Locale.ROOT));
            case "uppercase" -> builder.set(rule.targetLabel(), value.toUpperCase(Locale.ROOT));
            case "hashmod" -> builder.set(rule.targetLabel(), Long.toUnsignedString(Long.remainderUnsigned(md5Low64(value), rule.modulus())));
            case "labelmap" -> {
                for (int i = 0; i < labels.size(); i++) {
                    Matcher matcher = pattern.matcher(labels.name(i));
                    if (matcher.matches()) {
                        builder.set(expand(matcher, rule.replacement(), pattern), labels.value(i));
                    }
                }
            }
            case "labeldrop" -> {
                for (int i = 0; i < labels.size(); i++) {
                    if (pattern.matcher(labels.name(i)).matches()) {
                        builder.delete(labels.name(i));
                    }
                }
            }
            case "labelkeep" -> {
                for (int i = 0; i < labels.size(); i++) {
                    if (!pattern.matcher(labels.name(i)).matches()) {
                        builder.delete(labels.name(i));
                    }
                }
            }
            default -> throw new IllegalStateException("unknown relabel action " + rule.action());
        }
        return true;
    }

    private Pattern pattern(RelabelConfig rule) {
        Pattern pattern = patterns.get(rule);
        if (pattern == null) {
            if (patterns.size() >= MAX_CACHED_PATTERNS) {
                patterns.clear();
            }
            pattern = rule.pattern();
            patterns.put(rule, pattern);
        }
        return pattern;
    }

    private static String sourceValue(Labels labels, RelabelConfig rule) {
        List<String> sources = rule.sourceLabels();
        if (sources.size() == 1) {
            return orEmpty(labels.get(sources.getFirst()));
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < sources.size(); i++) {
            if (i > 0) {
                out.append(rule.separator());
            }
            out.append(orEmpty(labels.get(sources.get(i))));
        }
        return out.toString();
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    /**
     * Go's {@code Regexp.Expand}: {@code $1}, {@code ${1}}, {@code $name}, {@code ${name}} become the
     * group (empty if there is none such), {@code $$} a dollar.
     */
    static String expand(Matcher matcher, String template, Pattern pattern) {
        if (template.indexOf('$') < 0) {
            return template;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '$' || i + 1 == template.length()) {
                out.append(c);
                i++;
                continue;
            }
            char next = template.charAt(i + 1);
            if (next == '$') {
                out.append('$');
                i += 2;
                continue;
            }
            String name;
            if (next == '{') {
                int close = template.indexOf('}', i + 2);
                if (close < 0) {
                    out.append(c);
                    i++;
                    continue;
                }
                name = template.substring(i + 2, close);
                i = close + 1;
            }
            else {
                int end = i + 1;
                while (end < template.length() && isNameChar(template.charAt(end))) {
                    end++;
                }
                if (end == i + 1) {
                    out.append(c);
                    i++;
                    continue;
                }
                name = template.substring(i + 1, end);
                i = end;
            }
            out.append(group(matcher, name, pattern));
        }
        return out.toString();
    }

    private static String group(Matcher matcher, String name, Pattern pattern) {
        if (name.isEmpty()) {
            return "";
        }
        boolean numeric = true;
        for (int i = 0; i < name.length(); i++) {
            numeric &= Character.isDigit(name.charAt(i));
        }
        String value;
        if (numeric) {
            int index = name.length() > 9 ? Integer.MAX_VALUE : Integer.parseInt(name);
            value = index <= matcher.groupCount() ? matcher.group(index) : null;
        }
        else {
            try {
                value = matcher.group(name);
            }
            catch (IllegalArgumentException e) {
                value = null;
            }
        }
        return value == null ? "" : value;
    }

    private static boolean isNameChar(char c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static long md5Low64(String value) {
        try {
            byte[] digest = MessageDigest.getInstance("MD5").digest(value.getBytes(StandardCharsets.UTF_8));
            long result = 0;
            for (int i = 8; i < 16; i++) {
                result = (result << 8) | (digest[i] & 0xff);
            }
            return result;
        }
        catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is part of every JDK", e);
        }
    }
}
