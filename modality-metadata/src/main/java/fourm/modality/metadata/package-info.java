/** The metadata modality provider: {@code metadata}. */
package fourm.modality.metadata;
