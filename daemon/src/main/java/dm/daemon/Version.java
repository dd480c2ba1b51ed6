package dm.daemon;

import dm.BuildInfo;
import picocli.CommandLine.IVersionProvider;

/** --version for dm-daemon. */
public final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {BuildInfo.version()};
    }
}
