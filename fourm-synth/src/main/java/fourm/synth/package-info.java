/**
 * The synthetic multimodal world. {@link fourm.synth.SynthWorld} generates samples from {@link
 * fourm.synth.SynthSettings} (read from the {@code fourm.synth} config node) and writes them in the raw layout of the
 * reference data pipeline, {@code root/{modality}/{key}.{ext}}; {@link fourm.synth.SynthSample} holds one sample in
 * memory; {@link fourm.synth.Classes} is the class list shared by semantic segmentation and detection.
 *
 * <p>Coordinate frames used throughout: the <b>world</b> is right-handed with y up and the ground plane at y = 0;
 * the <b>camera frame</b> of the normal maps is OpenGL-style (x right, y up, z towards the viewer); the <b>pose
 * camera frame</b> of the human poses is OpenCV-style (x right, y down, z forward), as HMR2 uses it; pixel
 * coordinates are continuous with pixel (i, j) covering [i, i+1) x [j, j+1) and x to the right, y down.
 */
package fourm.synth;
