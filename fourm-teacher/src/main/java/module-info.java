/**
 * fourm-teacher: the default offline teachers of the embedding modalities. Fixed, seeded networks written in plain Java
 * that stand in for CLIP ViT-B/16, DINOv2 ViT-B/14 and ImageBind ViT-H/14 (feature maps and global embeddings) and for
 * the T5-XXL encoder (caption embeddings), with the real teachers' output shapes, so that tokenizer training,
 * pre-tokenization and 4M training run end to end without the real networks. They carry no semantics.
 *
 * <ul>
 *   <li>Image teachers are pseudo-labelers ({@link fourm.api.label.PseudoLabelerProvider}): {@code clip:synthetic},
 *       {@code dinov2:synthetic}, {@code imagebind:synthetic}, {@code dinov2-global:synthetic},
 *       {@code imagebind-global:synthetic}; see {@link fourm.teacher.SyntheticImageTeacher}.</li>
 *   <li>Text teachers are {@link fourm.teacher.TextTeacherProvider}s: {@code t5-caption:synthetic}; see
 *       {@link fourm.teacher.SyntheticTextTeacher}.</li>
 * </ul>
 */
module fourm.teacher {
    requires transitive fourm.api;

    exports fourm.teacher;

    uses fourm.teacher.TextTeacherProvider;

    provides fourm.api.label.PseudoLabelerProvider with
            fourm.teacher.ClipSyntheticProvider,
            fourm.teacher.Dinov2SyntheticProvider,
            fourm.teacher.ImagebindSyntheticProvider,
            fourm.teacher.Dinov2GlobalSyntheticProvider,
            fourm.teacher.ImagebindGlobalSyntheticProvider;
    provides fourm.teacher.TextTeacherProvider with
            fourm.teacher.T5SyntheticProvider;
}
