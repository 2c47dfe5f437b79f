/**
 * Text for fourm: the {@code caption} modality provider, and the text tokenizer every sequence modality shares.
 *
 * <ul>
 *   <li>{@link fourm.modality.text.TextTokenizer}: any Hugging Face {@code tokenizer.json} through the Hugging Face
 *       tokenizers library; with the reference's file it gives the reference's ids.</li>
 *   <li>{@link fourm.modality.text.TokenLayout}, {@link fourm.modality.text.CocoClasses}: the 4M id layout.</li>
 *   <li>{@link fourm.modality.text.TokenizerBuilder}, {@link fourm.modality.text.WordPieceTrainer}: fourm's own
 *       tokenizer, from BERT's vocabulary or learned from the user's text.</li>
 *   <li>{@link fourm.modality.text.TextSerializer}, {@link fourm.modality.text.SequenceTokenizer},
 *       {@link fourm.modality.text.Decoded}, {@link fourm.modality.text.SequenceModalities}: what the structured
 *       sequence modalities (det, metadata, color palette, human poses, SAM instances) build on.</li>
 * </ul>
 */
package fourm.modality.text;
