/**
 * The thermal modality: its provider ({@link fourm.examples.thermal.ThermalTokensProvider}), its learned tokenizer
 * ({@link fourm.examples.thermal.ThermalTokenizer}, trained by {@link fourm.examples.thermal.ThermalTokenizerTraining}
 * on {@link fourm.examples.thermal.ThermalMaps}) and its file format ({@link fourm.examples.thermal.ThermalFormat}).
 */
package fourm.examples.thermal;
