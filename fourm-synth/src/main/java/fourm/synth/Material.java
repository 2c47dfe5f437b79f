package fourm.synth;

/** Surface materials: diffuse only, or diffuse plus a Blinn-Phong specular highlight. */
enum Material {
    MATTE(0.0, 1),
    SHINY(0.55, 90);

    /** Specular weight (0 = none). */
    final double specular;
    /** Blinn-Phong exponent. */
    final double shininess;

    Material(double specular, double shininess) {
        this.specular = specular;
        this.shininess = shininess;
    }

    String word() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
