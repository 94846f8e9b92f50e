package dev.lobench.results;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;

/**
 * The one Jackson configuration for results files.
 *
 * <p>Non-finite numbers. JSON has no NaN or Infinity, so every non-finite {@code double} (in any record field
 * or map value) and every non-finite entry of a {@code float[]} (training-loss curves) is written as
 * {@code null}, and {@code null} is read back as NaN; so is every non-finite entry of a {@code double[]} (also
 * inside a {@code double[][]}, e.g. stability eigenvalues). The sign of an infinity is therefore not kept: a
 * non-finite value means "no usable value" everywhere in lobench (a diverged step, an accuracy a task does not
 * have). An absent {@code double} field also reads as NaN. For leniency the strings {@code "NaN"},
 * {@code "Infinity"} and {@code "-Infinity"} are also read as numbers.
 *
 * <p>Unknown fields are ignored, so a reader of schema version N reads files of version N written by a later
 * lobench that only added fields; a newer schema version is rejected before mapping (see {@link ResultStore}).
 */
public final class ResultsJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(nonFiniteModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();

    private ResultsJson() {}

    /** The shared, thread-safe mapper: compact output, one record per line when used by {@link ResultWriter}. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    private static SimpleModule nonFiniteModule() {
        SimpleModule m = new SimpleModule("lobench-non-finite");
        m.addSerializer(Double.class, new DoubleSer());
        m.addSerializer(Double.TYPE, new DoubleSer());
        m.addSerializer(float[].class, new FloatArraySer());
        m.addSerializer(double[].class, new DoubleArraySer());
        m.addDeserializer(Double.class, new DoubleDeser());
        m.addDeserializer(Double.TYPE, new DoubleDeser());
        m.addDeserializer(float[].class, new FloatArrayDeser());
        m.addDeserializer(double[].class, new DoubleArrayDeser());
        return m;
    }

    private static final class DoubleSer extends JsonSerializer<Double> {
        @Override
        public void serialize(Double v, JsonGenerator g, SerializerProvider p) throws IOException {
            if (v == null || !Double.isFinite(v)) {
                g.writeNull();
            } else {
                g.writeNumber(v.doubleValue());
            }
        }
    }

    private static final class FloatArraySer extends JsonSerializer<float[]> {
        @Override
        public void serialize(float[] a, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeStartArray(a, a.length);
            for (float f : a) {
                if (Float.isFinite(f)) {
                    g.writeNumber(f);
                } else {
                    g.writeNull();
                }
            }
            g.writeEndArray();
        }
    }

    /** Without it Jackson writes a non-finite array entry as the string "NaN" or "Infinity", not null. */
    private static final class DoubleArraySer extends JsonSerializer<double[]> {
        @Override
        public void serialize(double[] a, JsonGenerator g, SerializerProvider p) throws IOException {
            g.writeStartArray(a, a.length);
            for (double d : a) {
                if (Double.isFinite(d)) {
                    g.writeNumber(d);
                } else {
                    g.writeNull();
                }
            }
            g.writeEndArray();
        }
    }

    private static double parseSpecial(String s, JsonParser p) throws IOException {
        switch (s.trim()) {
            case "NaN":
                return Double.NaN;
            case "Infinity":
            case "+Infinity":
                return Double.POSITIVE_INFINITY;
            case "-Infinity":
                return Double.NEGATIVE_INFINITY;
            default:
                try {
                    return Double.parseDouble(s.trim());
                } catch (NumberFormatException e) {
                    throw new com.fasterxml.jackson.core.JsonParseException(p, "not a number: \"" + s + "\"");
                }
        }
    }

    private static final class DoubleDeser extends JsonDeserializer<Double> {
        @Override
        public Double deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonToken t = p.currentToken();
            if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                return p.getDoubleValue();
            }
            if (t == JsonToken.VALUE_STRING) {
                return parseSpecial(p.getText(), p);
            }
            return (Double) ctxt.handleUnexpectedToken(Double.TYPE, p);
        }

        @Override
        public Double getNullValue(DeserializationContext ctxt) {
            return Double.NaN;
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return Double.NaN;
        }
    }

    private static final class FloatArrayDeser extends JsonDeserializer<float[]> {
        @Override
        public float[] deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                return (float[]) ctxt.handleUnexpectedToken(float[].class, p);
            }
            float[] buf = new float[64];
            int n = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                float v;
                if (t == JsonToken.VALUE_NULL) {
                    v = Float.NaN;
                } else if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                    v = p.getFloatValue();
                } else if (t == JsonToken.VALUE_STRING) {
                    v = (float) parseSpecial(p.getText(), p);
                } else {
                    return (float[]) ctxt.handleUnexpectedToken(float[].class, p);
                }
                if (n == buf.length) {
                    buf = java.util.Arrays.copyOf(buf, n * 2);
                }
                buf[n++] = v;
            }
            return java.util.Arrays.copyOf(buf, n);
        }
    }

    private static final class DoubleArrayDeser extends JsonDeserializer<double[]> {
        @Override
        public double[] deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                return (double[]) ctxt.handleUnexpectedToken(double[].class, p);
            }
            double[] buf = new double[16];
            int n = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                double v;
                if (t == JsonToken.VALUE_NULL) {
                    v = Double.NaN;
                } else if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                    v = p.getDoubleValue();
                } else if (t == JsonToken.VALUE_STRING) {
                    v = parseSpecial(p.getText(), p);
                } else {
                    return (double[]) ctxt.handleUnexpectedToken(double[].class, p);
                }
                if (n == buf.length) {
                    buf = java.util.Arrays.copyOf(buf, n * 2);
                }
                buf[n++] = v;
            }
            return java.util.Arrays.copyOf(buf, n);
        }
    }
}
