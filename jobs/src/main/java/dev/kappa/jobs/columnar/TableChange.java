package dev.kappa.jobs.columnar;

/**
 * What the table committer records in the catalog: a file that has become visible ({@code path} set),
 * or a partition that has become complete ({@code path} null).
 */
public record TableChange(String partition, String path) {

    static TableChange file(String partition, String path) {
        return new TableChange(partition, path);
    }

    static TableChange complete(String partition) {
        return new TableChange(partition, null);
    }

    boolean isFile() {
        return path != null;
    }
}
