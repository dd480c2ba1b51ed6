package dm;

/** The version Maven wrote into the jar's manifest. */
public final class BuildInfo {
    private BuildInfo() {
    }

    public static String version() {
        String version = BuildInfo.class.getPackage().getImplementationVersion();
        return "dm " + (version == null ? "(development build)" : version);
    }

    /** The version alone, as in the dm_build_info metric: 0.1.0-SNAPSHOT, or "development" from a source tree. */
    public static String number() {
        String version = BuildInfo.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }
}
