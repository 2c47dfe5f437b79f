/**
 * Drawing on RGB pictures without an engine: {@link fourm.api.image.Canvas} (pasted images, rectangles, text in a
 * small bitmap font) for grids and the views a plugin or a command shows.
 */
package fourm.api.image;
