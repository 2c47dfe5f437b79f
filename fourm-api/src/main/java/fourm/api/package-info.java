/**
 * What a modality is: its {@link fourm.api.ModalitySpec} (key, kind, vocabulary, token count, positions, encoder and
 * decoder sides, generation defaults, masking policy) and its {@link fourm.api.ModalityTokenizer}.
 */
package fourm.api;
