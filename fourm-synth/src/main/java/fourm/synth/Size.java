package fourm.synth;

/** Object sizes: the half-extent of the shape in metres (sphere radius, half side of a cube, ...). */
enum Size {
    SMALL(0.45),
    LARGE(0.75);

    final double half;

    Size(double half) {
        this.half = half;
    }

    String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
