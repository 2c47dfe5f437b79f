/** The Canny edges modality provider: {@code tok_canny_edge@224}. */
package fourm.modality.canny.edge;
