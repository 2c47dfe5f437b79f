package fourm.modality.pose;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Seeded random people: raw estimates, and estimates already at bin centres (which round-trip exactly). */
final class SerializerSamples {
    private SerializerSamples() {
    }

    static HumanPoses raw(SplittableRandom r) {
        List<Human> humans = new ArrayList<>();
        for (int i = 0, n = r.nextInt(0, 4); i < n; i++) {
            humans.add(new Human(r.nextDouble(), r.nextDouble(), r.nextDouble(), r.nextDouble(),
                    r.ints(8, 0, 1024).boxed().toList(), r.doubles(9, -1.2, 1.2).boxed().toList(),
                    r.doubles(3, -2, 25).boxed().toList(), r.doubles(10, -4, 4).boxed().toList()));
        }
        return new HumanPoses(humans);
    }

    /** What the text keeps of {@code v}: every value replaced by its bin's value. */
    static HumanPoses expected(HumanPoses v) {
        List<Human> out = new ArrayList<>();
        for (Human h : v.humans()) {
            out.add(new Human(HumanPosesSerializer.boxBin(h.xmin()) / 999.0,
                    HumanPosesSerializer.boxBin(h.ymin()) / 999.0, HumanPosesSerializer.boxBin(h.xmax()) / 999.0,
                    HumanPosesSerializer.boxBin(h.ymax()) / 999.0, h.poseTokens(),
                    h.globalOrient().stream().map(x -> HumanPosesSerializer.globalValue(
                            HumanPosesSerializer.globalBin(x))).toList(),
                    h.camera().stream().map(x -> HumanPosesSerializer.cameraValue(
                            HumanPosesSerializer.cameraBin(x))).toList(),
                    h.betas().stream().map(x -> HumanPosesSerializer.shapeValue(
                            HumanPosesSerializer.shapeBin(x))).toList()));
        }
        return new HumanPoses(out);
    }

    static HumanPoses exact(SplittableRandom r) {
        return expected(raw(r));
    }
}
