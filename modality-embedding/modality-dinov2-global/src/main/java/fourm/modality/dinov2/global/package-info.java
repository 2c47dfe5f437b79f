/** The DINOv2 global embedding modality provider: {@code tok_dinov2_global}. */
package fourm.modality.dinov2.global;
