package fourm.core.masking;

import fourm.api.ModalitySpec;
import fourm.api.masking.ModalitySample;
import fourm.core.batch.MaskedBatch;
import fourm.core.batch.ModalityTensors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stacks masked samples into a {@link MaskedBatch}, modalities in the order of the specifications given at
 * construction. A modality missing from some samples (a mixture of datasets) is filled with an empty modality (zeros,
 * every mask true); a modality missing from every sample is left out of the batch.
 */
public final class MaskingCollator {
    private final List<ModalitySpec> specs;

    /** @param specs the modalities, in encoder order */
    public MaskingCollator(Map<String, ModalitySpec> specs) {
        this.specs = List.copyOf(specs.values());
    }

    /**
     * Stacks the samples.
     *
     * @throws IllegalArgumentException if the list is empty, if no modality is present, or if a sample's modality
     *                                  does not have the layout of its specification
     */
    public MaskedBatch collate(List<MaskedSample> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("cannot collate an empty list of samples");
        }
        int b = samples.size();
        Map<String, ModalityTensors> out = new LinkedHashMap<>();
        for (ModalitySpec spec : specs) {
            String key = spec.key();
            if (samples.stream().noneMatch(s -> s.modalities().containsKey(key))) {
                continue;
            }
            int len = spec.layout().length();
            List<ModalitySample> rows = new ArrayList<>(b);
            for (MaskedSample s : samples) {
                ModalitySample row = s.modalities().get(key);
                if (row == null) {
                    row = spec.tokenMasking().empty(key);
                }
                if (row.length() != len || row.isDiscrete() != spec.layout().discrete()) {
                    throw new IllegalArgumentException(key + " of sample " + s.sampleIndex() + " has " + row.length()
                            + (row.isDiscrete() ? " ids" : " value positions") + ", expected " + len
                            + (spec.layout().discrete() ? " ids" : " value positions") + " for the layout "
                            + spec.layout().name());
                }
                rows.add(row);
            }
            out.put(key, stack(spec, rows, len));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no sample holds any of the modalities " + specs.stream()
                    .map(ModalitySpec::key).toList());
        }
        return new MaskedBatch(out);
    }

    private static ModalityTensors stack(ModalitySpec spec, List<ModalitySample> rows, int len) {
        int b = rows.size();
        boolean[] in = new boolean[b * len];
        boolean[] tgt = new boolean[b * len];
        int[] dam = new int[b * len];
        for (int i = 0; i < b; i++) {
            ModalitySample r = rows.get(i);
            System.arraycopy(r.inputMask(), 0, in, i * len, len);
            System.arraycopy(r.targetMask(), 0, tgt, i * len, len);
            System.arraycopy(r.decoderAttentionMask(), 0, dam, i * len, len);
        }
        if (spec.layout().discrete()) {
            long[] ids = new long[b * len];
            for (int i = 0; i < b; i++) {
                System.arraycopy(rows.get(i).ids(), 0, ids, i * len, len);
            }
            return ModalityTensors.ofIds(spec.key(), b, len, ids, in, tgt, dam);
        }
        int[] sampleShape = spec.layout().valueShape();
        int per = 1;
        for (int d : sampleShape) {
            per *= d;
        }
        float[] values = new float[b * per];
        for (int i = 0; i < b; i++) {
            float[] v = rows.get(i).values();
            if (v.length != per) {
                throw new IllegalArgumentException(spec.key() + ": a sample holds " + v.length + " values, expected "
                        + per);
            }
            System.arraycopy(v, 0, values, i * per, per);
        }
        int[] shape = new int[sampleShape.length + 1];
        shape[0] = b;
        System.arraycopy(sampleShape, 0, shape, 1, sampleShape.length);
        return ModalityTensors.ofValues(spec.key(), b, len, values, shape, in, tgt, dam);
    }
}
