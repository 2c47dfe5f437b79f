/** The depth modality provider: {@code tok_depth@224}. */
package fourm.modality.depth;
