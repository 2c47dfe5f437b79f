/**
 * Discovery, configuration and wiring: {@link fourm.core.ModalityRegistry} finds modality plugins,
 * {@link fourm.core.Fourm} loads the configuration, creates the enabled modalities and builds the injector.
 */
package fourm.core;
