/**
 * The colour palette modality, {@code color_palette}: {@link fourm.modality.color.palette.ColorPalette} of
 * {@link fourm.modality.color.palette.Rgb} colours, written as text by
 * {@link fourm.modality.color.palette.ColorPaletteSerializer}; the provider is
 * {@link fourm.modality.color.palette.ColorPaletteProvider}.
 */
package fourm.modality.color.palette;
