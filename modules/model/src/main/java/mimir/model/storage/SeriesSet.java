package mimir.model.storage;

import mimir.model.Labels;

/** The series a select returned, in ascending label order when sorted output was asked for. */
public interface SeriesSet {
    /** Advances to the next series; false at the end. */
    boolean next();

    /** The current series' labels. */
    Labels labels();

    /** A fresh iterator over the current series' samples within the select's time range. */
    SampleIterator iterator();
}
