/**
 * The SAM instances modality, {@code sam_instance}: {@link fourm.modality.sam.instance.SamInstances} of
 * {@link fourm.modality.sam.instance.QueryPoint}s and their {@link fourm.modality.sam.instance.SamInstance}s,
 * written as text by {@link fourm.modality.sam.instance.SamInstancesSerializer}; the provider is
 * {@link fourm.modality.sam.instance.SamInstanceProvider}.
 */
package fourm.modality.sam.instance;
