/** The bounding boxes modality provider: {@code det}. */
package fourm.modality.det;
