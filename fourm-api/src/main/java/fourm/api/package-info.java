/**
 * What a modality is: its {@link fourm.api.ModalitySpec} (key, kind, vocabulary, token count, positions, encoder and
 * decoder sides, generation defaults, masking policy) and its {@link fourm.api.ModalityTokenizer}; and
 * {@link fourm.api.ConfigReader}, the strict reader of a settings node every module's settings share.
 */
package fourm.api;
