package dm.worker;

import dm.handler.ConnectionHandler;
import dm.text.Shown;

/** Creates the configured handler, turning every way that can fail into one clear sentence. */
final class HandlerLoader {

    private HandlerLoader() {
    }

    static ConnectionHandler load(String className) throws BootException {
        Class<?> type;
        try {
            type = Class.forName(className, true, HandlerLoader.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new BootException("worker.handler = " + Shown.quoted(className) + ": class not found (check worker.classpath)");
        } catch (LinkageError e) {
            throw new BootException("worker.handler = " + Shown.quoted(className) + ": cannot load class: " + e);
        }
        if (!ConnectionHandler.class.isAssignableFrom(type)) {
            throw new BootException("worker.handler = " + Shown.quoted(className) + ": does not implement "
                    + ConnectionHandler.class.getName());
        }
        try {
            return (ConnectionHandler) type.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw new BootException("worker.handler = " + Shown.quoted(className) + ": needs a public no-argument constructor");
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new BootException("worker.handler = " + Shown.quoted(className) + ": constructor failed: " + cause);
        } catch (LinkageError e) {
            throw new BootException("worker.handler = " + Shown.quoted(className) + ": cannot initialise class: " + e);
        }
    }
}
