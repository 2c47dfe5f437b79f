/** The SAM instances modality provider: {@code sam_instance}. */
package fourm.modality.sam.instance;
