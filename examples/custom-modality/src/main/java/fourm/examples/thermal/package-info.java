/**
 * The thermal modality: its provider ({@link fourm.examples.thermal.ThermalTokensProvider}) and its tokenizer
 * ({@link fourm.examples.thermal.ThermalTokenizer}).
 */
package fourm.examples.thermal;
