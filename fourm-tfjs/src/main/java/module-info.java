/**
 * TensorFlow.js graph models on TensorFlow Java, and the pretrained pseudo-labelers built on them.
 *
 * <ul>
 *   <li>{@link fourm.tfjs} - {@link fourm.tfjs.TfjsModel}: loads any TF.js graph model, validates it, runs it.</li>
 *   <li>{@link fourm.tfjs.label} - the labelers ({@code det:nanodet}, {@code keypoints:movenet},
 *       {@code person-mask:selfie}, {@code features:movenet-backbone}), the generic {@code features:savedmodel}
 *       labeler ({@link fourm.tfjs.label.SavedModelLabeler}: any TensorFlow SavedModel whose output is a dense map)
 *       and the photo reader / overlay drawer.</li>
 * </ul>
 *
 * <p>Models are fetched once by {@code bin/fetch-models}; nothing here reaches the network.
 */
module fourm.tfjs {
    requires transitive fourm.api;
    requires transitive tensorflow;
    requires com.google.protobuf;
    requires com.google.protobuf.util;
    requires com.google.gson;
    requires java.desktop;

    exports fourm.tfjs;
    exports fourm.tfjs.label;

    provides fourm.api.label.PseudoLabelerProvider with
            fourm.tfjs.label.NanoDetProvider,
            fourm.tfjs.label.MoveNetProvider,
            fourm.tfjs.label.SelfieProvider,
            fourm.tfjs.label.MoveNetBackboneProvider,
            fourm.tfjs.label.SavedModelProvider;
    provides fourm.api.label.LabelImages with
            fourm.tfjs.label.AwtLabelImages;
}
