package dev.kappa.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.kappa.common.config.ConfigException;
import dev.kappa.common.config.KappaConfig;
import dev.kappa.jobs.cli.AllOptions;

class IngestSettingsTest {

    @Test
    void aNestingDepthTheCanonicalWriterCannotReachIsAConfigurationError() {
        assertThat(settings("ingest.max-depth=1000").policy().maxDepth()).isEqualTo(1000);
        assertThatThrownBy(() -> settings("ingest.max-depth=1001")).isInstanceOf(ConfigException.class)
                .hasMessage("ingest.max-depth is 1001; it must be 1 to 1000, the deepest the canonical JSON writer goes");
        assertThatThrownBy(() -> settings("ingest.max-depth=0")).isInstanceOf(ConfigException.class);
    }

    private static IngestSettings settings(String override) {
        return IngestSettings.from(KappaConfig.load(null, List.of(override), AllOptions.list()));
    }
}
