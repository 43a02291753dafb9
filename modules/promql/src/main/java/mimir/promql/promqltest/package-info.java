/**
 * Reader for Prometheus's promqltest {@code .test} files: {@code load}, {@code clear} and {@code eval}
 * commands with their expectations, each tagged with its file and line. It parses, it does not run.
 */
package mimir.promql.promqltest;
