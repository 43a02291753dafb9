/** Contract-test bases and fakes. */
package mimir.testing;
