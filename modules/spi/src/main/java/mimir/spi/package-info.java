/**
 * The component SPI: {@link mimir.spi.ComponentProvider} is what a component module provides,
 * {@link mimir.spi.CoreServices} is what it gets from the core.
 */
package mimir.spi;
