package dm.worker;

import dm.handler.ConnectionHandler;

/** Creates the configured handler, turning every way that can fail into one clear sentence. */
final class HandlerLoader {

    private HandlerLoader() {
    }

    static ConnectionHandler load(String className) throws BootException {
        Class<?> type;
        try {
            type = Class.forName(className, true, HandlerLoader.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new BootException("worker.handler = '" + className + "': class not found (check worker.classpath)");
        } catch (LinkageError e) {
            throw new BootException("worker.handler = '" + className + "': cannot load class: " + e);
        }
        if (!ConnectionHandler.class.isAssignableFrom(type)) {
            throw new BootException("worker.handler = '" + className + "': does not implement "
                    + ConnectionHandler.class.getName());
        }
        try {
            return (ConnectionHandler) type.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw new BootException("worker.handler = '" + className + "': needs a public no-argument constructor");
        } catch (ReflectiveOperationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new BootException("worker.handler = '" + className + "': constructor failed: " + cause);
        } catch (LinkageError e) {
            throw new BootException("worker.handler = '" + className + "': cannot initialise class: " + e);
        }
    }
}
