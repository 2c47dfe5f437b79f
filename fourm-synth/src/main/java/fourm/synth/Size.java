package fourm.synth;

/** Object sizes: the half-extent of the shape in metres (sphere radius, half side of a cube, ...). */
enum Size {
    SMALL(0.4),
    LARGE(0.7);

    final double half;

    Size(double half) {
        this.half = half;
    }

    String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
