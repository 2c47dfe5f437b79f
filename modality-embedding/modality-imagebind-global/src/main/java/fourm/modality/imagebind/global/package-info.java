/** The ImageBind global embedding modality provider: {@code tok_imagebind_global}. */
package fourm.modality.imagebind.global;
