package mimir.gotemplate;

import java.util.List;

/**
 * A function callable from a template, like an entry of Go's {@code template.FuncMap}. Arguments are
 * the template's values: {@link String}, {@link Long} (Go's integers), {@link Double}, {@link Boolean},
 * {@link java.util.List}, {@link java.util.Map}, {@link Fields} or null.
 */
@FunctionalInterface
public interface TemplateFunction {
    /**
     * @throws Exception to stop the execution; the message becomes the template's error
     */
    Object apply(List<Object> args) throws Exception;
}
