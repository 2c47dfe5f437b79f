/**
 * The default offline teachers of the embedding modalities: {@link fourm.teacher.SyntheticImageTeacher} behind the
 * pseudo-labelers {@code clip:synthetic}, {@code dinov2:synthetic}, {@code imagebind:synthetic},
 * {@code dinov2-global:synthetic} and {@code imagebind-global:synthetic}, and {@link fourm.teacher.SyntheticTextTeacher}
 * behind the text teacher {@code t5-caption:synthetic} ({@link fourm.teacher.TextTeacherProvider}). Fixed random
 * networks with the real teachers' output shapes; they carry no semantics.
 */
package fourm.teacher;
