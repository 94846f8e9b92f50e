package dev.lobench.optimizers.learned;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lobench.tasks.UserError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Converts published VeLO weights (the theta of google/learned_optimization's HyperV2 with lstm_hidden_size 512,
 * param_inits 256, stored as a local safetensors file with the flattened parameter-tree names) to a lobench
 * velo-style weights file. The name mapping is documented in optimizers/VELO.md; parity of the converted optimizer
 * with the published one is unverified (the weights cannot be fetched here).
 *
 * <pre>{@code
 * VeloTheta t = VeloImport.importFile(Path.of("velo.safetensors"), Path.of("velo-lobench.safetensors"));
 * }</pre>
 *
 * <p>Accepted names: the parameter-tree path joined with '/' or '.', e.g. {@code rnn_params/rnn/linear/w} or
 * {@code rnn_params.rnn.linear.w}; the haiku top-level scope {@code ~} of the per-element MLP bank may be present
 * ({@code ff_mod_stack/~/w0__0}) or absent ({@code ff_mod_stack/w0__0}); the LSTM initial state may be named
 * {@code hidden}/{@code cell} or {@code 0}/{@code 1}. Sizes H and K are read from the file. F32, F64, F16 and BF16
 * are accepted.
 */
public final class VeloImport {
    /** Widths of the 14 input groups of the reference per-element MLP, in input order (they sum to 30). */
    static final int[] GROUP_WIDTHS = {1, 1, 1, 3, 1, 3, 1, 3, 1, 3, 3, 3, 3, 3};
    /** The reference's first DeepSets layer, computed but never used (its output is overwritten). Dropped. */
    public static final String DEAD_LAYER = "rnn_params/linear";

    private VeloImport() {}

    /** The published parameter names and shapes for LSTM width h and bank size k (canonical '/' names). */
    public static Map<String, long[]> publishedShapes(int h, int k) {
        Map<String, long[]> m = new LinkedHashMap<>();
        m.put("lstm_init_state/hidden", new long[] {1, h});
        m.put("lstm_init_state/cell", new long[] {1, h});
        for (String lin : List.of("linear", "linear_1", "linear_2")) {
            m.put("rnn_params/" + lin + "/w", new long[] {VeloTheta.TENSOR_FEATURES, h});
            m.put("rnn_params/" + lin + "/b", new long[] {h});
        }
        m.put("rnn_params/rnn/linear/w", new long[] {2L * h, 4L * h});
        m.put("rnn_params/rnn/linear/b", new long[] {4L * h});
        m.put("rnn_params/rnn_to_controls/w", new long[] {h, k});
        m.put("rnn_params/rnn_to_controls/b", new long[] {k});
        m.put("rnn_params/step_size/w", new long[] {h, 1});
        m.put("rnn_params/step_size/b", new long[] {1});
        for (int i = 0; i < GROUP_WIDTHS.length; i++) {
            m.put("ff_mod_stack/~/w0__" + i, new long[] {k, GROUP_WIDTHS[i], VeloTheta.MLP_HIDDEN});
        }
        m.put("ff_mod_stack/~/b0", new long[] {k, VeloTheta.MLP_HIDDEN});
        m.put("ff_mod_stack/~/w1", new long[] {k, VeloTheta.MLP_HIDDEN, VeloTheta.MLP_HIDDEN});
        m.put("ff_mod_stack/~/b1", new long[] {k, VeloTheta.MLP_HIDDEN});
        m.put("ff_mod_stack/~/w2", new long[] {k, VeloTheta.MLP_HIDDEN, VeloTheta.MLP_OUTPUTS});
        m.put("ff_mod_stack/~/b2", new long[] {k, VeloTheta.MLP_OUTPUTS});
        return m;
    }

    /** Total number of published meta-parameters (2,320,385 for h = 512, k = 256). */
    public static long publishedParamCount(int h, int k) {
        long n = 0;
        for (long[] s : publishedShapes(h, k).values()) {
            n += VeloTheta.count(s);
        }
        return n;
    }

    /** Canonical form of a published name: '.' -> '/', the optional '~' scope and 0/1 state names normalised. */
    static String canonical(String name) {
        String s = name.replace('.', '/');
        if (s.startsWith("ff_mod_stack/") && !s.startsWith("ff_mod_stack/~/")) {
            s = "ff_mod_stack/~/" + s.substring("ff_mod_stack/".length());
        }
        if (s.equals("lstm_init_state/0")) {
            s = "lstm_init_state/hidden";
        } else if (s.equals("lstm_init_state/1")) {
            s = "lstm_init_state/cell";
        }
        return s;
    }

    /** Reads a published-named safetensors file and maps it to a lobench theta. */
    public static VeloTheta read(Path in) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(in);
        } catch (IOException e) {
            throw new UserError("cannot read VeLO weights " + in + ": " + dev.lobench.tasks.IoReason.of(e), e);
        }
        return fromBytes(bytes, in.toString());
    }

    /** Maps published-named safetensors bytes to a lobench theta. */
    public static VeloTheta fromBytes(byte[] bytes, String source) {
        String where = "VeLO weights " + source + ": ";
        SafetensorsIO.Contents c = SafetensorsIO.parse(bytes, where);
        Map<String, SafetensorsIO.Tensor> t = new LinkedHashMap<>();
        for (Map.Entry<String, SafetensorsIO.Tensor> e : c.tensors().entrySet()) {
            String k = canonical(e.getKey());
            if (t.put(k, e.getValue()) != null) {
                throw new UserError(where + "two tensors map to the name '" + k + "'");
            }
        }
        SafetensorsIO.Tensor hidden = t.get("lstm_init_state/hidden");
        SafetensorsIO.Tensor ctrlB = t.get("rnn_params/rnn_to_controls/b");
        if (hidden == null || ctrlB == null) {
            throw new UserError(where + "not a VeLO (HyperV2) parameter file: missing "
                    + (hidden == null ? "lstm_init_state/hidden" : "rnn_params/rnn_to_controls/b")
                    + " (see optimizers/VELO.md for the expected names)");
        }
        int h = (int) hidden.shape()[hidden.shape().length - 1];
        int k = (int) ctrlB.shape()[0];
        try {
            VeloTheta.checkSizes(h, k);
        } catch (UserError e) {
            throw new UserError(where + e.getMessage());
        }
        Map<String, long[]> expected = publishedShapes(h, k);
        Set<String> unexpected = new TreeSet<>(t.keySet());
        unexpected.removeAll(expected.keySet());
        if (!unexpected.isEmpty()) {
            throw new UserError(where + "unexpected tensors " + unexpected);
        }
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            SafetensorsIO.Tensor x = t.get(e.getKey());
            if (x == null) {
                missing.add(e.getKey());
            } else if (!Arrays.equals(x.shape(), e.getValue())) {
                throw new UserError(where + "tensor '" + e.getKey() + "' has shape " + Arrays.toString(x.shape())
                        + ", expected " + Arrays.toString(e.getValue()) + " (LSTM width " + h + ", bank " + k + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new UserError(where + "missing tensors " + missing);
        }
        Map<String, float[]> seg = new LinkedHashMap<>();
        seg.put("mix_max_w", t.get("rnn_params/linear_1/w").values());
        seg.put("mix_max_b", t.get("rnn_params/linear_1/b").values());
        seg.put("mix_lin_w", t.get("rnn_params/linear_2/w").values());
        seg.put("mix_lin_b", t.get("rnn_params/linear_2/b").values());
        seg.put("lstm_w", t.get("rnn_params/rnn/linear/w").values());
        seg.put("lstm_b", t.get("rnn_params/rnn/linear/b").values());
        seg.put("lstm_h0", hidden.values());
        seg.put("lstm_c0", t.get("lstm_init_state/cell").values());
        seg.put("ctrl_w", t.get("rnn_params/rnn_to_controls/w").values());
        seg.put("ctrl_b", ctrlB.values());
        seg.put("step_w", t.get("rnn_params/step_size/w").values());
        seg.put("step_b", t.get("rnn_params/step_size/b").values());
        // first layer: the 14 input-group matrices [K, width_i, 4] concatenated along the input axis -> [K, 30, 4]
        int nf = VeloTheta.ELEMENT_FEATURES;
        int hid = VeloTheta.MLP_HIDDEN;
        float[] w0 = new float[k * nf * hid];
        int row = 0;
        for (int gi = 0; gi < GROUP_WIDTHS.length; gi++) {
            float[] src = t.get("ff_mod_stack/~/w0__" + gi).values();
            int w = GROUP_WIDTHS[gi];
            for (int b = 0; b < k; b++) {
                System.arraycopy(src, b * w * hid, w0, (b * nf + row) * hid, w * hid);
            }
            row += w;
        }
        seg.put("bank_w0", w0);
        seg.put("bank_b0", t.get("ff_mod_stack/~/b0").values());
        seg.put("bank_w1", t.get("ff_mod_stack/~/w1").values());
        seg.put("bank_b1", t.get("ff_mod_stack/~/b1").values());
        seg.put("bank_w2", t.get("ff_mod_stack/~/w2").values());
        seg.put("bank_b2", t.get("ff_mod_stack/~/b2").values());
        try {
            return VeloTheta.fromSegments(h, k, seg);
        } catch (UserError e) {
            throw new UserError(where + e.getMessage());
        }
    }

    /**
     * Converts published VeLO weights {@code in} to a lobench velo-style weights file {@code out} (provenance records
     * the source file name and its SHA-256). Returns the converted theta.
     */
    public static VeloTheta importFile(Path in, Path out) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(in);
        } catch (IOException e) {
            throw new UserError("cannot read VeLO weights " + in + ": " + dev.lobench.tasks.IoReason.of(e), e);
        }
        VeloTheta theta = fromBytes(bytes, in.toString());
        ObjectNode p = new ObjectMapper().createObjectNode();
        p.put("produced_by", "lobench lopt import velo (published VeLO / HyperV2 parameter names; parity unverified)");
        p.put("source_file", in.getFileName().toString());
        p.put("source_sha256", ThetaFiles.sha256(bytes));
        p.put("dropped", DEAD_LAYER + " (unused by the reference)");
        VeloFiles.write(out, theta, p.toString());
        return theta;
    }
}
