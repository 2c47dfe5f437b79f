/** The surface normals modality provider: {@code tok_normal@224}. */
package fourm.modality.normal;
