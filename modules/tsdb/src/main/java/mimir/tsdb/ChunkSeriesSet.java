package mimir.tsdb;

import mimir.model.Labels;

/**
 * Series with their encoded chunks, in ascending label order (by {@link Labels#compareTo}): what a
 * block is written from (the head's persisted range, or the merge of blocks in compaction).
 */
public interface ChunkSeriesSet {
    /** Advances to the next series; false at the end. */
    boolean next();

    /** The current series' labels. */
    Labels labels();

    /**
     * The current series' chunks in ascending, non-overlapping time order (compaction merges
     * overlapping input into such chunks before handing them on).
     */
    java.util.List<ChunkData> chunks();
}
