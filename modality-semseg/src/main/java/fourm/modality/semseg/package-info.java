/** The semantic segmentation modality provider: {@code tok_semseg@224}. */
package fourm.modality.semseg;
