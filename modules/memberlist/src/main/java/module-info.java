/**
 * The memberlist KV store backend ({@code -<scope>.store=memberlist}): every process keeps the whole
 * store and gossips changes to the others over TCP, as dskit's memberlist KV does. No dependencies
 * beyond {@code mimir.spi}; see the package documentation of {@code mimir.memberlist} for the
 * protocol and for why it is hand-written.
 */
module mimir.memberlist {
    requires mimir.spi;

    provides mimir.spi.kv.KvStoreProvider with mimir.memberlist.MemberlistKvStoreProvider;
}
