/** The CLIP feature map modality provider: {@code tok_clip@224}. */
package fourm.modality.clip;
