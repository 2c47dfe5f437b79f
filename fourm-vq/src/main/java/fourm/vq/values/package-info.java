/**
 * The kit of {@link fourm.vq.ImageValues}: RGB, surface normals, edges, depth, class ids, feature maps and global
 * embeddings as the reference tokenizes them (spec-4m.md §6.1). Modality plugins pick one through
 * {@link fourm.vq.values.ImageValueKit}.
 */
package fourm.vq.values;
