package dm.ctl;

import dm.BuildInfo;
import picocli.CommandLine.IVersionProvider;

/** --version for dm-ctl. */
public final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {BuildInfo.version()};
    }
}
