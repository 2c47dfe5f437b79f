/**
 * The end-to-end contract of a modality plugin ({@link fourm.contract.ModalityEndToEndContract}) and the kit's value
 * formats for plugins that bring none ({@link fourm.contract.KitFormats}).
 */
package fourm.contract;
