package io.meshguard.baseline;

/** A baseline as the scorer sees it: a centre and a spread per feature, and where they came from. */
public final class BaselineView {
    public final BaselineKind kind;
    /** Typical value per feature (indexed by Feature ordinal). */
    public final double[] center;
    /** Typical spread per feature, before scale floors are applied. */
    public final double[] scale;

    public BaselineView(BaselineKind kind, double[] center, double[] scale) {
        this.kind = kind;
        this.center = center;
        this.scale = scale;
    }
}
