package mimir.storegateway.client.grpc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import mimir.tsdb.block.Ulid;

/**
 * Conversions between the model's types and the {@code gatewaypb.StoreGateway} messages (labels and
 * matchers by {@link mimir.grpccommon.convert.PrometheusProtos}). Everything
 * read from a message is checked: a conversion that cannot produce a valid value (labels out of
 * order, an unknown matcher type, a regular expression that does not compile, a block ID that is not
 * a ULID) throws {@link IllegalArgumentException} with a message for the caller, which the
 * store-gateway answers with {@code INVALID_ARGUMENT} and the querier reports as an invalid response.
 */
public final class StoreGatewayProtos {
    private StoreGatewayProtos() {}

    public static List<String> blocksToProto(Collection<Ulid> blocks) {
        List<String> result = new ArrayList<>(blocks.size());
        for (Ulid block : blocks) {
            result.add(block.toString());
        }
        return result;
    }

    /** Block IDs from a message, in message order without repeats. */
    public static Set<Ulid> blocksFromProto(List<String> blocks) {
        Set<Ulid> result = new LinkedHashSet<>(blocks.size() * 2);
        for (String block : blocks) {
            try {
                result.add(Ulid.parse(block));
            }
            catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("block ID is not a ULID: \"" + block + "\"", e);
            }
        }
        return result;
    }
}
