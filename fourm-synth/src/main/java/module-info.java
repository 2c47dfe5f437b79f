/**
 * fourm-synth: a procedural multimodal world. It generates 3D scenes (objects on a ground plane, articulated human
 * figures, a sun and a sky), renders them by ray casting and writes every sample in all the modalities 4M-21 trains
 * on, each label exact because it is computed from the scene itself. Start at {@link fourm.synth.SynthWorld}.
 */
module fourm.synth {
    requires fourm.api;
    requires com.google.gson;
    requires transitive typesafe.config;

    exports fourm.synth;
}
