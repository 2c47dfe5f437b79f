/** The color palette modality provider: {@code color_palette}. */
package fourm.modality.color.palette;
