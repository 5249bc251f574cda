package dev.kappa.jobs.columnar;

/**
 * What the table committer records in the catalog: a file that has become visible ({@code path} set),
 * or a partition that has become complete ({@code path} null, with its on-time row count).
 */
public record TableChange(String partition, String path, long completedRows) {

    static TableChange file(String partition, String path) {
        return new TableChange(partition, path, 0);
    }

    static TableChange complete(String partition, long onTimeRows) {
        return new TableChange(partition, null, onTimeRows);
    }

    boolean isFile() {
        return path != null;
    }
}
