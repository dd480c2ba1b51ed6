package dm;

/** The version Maven wrote into the jar's manifest. */
public final class BuildInfo {
    private BuildInfo() {
    }

    public static String version() {
        String version = BuildInfo.class.getPackage().getImplementationVersion();
        return "dm " + (version == null ? "(development build)" : version);
    }
}
