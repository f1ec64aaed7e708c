package io.meshguard.features;

/** Bit flags describing what kind of endpoint a request path is; see {@link io.meshguard.model.MeshEvent#pathFlags}. */
public final class PathClass {
    private PathClass() {}

    /** Dotfiles, admin consoles, backups, configuration: what scanners probe for. */
    public static final int SENSITIVE = 1;
    /** Authentication endpoints: login, token, password reset. */
    public static final int LOGIN = 1 << 1;
    /** Account creation endpoints. */
    public static final int SIGNUP = 1 << 2;
    /** Static assets (images, scripts, styles), which crawlers and browsers fetch in bulk. */
    public static final int STATIC = 1 << 3;

    /** Login or signup. */
    public static final int AUTH = LOGIN | SIGNUP;

    public static boolean has(int flags, int flag) {
        return (flags & flag) != 0;
    }
}
