package mimir.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import com.google.protobuf.ByteString;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.common.v1.KeyValueList;

class TestAttributeValues {
    private static String text(AnyValue.Builder value) {
        return AttributeValues.asString(value.build());
    }

    @Test
    void scalarsAsTheCollectorRendersThem() {
        assertThat(text(AnyValue.newBuilder().setStringValue("plain"))).isEqualTo("plain");
        assertThat(text(AnyValue.newBuilder().setIntValue(-42))).isEqualTo("-42");
        assertThat(text(AnyValue.newBuilder().setBoolValue(true))).isEqualTo("true");
        assertThat(text(AnyValue.newBuilder().setBytesValue(ByteString.copyFromUtf8("hi")))).isEqualTo("aGk=");
        assertThat(text(AnyValue.newBuilder())).isEmpty();
    }

    @Test
    void doublesInShortestEcmaScriptForm() {
        assertThat(text(AnyValue.newBuilder().setDoubleValue(1.5))).isEqualTo("1.5");
        assertThat(text(AnyValue.newBuilder().setDoubleValue(100))).isEqualTo("100");
        assertThat(text(AnyValue.newBuilder().setDoubleValue(0.1))).isEqualTo("0.1");
        assertThat(text(AnyValue.newBuilder().setDoubleValue(1e21))).isEqualTo("1e+21");
        assertThat(text(AnyValue.newBuilder().setDoubleValue(1.25e-7))).isEqualTo("1.25e-7");
        assertThat(text(AnyValue.newBuilder().setDoubleValue(Double.POSITIVE_INFINITY))).isEqualTo("json: unsupported value: +Inf");
    }

    @Test
    void arraysAndMapsAsJsonWithSortedKeys() {
        AnyValue array = AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                .addValues(AnyValue.newBuilder().setIntValue(1))
                .addValues(AnyValue.newBuilder().setStringValue("a<b"))).build();
        AnyValue map = AnyValue.newBuilder().setKvlistValue(KeyValueList.newBuilder()
                .addValues(KeyValue.newBuilder().setKey("b").setValue(AnyValue.newBuilder().setBoolValue(false)))
                .addValues(KeyValue.newBuilder().setKey("a").setValue(array))).build();

        assertThat(AttributeValues.asString(array)).isEqualTo("[1,\"a\\u003cb\"]");
        assertThat(AttributeValues.asString(map)).isEqualTo("{\"a\":[1,\"a\\u003cb\"],\"b\":false}");
    }

    @Test
    void bucketBoundsWithoutExponent() {
        assertThat(AttributeValues.plainShortest(0.1)).isEqualTo("0.1");
        assertThat(AttributeValues.plainShortest(1.0)).isEqualTo("1");
        assertThat(AttributeValues.plainShortest(2.5e-7)).isEqualTo("0.00000025");
        assertThat(AttributeValues.plainShortest(1e21)).isEqualTo("1000000000000000000000");
        assertThat(AttributeValues.plainShortest(-5)).isEqualTo("-5");
        assertThat(AttributeValues.plainShortest(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
    }
}
