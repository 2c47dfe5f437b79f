/** The ImageBind feature map modality provider: {@code tok_imagebind@224}. */
package fourm.modality.imagebind;
