/** The DINOv2 feature map modality provider: {@code tok_dinov2@224}. */
package fourm.modality.dinov2;
