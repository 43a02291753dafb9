package mimir.ingester;

import mimir.tsdb.DbOptions;

/** The DB options the ingester uses with its default settings, for tests that open a tenant's directory directly. */
final class DbOptionsForTest {
    static final DbOptions OPTIONS = IngesterConfig.from(mimir.testing.TestingConfigValues.defaults(IngesterConfig.SETTINGS)).dbOptions();

    private DbOptionsForTest() {}
}
