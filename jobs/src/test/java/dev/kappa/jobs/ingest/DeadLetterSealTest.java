package dev.kappa.jobs.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import dev.kappa.common.event.DeadLetter;
import dev.kappa.common.event.RawRecord;
import dev.kappa.common.event.RejectReason;

class DeadLetterSealTest {

    private static final String KEY = "0123456789abcdef-seal-key";

    private static byte[] sealedValue(String value) {
        DeadLetterSeal seal = new DeadLetterSeal(List.of("payload.email"), KEY);
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        DeadLetter letter = seal.letter(RawRecord.fromKafka("raw", 0, 1, 2, null, bytes), bytes,
                RejectReason.MALFORMED_JSON, "detail");
        return letter.source().value();
    }

    @Test
    void opensWithTheKeyAndNotWithAnother() throws Exception {
        byte[] sealed = sealedValue("{\"email\":\"a@b.c\"");
        assertThat(new String(DeadLetterSeal.open(sealed, KEY), StandardCharsets.UTF_8)).isEqualTo("{\"email\":\"a@b.c\"");
        assertThatThrownBy(() -> DeadLetterSeal.open(sealed, KEY + "-other")).isInstanceOf(AEADBadTagException.class);
    }

    /**
     * PII hashes are HMACs of UTF-8 values under the same key: no value, however chosen, may hash to
     * the sealing key, or a producer could publish it on the log. The purpose a value would need is
     * not UTF-8, so the closest a producer can come is the purpose's text.
     */
    @Test
    void noPiiHashIsTheSealingKey() throws Exception {
        byte[] sealed = sealedValue("secret");
        String published = new PiiMasker(List.of("payload.email"), KEY).hash("kappa dead-letter encryption v1");
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(HexFormat.of().parseHex(published), "AES"),
                new GCMParameterSpec(128, sealed, 0, 12));
        assertThatThrownBy(() -> cipher.doFinal(sealed, 12, sealed.length - 12)).isInstanceOf(AEADBadTagException.class);
    }

    @Test
    void sealingTheSameValueTwiceGivesDifferentBytes() {
        assertThat(sealedValue("same")).isNotEqualTo(sealedValue("same"));
    }
}
