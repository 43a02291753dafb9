/**
 * Test support shared by every module's tests: contract-test bases that each implementation of an SPI
 * extends ({@code AbstractTestObjectStore}) and hand-written fakes. Test scope only; never in an image.
 */
module mimir.testing {
    requires transitive mimir.spi;
    requires transitive org.junit.jupiter.api;
    requires transitive org.assertj.core;
    requires java.management;
    requires jdk.management;
    requires jdk.httpserver;

    exports mimir.testing;
}
