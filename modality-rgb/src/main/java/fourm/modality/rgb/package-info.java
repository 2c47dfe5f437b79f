/** The RGB modality providers: pixels ({@code rgb@224}) and tokens ({@code tok_rgb@224}). */
package fourm.modality.rgb;
