/** The SAM edges modality provider: {@code tok_sam_edge@224}. */
package fourm.modality.sam.edge;
