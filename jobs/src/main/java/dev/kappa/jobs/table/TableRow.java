package dev.kappa.jobs.table;

import dev.kappa.common.event.LoggedEvent;

/**
 * An event on its way into the table. {@code late} marks a row whose partition had already been
 * closed (watermark past its end plus the commit delay) when it arrived: the partition committer
 * must not wait for it, so files count their on-time rows apart.
 */
public record TableRow(LoggedEvent logged, boolean late) {
}
