package fourm.synth;

/** One solid of a scene object with its surface: albedo (linear RGB) and material. */
record Part(Primitive solid, Vec3 albedo, Material material) {
}
