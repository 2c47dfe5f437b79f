/** The T5-XXL caption embeddings modality provider: {@code t5_caption}. */
package fourm.modality.t5.caption;
