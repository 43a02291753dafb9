/**
 * The Snappy block format (not the framed stream format), pure Java with no dependencies: the one
 * implementation behind the TSDB write-ahead log and the snappy-compressed HTTP bodies of remote
 * write and remote read. See {@link mimir.snappy.Snappy} for why it is ours and not a library's.
 */
module mimir.snappy {
    exports mimir.snappy;
}
