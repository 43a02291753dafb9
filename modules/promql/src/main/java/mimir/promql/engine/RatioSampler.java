package mimir.promql.engine;

import java.nio.charset.StandardCharsets;

import mimir.model.Labels;

/**
 * {@code limit_ratio}'s deterministic sampling: a series' place in {@code [0, 1)} is the xxHash64 of its
 * labels (Prometheus's {@code labels.Hash}: name, 0xff, value, 0xff for each label) divided by 2^64.
 */
final class RatioSampler {
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;
    private static final long P3 = 0x165667B19E3779F9L;
    private static final long P4 = 0x85EBCA77C2B2AE63L;
    private static final long P5 = 0x27D4EB2F165667C5L;

    private RatioSampler() {}

    static double offset(Labels labels) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < labels.size(); i++) {
            bytes.writeBytes(labels.name(i).getBytes(StandardCharsets.UTF_8));
            bytes.write(0xff);
            bytes.writeBytes(labels.value(i).getBytes(StandardCharsets.UTF_8));
            bytes.write(0xff);
        }
        long hash = xxhash64(bytes.toByteArray());
        // float64(uint64) / float64(MaxUint64)
        double unsigned = (hash >>> 1) * 2.0 + (hash & 1);
        return unsigned / 18446744073709551615.0;
    }

    static boolean keep(double ratio, double offset) {
        return (ratio >= 0 && offset < ratio) || (ratio < 0 && offset >= 1.0 + ratio);
    }

    static long xxhash64(byte[] b) {
        int n = b.length;
        int p = 0;
        long h;
        if (n >= 32) {
            long v1 = P1 + P2;
            long v2 = P2;
            long v3 = 0;
            long v4 = -P1;
            while (p + 32 <= n) {
                v1 = round(v1, le64(b, p));
                v2 = round(v2, le64(b, p + 8));
                v3 = round(v3, le64(b, p + 16));
                v4 = round(v4, le64(b, p + 24));
                p += 32;
            }
            h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7) + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
            h = merge(h, v1);
            h = merge(h, v2);
            h = merge(h, v3);
            h = merge(h, v4);
        }
        else {
            h = P5;
        }
        h += n;
        while (p + 8 <= n) {
            h ^= round(0, le64(b, p));
            h = Long.rotateLeft(h, 27) * P1 + P4;
            p += 8;
        }
        if (p + 4 <= n) {
            h ^= (le32(b, p) & 0xffffffffL) * P1;
            h = Long.rotateLeft(h, 23) * P2 + P3;
            p += 4;
        }
        while (p < n) {
            h ^= (b[p] & 0xffL) * P5;
            h = Long.rotateLeft(h, 11) * P1;
            p++;
        }
        h ^= h >>> 33;
        h *= P2;
        h ^= h >>> 29;
        h *= P3;
        h ^= h >>> 32;
        return h;
    }

    private static long round(long acc, long input) {
        acc += input * P2;
        acc = Long.rotateLeft(acc, 31);
        return acc * P1;
    }

    private static long merge(long acc, long value) {
        value = round(0, value);
        acc ^= value;
        return acc * P1 + P4;
    }

    private static long le64(byte[] b, int p) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[p + i] & 0xffL);
        }
        return v;
    }

    private static int le32(byte[] b, int p) {
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
    }
}
